package io.distill4j.pipeline.report;

import java.util.List;

import io.distill4j.api.Checks;

/**
 * What became of the texts generated for one label (or, in {@link GenerationReport#total()}, for all of them):
 * what was asked, what came back, what each filter removed, in the filters' order, and what was kept. Every
 * text generated is counted exactly once: {@code generated = tooShort + tooLong + exactDuplicates +
 * nearDuplicates + inconsistent + unchecked + overTarget + kept}.
 *
 * @param label the label, or {@value #ALL_LABELS} for the total
 * @param target the texts wanted
 * @param requests requests whose answers were used, {@code fromJournal} included
 * @param fromJournal of those, answered from the journal without asking the model
 * @param asked texts the requests asked for
 * @param generated texts the answers held
 * @param tooShort removed: shorter than the minimum length
 * @param tooLong removed: longer than the maximum length
 * @param exactDuplicates removed: the same text as an example or an earlier text, ignoring case and white space
 * @param nearDuplicates removed: an embedding too close to one of an example or an earlier kept text of the label
 * @param inconsistent removed: the label check gave the text another label, or none of the set
 * @param unchecked removed: the budget ran out before the label check reached the text
 * @param overTarget removed: passed every filter, but beyond the target
 * @param kept written to the data set
 * @param diversity how varied the kept texts are
 */
public record GenerationFigures(String label, int target, int requests, int fromJournal, int asked, int generated,
        int tooShort, int tooLong, int exactDuplicates, int nearDuplicates, int inconsistent, int unchecked,
        int overTarget, int kept, DiversityFigures diversity) {

    /** The {@link #label()} of a total over all labels. */
    public static final String ALL_LABELS = "(all labels)";

    public GenerationFigures {
        Checks.notBlank(label, "figures.label");
        int[] counts = {target, requests, fromJournal, asked, generated, tooShort, tooLong, exactDuplicates,
                nearDuplicates, inconsistent, unchecked, overTarget, kept};
        for (int count : counts) {
            Checks.atLeast(count, 0, "figures[" + label + "] counts");
        }
        Checks.notNull(diversity, "figures[" + label + "].diversity");
        int accounted = tooShort + tooLong + exactDuplicates + nearDuplicates + inconsistent + unchecked + overTarget
                + kept;
        if (accounted != generated) {
            throw new IllegalArgumentException("figures[" + label + "]: the removed and kept texts must add up to the "
                    + generated + " generated, were " + accounted);
        }
        if (fromJournal > requests) {
            throw new IllegalArgumentException("figures[" + label + "].fromJournal must be <= requests (" + requests
                    + "), was " + fromJournal);
        }
    }

    /** The sum of every count of {@code labels}, labelled {@value #ALL_LABELS}, with this diversity. */
    public static GenerationFigures total(List<GenerationFigures> labels, DiversityFigures diversity) {
        int[] sums = new int[13];
        for (GenerationFigures f : labels) {
            int[] counts = {f.target, f.requests, f.fromJournal, f.asked, f.generated, f.tooShort, f.tooLong,
                    f.exactDuplicates, f.nearDuplicates, f.inconsistent, f.unchecked, f.overTarget, f.kept};
            for (int i = 0; i < sums.length; i++) {
                sums[i] += counts[i];
            }
        }
        return new GenerationFigures(ALL_LABELS, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6],
                sums[7], sums[8], sums[9], sums[10], sums[11], sums[12], diversity);
    }

    /** Texts removed by any filter, the target trim included. */
    public int removed() {
        return this.generated - this.kept;
    }
}
