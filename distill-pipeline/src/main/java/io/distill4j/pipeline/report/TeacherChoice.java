package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * What an encoder teacher of a classification job became, a head fitted on the frozen encoder or the
 * encoder fine-tuned, and why, with the figures the choice was made on. A figure that was not measured
 * (no probe ran, or it stopped early) is NaN, zero or empty.
 *
 * <pre>{@code
 * TeacherChoice choice = outcome.choice().orElseThrow();
 * System.out.println(choice.reason());
 * // fine-tuned: probe 0.874 vs frozen 0.812 at 1,024 examples; estimated 41 min within the 60 min budget
 * }</pre>
 *
 * @param fineTuned whether the encoder was fine-tuned (otherwise the frozen head teaches)
 * @param reason the rule applied, in words, with its numbers
 * @param frozenAccuracy the frozen head's validation accuracy, fitted on the whole training split
 * @param validationExamples the labelled validation examples it was scored on
 * @param equalDataFrozenAccuracy the accuracy of a frozen head fitted on the probe's training subsample,
 *     on the probe's validation subsample
 * @param probeAccuracy the probe's best validation accuracy on that subsample
 * @param probeTrainExamples the probe's training subsample
 * @param probeValidationExamples the probe's validation subsample
 * @param probeSteps the optimizer steps the probe took
 * @param probeDuration the probe's wall-clock time
 * @param estimatedFineTuning the fine-tuning's estimated time, soft-target pass included
 * @param budget the job's {@code Budget.maxDuration}
 */
public record TeacherChoice(boolean fineTuned, String reason, double frozenAccuracy, int validationExamples,
        double equalDataFrozenAccuracy, double probeAccuracy, int probeTrainExamples, int probeValidationExamples,
        int probeSteps, Duration probeDuration, Optional<Duration> estimatedFineTuning, Duration budget) {

    public TeacherChoice {
        Checks.notBlank(reason, "teacherChoice.reason");
        Checks.atLeast(validationExamples, 0, "teacherChoice.validationExamples");
        Checks.atLeast(probeTrainExamples, 0, "teacherChoice.probeTrainExamples");
        Checks.atLeast(probeValidationExamples, 0, "teacherChoice.probeValidationExamples");
        Checks.atLeast(probeSteps, 0, "teacherChoice.probeSteps");
        Checks.notNegative(probeDuration, "teacherChoice.probeDuration");
        Checks.notNull(estimatedFineTuning, "teacherChoice.estimatedFineTuning");
        Checks.notNull(budget, "teacherChoice.budget");
    }
}
