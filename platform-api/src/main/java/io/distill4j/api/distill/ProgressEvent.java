package io.distill4j.api.distill;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * One observation of a running {@link DistillationJob}: where it is, how far it got, the latest
 * figures and an estimate of the time left. Events are immutable; a job emits them in order, the last
 * one in a terminal {@link JobState}.
 *
 * @param jobId the job
 * @param state the job's state when the event was made
 * @param stage the stage running (or the last one run, for a terminal event)
 * @param step steps done in this stage (batches, trials, texts), 0 or more
 * @param totalSteps steps this stage will take, or -1 if unknown
 * @param fraction the whole job's progress, 0 to 1
 * @param metrics the latest figures by name, e.g. {@code loss}, {@code val_accuracy}; may be empty
 * @param eta the estimated time until the job ends, if one can be given
 * @param message a line for people, e.g. {@code "teacher: 4096 of 9003 texts"}
 * @param time when the event was made
 */
public record ProgressEvent(String jobId, JobState state, Stage stage, long step, long totalSteps, double fraction,
        Map<String, Double> metrics, Optional<Duration> eta, String message, Instant time) {

    public ProgressEvent {
        Checks.notBlank(jobId, "jobId");
        Checks.notNull(state, "state");
        Checks.notNull(stage, "stage");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, was " + step);
        }
        if (totalSteps < -1) {
            throw new IllegalArgumentException("totalSteps must be >= 0, or -1 for unknown, was " + totalSteps);
        }
        if (totalSteps >= 0 && step > totalSteps) {
            throw new IllegalArgumentException("step must be <= totalSteps (" + totalSteps + "), was " + step);
        }
        Checks.probability(fraction, "fraction");
        Checks.notNull(metrics, "metrics");
        Map<String, Double> copy = new LinkedHashMap<>();
        metrics.forEach((name, value) -> copy.put(Checks.notBlank(name, "metrics key"),
                Checks.notNull(value, "metrics['" + name + "']")));
        // Keeps the caller's order (loss before accuracy reads better in a progress line).
        metrics = Collections.unmodifiableMap(copy);
        Checks.notNull(eta, "eta");
        Checks.notNull(message, "message");
        Checks.notNull(time, "time");
    }
}
