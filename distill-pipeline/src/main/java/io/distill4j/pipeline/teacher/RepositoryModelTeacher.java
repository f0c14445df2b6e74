package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.ModelId;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.pipeline.DistillerConfig;

/** The newest version of a model in the distiller's model repository, run as it is. */
final class RepositoryModelTeacher extends EngineTeacher {

    private final TeacherSpec.RepositoryModel spec;

    RepositoryModelTeacher(TeacherSpec.RepositoryModel spec) {
        this.spec = spec;
    }

    @Override
    Path repository(TeacherContext context) {
        Path repository = context.config().modelRepository().orElseThrow(() -> new DistillationException(
                context.jobId(), "teacher: a repository model needs the distiller's modelRepository to be set", null));
        if (this.spec.version().isPresent()) {
            throw new DistillationException(context.jobId(), "teacher: a pinned repository version is not "
                    + "supported yet; the latest version of '" + this.spec.name() + "' is used when no version is "
                    + "given", null);
        }
        return repository;
    }

    @Override
    String install(OnnxInferenceEngine engine, Path repository, TeacherContext context) {
        return this.spec.name();
    }

    @Override
    public Optional<Path> encoderFile(DistillerConfig config) {
        if (config.modelRepository().isEmpty()) {
            return Optional.empty();
        }
        ModelRepository repository = ModelRepository.open(config.modelRepository().get());
        OptionalLong latest = repository.latestVersion(this.spec.name());
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(repository.resolve(ModelId.of(this.spec.name(), latest.getAsLong())).model());
    }
}
