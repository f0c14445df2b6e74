package io.distill4j.pipeline.finetune;

import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.transformer.BertEncoderWeights;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.train.TeacherInternals;

/**
 * The hidden states and attention of a teacher fine-tuned in the JVM, for intermediate-layer distillation:
 * the version folder's DJL parameters ({@value FineTuner#PARAMETERS_FILE}) read back into the Transformer
 * that was fine-tuned. Its shape is the base encoder's ({@link BertEncoderWeights}: width, layers, heads,
 * feed-forward size, epsilon, vocabulary) with the folder's position table ({@code maxSequenceLength} of
 * its {@code model.json}) and one logit per label; pooling and dropout do not change the internals.
 *
 * <pre>{@code
 * if (FineTunedInternals.isFineTuned(folder)) {
 *     try (TeacherInternals teacher = FineTunedInternals.open(folder, BertEncoderWeights.read(base), keptIds)) { ... }
 * }
 * }</pre>
 */
public final class FineTunedInternals {

    private FineTunedInternals() {
    }

    /** Whether {@code versionFolder} holds a teacher fine-tuned by {@link FineTuner}. */
    public static boolean isFineTuned(Path versionFolder) {
        return Files.isRegularFile(versionFolder.resolve(FineTuner.PARAMETERS_FILE))
                && Files.isRegularFile(versionFolder.resolve(ModelManifest.FILE_NAME));
    }

    /** The longest sequence the fine-tuned teacher takes: its position table. */
    public static int maxPositions(Path versionFolder) {
        return manifest(versionFolder).maxSequenceLength();
    }

    /**
     * Reads the fine-tuned teacher into a frozen model.
     *
     * @param base the encoder it was fine-tuned from
     * @param keptIds the teacher id of each student id, or {@code null} when the student uses the teacher's ids
     * @return internals that own the model; the caller closes them
     * @throws io.distill4j.api.exception.ModelLoadException if the parameters do not fit that shape
     */
    public static TeacherInternals open(Path versionFolder, BertEncoderWeights base, long[] keptIds) {
        ModelManifest manifest = manifest(versionFolder);
        TransformerConfig config = FineTuner.shape(base, manifest.labels().size(), manifest.maxSequenceLength(), 0f,
                TransformerConfig.Pooling.MEAN);
        StudentModel model = StudentModel.create(config.newBlock(), 0);
        try {
            model.loadParameters(versionFolder.resolve(FineTuner.PARAMETERS_FILE));
            return TeacherInternals.of(model, keptIds);
        }
        catch (RuntimeException ex) {
            model.close();
            throw ex;
        }
    }

    private static ModelManifest manifest(Path versionFolder) {
        return ModelManifest.read(versionFolder.resolve(ModelManifest.FILE_NAME), versionFolder.toString());
    }
}
