package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * One auto-tuning trial: a short training run with one set of hyper-parameters, scored on the
 * validation split. A trial that did not finish says why.
 *
 * <pre>{@code
 * TrialRecord.completed("t3", 1, Map.of("hidden", "128", "lr", "0.001"), 4, 0.871, Duration.ofSeconds(12));
 * TrialRecord.pruned("t4", 0, Map.of("hidden", "32", "lr", "0.1"), 1, 0.41, Duration.ofSeconds(3),
 *         "below the median of rung 0");
 * }</pre>
 *
 * @param id the trial's identifier, unique within a report
 * @param rung the successive-halving rung it reached, {@code >= 0}
 * @param hyperParameters the settings it tried, by name (kept sorted by name)
 * @param epochs the epochs it trained, {@code >= 0}
 * @param validationScore its score on the validation split, {@code NaN} when there is none; finite for a
 *     completed trial
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

    /** A trial stopped early because it scored too low to continue. */
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
        /** It was stopped early because it scored too low to continue. */
        PRUNED,
        /** It failed with an error (for example out of memory, or a diverging loss). */
        FAILED
    }
}
