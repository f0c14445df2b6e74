package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.TeacherOutputs;

/**
 * The newest version of a model in the distiller's model repository. A model whose task is the job's is
 * run as it is. A {@code text-embedding} model teaching a classification is the encoder of a fitted-head
 * teacher, exactly as the same files given by {@code TeacherSpec.onnxEncoder} are
 * ({@link OnnxEncoderTeacher}), pooled and normalized as its {@code model.json} says, and may be fine-tuned
 * instead under the spec's fine-tuning policy ({@link AutoFineTuning}).
 */
final class RepositoryModelTeacher extends EngineTeacher {

    private final TeacherSpec.RepositoryModel spec;

    RepositoryModelTeacher(TeacherSpec.RepositoryModel spec) {
        this.spec = spec;
    }

    @Override
    public TeacherOutcome run(TeacherContext context) {
        if (!context.embedding()) {
            ModelFiles files = latest(repository(context), context.jobId());
            if (files.manifest().task() == TaskType.TEXT_EMBEDDING) {
                Path tokenizer = files.tokenizer().orElseThrow(() -> new DistillationException(context.jobId(),
                        "teacher: '" + this.spec.name() + "' has no tokenizer to fit a head with", null));
                Pooling pooling = pooling(files, context.jobId());
                return new AutoFineTuning(this.spec, new OnnxEncoderTeacher(files.model(), tokenizer, pooling,
                        files.manifest().normalize()), pooling).run(context);
            }
        }
        return super.run(context);
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
    InstalledTeacher install(OnnxInferenceEngine engine, Path repository, TeacherContext context,
            Optional<TeacherOutputs> outputs) {
        return InstalledTeacher.of(this.spec.name());
    }

    @Override
    public Optional<Path> encoderFile(DistillerConfig config) {
        return latest(config).map(ModelFiles::model);
    }

    @Override
    public Pooling encoderPooling(DistillerConfig config) {
        return latest(config).filter(files -> files.manifest().task() == TaskType.TEXT_EMBEDDING
                && files.manifest().pooling() != io.distill4j.engine.text.Pooling.NONE)
                .map(files -> pooling(files, null)).orElse(Pooling.MEAN);
    }

    private Optional<ModelFiles> latest(DistillerConfig config) {
        if (config.modelRepository().isEmpty()) {
            return Optional.empty();
        }
        ModelRepository repository = ModelRepository.open(config.modelRepository().get());
        OptionalLong latest = repository.latestVersion(this.spec.name());
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(repository.resolve(ModelId.of(this.spec.name(), latest.getAsLong())));
    }

    private ModelFiles latest(Path root, String jobId) {
        ModelRepository repository = ModelRepository.open(root);
        OptionalLong latest = repository.latestVersion(this.spec.name());
        if (latest.isEmpty()) {
            throw new DistillationException(jobId, "Teacher '" + this.spec.name() + "' is not in the model repository "
                    + root, null);
        }
        return repository.resolve(ModelId.of(this.spec.name(), latest.getAsLong()));
    }

    /** The manifest's pooling of a token-vector encoder; a model that outputs one vector per text has none. */
    private Pooling pooling(ModelFiles files, String jobId) {
        return switch (files.manifest().pooling()) {
            case MEAN -> Pooling.MEAN;
            case CLS -> Pooling.CLS;
            case NONE -> throw new DistillationException(jobId, "teacher: '" + this.spec.name() + "' outputs one "
                    + "vector per text (pooling none); a head is fitted on an encoder's token vectors, so its "
                    + "model.json must say pooling mean or cls", null);
        };
    }
}
