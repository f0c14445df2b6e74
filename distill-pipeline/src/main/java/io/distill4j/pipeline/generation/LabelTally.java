package io.distill4j.pipeline.generation;

import java.util.ArrayList;
import java.util.List;

import io.distill4j.pipeline.generation.TextFilters.Candidate;
import io.distill4j.pipeline.report.DiversityFigures;
import io.distill4j.pipeline.report.GenerationFigures;

/** What happened to one label's texts during a run, counted as they pass the filters; one thread writes it. */
final class LabelTally {

    final String label;

    final int target;

    int requests;

    int fromJournal;

    int asked;

    int generated;

    int tooShort;

    int tooLong;

    int exactDuplicates;

    int nearDuplicates;

    int inconsistent;

    int unchecked;

    int overTarget;

    final List<Candidate> kept = new ArrayList<>();

    LabelTally(String label, int target) {
        this.label = label;
        this.target = target;
    }

    /** Texts the label still lacks. */
    int shortfall() {
        return Math.max(0, this.target - this.kept.size());
    }

    /** Drops the kept texts beyond the target, the last ones first. */
    void trimToTarget() {
        if (this.kept.size() > this.target) {
            this.overTarget = this.kept.size() - this.target;
            this.kept.subList(this.target, this.kept.size()).clear();
        }
    }

    GenerationFigures figures(DiversityFigures diversity) {
        return new GenerationFigures(this.label, this.target, this.requests, this.fromJournal, this.asked,
                this.generated, this.tooShort, this.tooLong, this.exactDuplicates, this.nearDuplicates,
                this.inconsistent, this.unchecked, this.overTarget, this.kept.size(), diversity);
    }
}
