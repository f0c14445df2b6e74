package io.distill4j.pipeline.train;

import java.util.Locale;
import java.util.Objects;

/**
 * Intermediate-layer distillation for a {@link StudentTrainer}: the teacher whose hidden states and attention
 * the student learns, and the weights of those terms in {@link IntermediateDistillationLoss}. The trainer
 * does not own the teacher: whoever made it closes it after training.
 *
 * <pre>{@code
 * try (TeacherInternals teacher = BertEncoderWeights.read(encoder).internals(128, keptIds)) {
 *     new StudentTrainer(config, IntermediateTraining.of(teacher, 1f, 1f)).train(model, train, validation, ...);
 * }
 * }</pre>
 *
 * @param teacher the frozen teacher's internals
 * @param hiddenWeight {@code betaHidden}, the weight of the mean hidden-state MSE, finite and {@code >= 0}
 * @param attentionWeight {@code betaAttention}, the weight of the mean attention KL, finite and {@code >= 0}
 */
public record IntermediateTraining(TeacherInternals teacher, float hiddenWeight, float attentionWeight) {

    public IntermediateTraining {
        Objects.requireNonNull(teacher, "teacher");
        IntermediateDistillationLoss.requireWeight("hiddenWeight", hiddenWeight);
        IntermediateDistillationLoss.requireWeight("attentionWeight", attentionWeight);
    }

    public static IntermediateTraining of(TeacherInternals teacher, float hiddenWeight, float attentionWeight) {
        return new IntermediateTraining(teacher, hiddenWeight, attentionWeight);
    }

    /** The settings and the teacher's shape, for a run's fingerprint and reports. */
    String describe(int studentLayers) {
        return String.format(Locale.ROOT, "hiddenWeight=%s, attentionWeight=%s, teacher %d layers x %d (%d heads), "
                + "mapping %s", this.hiddenWeight, this.attentionWeight, this.teacher.layers(),
                this.teacher.hiddenSize(), this.teacher.heads(),
                IntermediateDistillationLoss.describeMapping(studentLayers, this.teacher.layers()));
    }
}
