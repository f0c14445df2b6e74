package io.distill4j.pipeline.tune;

import java.time.Duration;
import java.util.Objects;

/**
 * One tuning trial: a candidate trained for some epochs and scored on the validation split.
 *
 * @param id the trial's number, from 1, in the order run
 * @param rung the successive-halving rung, from 0 (the shortest trials)
 * @param candidate what was trained
 * @param epochs the epochs it was given
 * @param score its best validation score, NaN if it did not finish
 * @param duration wall-clock time
 * @param status how it ended
 * @param detail why it was stopped or failed; empty when it completed
 */
public record TrialRecord(int id, int rung, Candidate candidate, int epochs, double score, Duration duration,
        Status status, String detail) {

    public TrialRecord {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /** How a trial ended. */
    public enum Status {

        /** Trained for its epochs and scored; promoted or not by the next rung. */
        COMPLETED,

        /** Stopped because the time budget ran out; its model is kept only if no trial completed. */
        STOPPED_BY_BUDGET,

        /** Training failed (for example the loss diverged); the search goes on without it. */
        FAILED
    }
}
