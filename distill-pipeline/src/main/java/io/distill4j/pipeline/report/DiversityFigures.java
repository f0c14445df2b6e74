package io.distill4j.pipeline.report;

import io.distill4j.api.Checks;

/**
 * How varied a set of generated texts is. Every figure is NaN when it is not known (too few texts or words, or
 * no embedding model).
 *
 * @param distinct1 distinct words over all words, in [0, 1]
 * @param distinct2 distinct word pairs (bigrams within a text) over all of them, in [0, 1]
 * @param meanPairwiseDistance the mean cosine distance ({@code 1 - cosine}) between the embeddings of two
 *     texts, in [0, 2]
 * @param pairs how many pairs that mean is over (all pairs, or a fixed-seed sample of them when there are many);
 *     {@code >= 0}
 */
public record DiversityFigures(double distinct1, double distinct2, double meanPairwiseDistance, long pairs) {

    /** Nothing known. */
    public static final DiversityFigures UNKNOWN = new DiversityFigures(Double.NaN, Double.NaN, Double.NaN, 0);

    public DiversityFigures {
        unknownOrIn(distinct1, 1.0, "diversity.distinct1");
        unknownOrIn(distinct2, 1.0, "diversity.distinct2");
        unknownOrIn(meanPairwiseDistance, 2.0 + 1e-6, "diversity.meanPairwiseDistance");
        Checks.atLeast(pairs, 0, "diversity.pairs");
    }

    private static void unknownOrIn(double value, double max, String field) {
        if (!Double.isNaN(value)) {
            Checks.inRange(value, 0.0, max, field);
        }
    }
}
