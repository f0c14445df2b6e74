package io.distill4j.api.distill;

import java.time.Duration;

import io.distill4j.api.Checks;

/**
 * How much a job may spend on auto-tuning and training: wall-clock time and tuning trials, whichever
 * runs out first. When the time is up the best student so far is kept, trained as far as it got.
 *
 * <pre>{@code
 * Budget.ofDefaults().maxDuration(Duration.ofHours(1)).maxTrials(32);
 * }</pre>
 *
 * <p>The teacher stage is not bounded by it: an encoder teacher whose {@link FineTuningPolicy#AUTO} policy
 * chooses fine-tuning does so only when the fine-tuning is estimated to take at most {@code maxDuration},
 * and that time comes in addition to the tuning and student stages (its probe takes at most a tenth of it).
 *
 * @param maxDuration the longest the tuning and student stages may run together; positive
 * @param maxTrials the most tuning trials, 1 to {@value #MAX_TRIALS}; 1 trains one student without tuning
 */
public record Budget(Duration maxDuration, int maxTrials) {

    /** Default {@link #maxDuration()}: 15 minutes. */
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(15);

    /** Default {@link #maxTrials()}. */
    public static final int DEFAULT_MAX_TRIALS = 16;

    /** Largest {@link #maxTrials()}. */
    public static final int MAX_TRIALS = 1000;

    public Budget {
        Checks.positive(maxDuration, "budget.maxDuration");
        Checks.inRange(maxTrials, 1, MAX_TRIALS, "budget.maxTrials");
    }

    /** 15 minutes, 16 trials. */
    public static Budget ofDefaults() {
        return new Budget(DEFAULT_MAX_DURATION, DEFAULT_MAX_TRIALS);
    }

    /** Shorthand for {@code new Budget(maxDuration, maxTrials)}. */
    public static Budget of(Duration maxDuration, int maxTrials) {
        return new Budget(maxDuration, maxTrials);
    }

    /** A copy with this time limit. */
    public Budget maxDuration(Duration duration) {
        return new Budget(duration, this.maxTrials);
    }

    /** A copy with this trial limit. */
    public Budget maxTrials(int trials) {
        return new Budget(this.maxDuration, trials);
    }
}
