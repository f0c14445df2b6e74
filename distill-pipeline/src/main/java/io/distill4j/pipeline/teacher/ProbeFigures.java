package io.distill4j.pipeline.teacher;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AutoFineTuning} measured before choosing between the frozen head and fine-tuning, the inputs
 * of {@link FineTuningRule#decide}. A figure that was not measured is NaN, zero or empty. Kept as JSON next
 * to the fitted teacher, so that a later job with the same encoder, data and settings chooses again from
 * these figures (its budget may differ) without a probe.
 *
 * @param frozenAccuracy the frozen head's validation accuracy (fitted on the whole training split)
 * @param validationExamples the labelled validation examples it was scored on
 * @param equalDataFrozenAccuracy a frozen head's accuracy, fitted on the probe's training subsample and
 *        scored on its validation subsample
 * @param probeAccuracy the probe's best validation accuracy on the same subsample; NaN when it stopped early
 * @param probeTrainExamples the probe's training subsample
 * @param probeValidationExamples the probe's validation subsample
 * @param probeSteps the optimizer steps the probe took
 * @param probeDuration the probe's wall-clock time
 * @param estimatedFineTuning the whole fine-tuning's estimated time, soft-target pass included; empty when
 *        no speed was measured
 * @param probeStopped why the probe ended before it finished, when it did
 */
record ProbeFigures(double frozenAccuracy, int validationExamples, double equalDataFrozenAccuracy,
        double probeAccuracy, int probeTrainExamples, int probeValidationExamples, int probeSteps,
        Duration probeDuration, Optional<Duration> estimatedFineTuning, Optional<String> probeStopped) {

    ProbeFigures {
        Objects.requireNonNull(probeDuration, "probeDuration");
        Objects.requireNonNull(estimatedFineTuning, "estimatedFineTuning");
        Objects.requireNonNull(probeStopped, "probeStopped");
    }

    /** The figures of a job that did not probe: the frozen head's alone. */
    static ProbeFigures withoutProbe(double frozenAccuracy, int validationExamples) {
        return new ProbeFigures(frozenAccuracy, validationExamples, Double.NaN, Double.NaN, 0, 0, 0, Duration.ZERO,
                Optional.empty(), Optional.empty());
    }
}
