package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.cache.TeacherOutputs;

/** An ONNX classifier given as files: installed into the teacher repository, its logits are the soft targets. */
final class OnnxClassifierTeacher extends EngineTeacher {

    private final TeacherSpec.OnnxClassifier spec;

    OnnxClassifierTeacher(TeacherSpec.OnnxClassifier spec) {
        this.spec = spec;
    }

    @Override
    Path repository(TeacherContext context) {
        return teachersRepository(context);
    }

    @Override
    InstalledTeacher install(OnnxInferenceEngine engine, Path repository, TeacherContext context,
            Optional<TeacherOutputs> outputs) {
        List<String> labels = this.spec.labels().isEmpty() ? context.labels() : this.spec.labels();
        if (!labels.equals(context.labels())) {
            throw new DistillationException(context.jobId(), "teacher.labels " + labels + " differ from the "
                    + "data's labels " + context.labels() + "; give the classifier's labels in logit order", null);
        }
        return InstalledTeacher.of(TeacherFolders.installClassifier(repository, this.spec.model(),
                this.spec.tokenizer(), labels, context.config().maxSequenceLength(), context.jobId()));
    }
}
