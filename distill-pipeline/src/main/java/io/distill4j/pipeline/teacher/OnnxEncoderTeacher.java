package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.pipeline.DistillerConfig;

/**
 * An ONNX encoder given as files. For an embedding job its pooled vectors are the soft targets; for a
 * classification job a head is fitted on the frozen encoder with the data's labels (once per encoder,
 * data and settings: a second job finds the fitted teacher in the teacher repository) and the encoder
 * plus head is the teacher.
 */
final class OnnxEncoderTeacher extends EngineTeacher {

    private static final double HEAD_LEARNING_RATE = 0.003;

    private static final int HEAD_BATCH = 32;

    private static final int HEAD_EPOCHS = 100;

    private static final int HEAD_PATIENCE = 8;

    private final TeacherSpec.OnnxEncoder spec;

    OnnxEncoderTeacher(TeacherSpec.OnnxEncoder spec) {
        this.spec = spec;
    }

    @Override
    Path repository(TeacherContext context) {
        return teachersRepository(context);
    }

    @Override
    String install(OnnxInferenceEngine engine, Path repository, TeacherContext context) {
        String encoderName = TeacherFolders.installEncoder(repository, this.spec.model(), this.spec.tokenizer(),
                context.config().maxSequenceLength(), context.jobId());
        return context.embedding() ? encoderName : fitHead(engine, repository, encoderName, context);
    }

    @Override
    public Optional<Path> encoderFile(DistillerConfig config) {
        return Optional.of(this.spec.model());
    }

    private String fitHead(OnnxInferenceEngine engine, Path repository, String encoderName, TeacherContext context) {
        HeadTrainer headTrainer = HeadTrainer.builder().learningRate(HEAD_LEARNING_RATE).batchSize(HEAD_BATCH)
                .maxEpochs(HEAD_EPOCHS).patience(HEAD_PATIENCE).seed(context.spec().seed()).build();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("head", "lr=" + HEAD_LEARNING_RATE + ",batch=" + HEAD_BATCH + ",epochs=" + HEAD_EPOCHS
                + ",patience=" + HEAD_PATIENCE);
        settings.put("seed", context.spec().seed());
        settings.put("maxSequenceLength", context.config().maxSequenceLength());
        String fitted = TeacherFolders.fittedName(this.spec.model(), this.spec.tokenizer(), context.train(),
                context.validation(), settings);
        if (TeacherFolders.isInstalled(repository, fitted)) {
            context.progress().milestone(0, -1, 0.1, Map.of(), "teacher: head on " + this.spec.model().getFileName()
                    + " found fitted");
            return fitted;
        }
        Path staged = TeacherFolders.staging(repository, fitted);
        try {
            int texts = context.train().size() + context.validation().size();
            EncoderTeacher.Fitted result = EncoderTeacher.fit(engine, encoderName, context.train(),
                    context.validation(), headTrainer, staged.resolve("1"), done -> context.progress().update(done,
                            texts, 0.3 * done / Math.max(1, texts), Map.of(), "teacher: embedding " + done + " of "
                                    + texts + " texts to fit a head"));
            engine.unload(encoderName);
            context.progress().milestone(0, -1, 0.35, Map.of("teacher_head_val_accuracy",
                    result.head().validationAccuracy()), String.format(Locale.ROOT,
                    "teacher: head fitted on %s, validation accuracy %.4f", this.spec.model().getFileName(),
                    result.head().validationAccuracy()));
        }
        catch (RuntimeException ex) {
            FileTrees.delete(staged);
            throw ex;
        }
        TeacherFolders.publish(staged, repository, fitted);
        return fitted;
    }
}
