package io.distill4j.pipeline.job;

import java.util.List;

import io.distill4j.pipeline.report.EpochRecord;
import io.distill4j.pipeline.report.TrialRecord;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.tune.Candidate;

/**
 * What the search left: the chosen student, owned by this record until {@link #close()}, and how it was
 * found.
 *
 * @param model the trained student
 * @param candidate its settings
 * @param trial its trial number, the number in its trial's {@link TrialRecord#id()}
 * @param metric the validation metric the search compared trials on
 * @param score the chosen trial's validation score
 * @param parameters its parameter count
 * @param trials every trial of the search, in order
 * @param history the chosen trial's epochs
 * @param stoppedByBudget whether the time budget ended the search early
 * @param tuned whether candidates were searched (else the spec fixed the student)
 */
record Searched(StudentModel model, Candidate candidate, int trial, String metric, double score, long parameters,
        List<TrialRecord> trials, List<EpochRecord> history, boolean stoppedByBudget, boolean tuned) implements AutoCloseable {

    /** The epochs the chosen trial trained. */
    int epochs() {
        String id = Integer.toString(this.trial);
        return this.trials.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().epochs();
    }

    /** Closes the student (idempotent). */
    @Override
    public void close() {
        if (this.model != null) {
            this.model.close();
        }
    }
}
