package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * One auto-tuning trial, as the search records it and the report's trials table shows it: a training run
 * with one set of hyper-parameters, scored on the validation split. A trial that did not finish says why.
 *
 * <pre>{@code
 * TrialRecord.completed("t3", 1, Map.of("hidden", "128", "lr", "0.001"), 4, 0.871, Duration.ofSeconds(12));
 * TrialRecord.pruned("t4", 0, Map.of("hidden", "32", "lr", "0.1"), 1, 0.41, Duration.ofSeconds(3),
 *         "below the median of rung 0");
 * }</pre>
 *
 * @param id the trial's identifier, unique within a report (the search numbers its trials from 1, in the
 *     order run)
 * @param rung the successive-halving rung it ran in, {@code >= 0} (0 for the shortest trials)
 * @param hyperParameters the settings it tried, by name (kept sorted by name)
 * @param epochs the epochs it was given, {@code >= 0}
 * @param validationScore its best score on the validation split, {@code NaN} when there is none; finite
 *     for a completed trial
 * @param duration its wall-clock time
 * @param status how it ended
 * @param reason why it was pruned or failed; required for a failed trial
 */
public record TrialRecord(String id, int rung, Map<String, String> hyperParameters, int epochs,
        double validationScore, Duration duration, Status status, Optional<String> reason) {

    public TrialRecord {
        Checks.notBlank(id, "trial.id");
        Checks.atLeast(rung, 0, "trial.rung");
        hyperParameters = Checks.sortedCopy(hyperParameters, "trial.hyperParameters");
        Checks.atLeast(epochs, 0, "trial.epochs");
        Checks.notNegative(duration, "trial.duration");
        Checks.notNull(status, "trial.status");
        Checks.notNull(reason, "trial.reason");
        reason.ifPresent(r -> Checks.notBlank(r, "trial.reason"));
        if (status == Status.COMPLETED && !Double.isFinite(validationScore)) {
            throw new IllegalArgumentException("trial.validationScore of completed trial " + id
                    + " must be a finite number, was " + validationScore);
        }
        if (status == Status.FAILED && reason.isEmpty()) {
            throw new IllegalArgumentException("trial.reason of failed trial " + id + " is required");
        }
    }

    /** A trial that trained to the end of its rung. */
    public static TrialRecord completed(String id, int rung, Map<String, String> hyperParameters, int epochs,
            double validationScore, Duration duration) {
        return new TrialRecord(id, rung, hyperParameters, epochs, validationScore, duration, Status.COMPLETED,
                Optional.empty());
    }

    /** A trial stopped before the end of its rung; the reason says why (for example the time budget ran out). */
    public static TrialRecord pruned(String id, int rung, Map<String, String> hyperParameters, int epochs,
            double validationScore, Duration duration, String reason) {
        return new TrialRecord(id, rung, hyperParameters, epochs, validationScore, duration, Status.PRUNED,
                Optional.of(reason));
    }

    /** A trial that failed with an error; its score, if any, is {@code NaN}. */
    public static TrialRecord failed(String id, int rung, Map<String, String> hyperParameters, int epochs,
            Duration duration, String reason) {
        return new TrialRecord(id, rung, hyperParameters, epochs, Double.NaN, duration, Status.FAILED,
                Optional.of(reason));
    }

    /** How a trial ended. */
    public enum Status {
        /** It trained to the end of its rung and was scored. */
        COMPLETED,
        /**
         * It was stopped before the end of its rung, for example because the time budget ran out; its
         * score, if any, is that of the weights it reached.
         */
        PRUNED,
        /** It failed with an error (for example out of memory, or a diverging loss). */
        FAILED
    }
}
