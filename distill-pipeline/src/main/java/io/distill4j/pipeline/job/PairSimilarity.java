package io.distill4j.pipeline.job;

import java.util.function.IntFunction;

import io.distill4j.engine.similarity.Similarity;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * The embedding task's metric: Spearman's rank correlation between the cosine similarity of each
 * pair's two vectors and the pair's gold score (STS-B style). Pair {@code i}'s vectors are rows
 * {@code 2i} and {@code 2i + 1}, as {@link PreparedData} flattens scored pairs. Ties get their average
 * rank.
 *
 * <pre>{@code
 * double spearman = PairSimilarity.spearman(data.testPairs().get(), row -> vectors.get(row));
 * }</pre>
 */
final class PairSimilarity {

    private PairSimilarity() {
    }

    /**
     * @param pairs the gold scores
     * @param vectors the vector of each flattened row, {@code 0 .. 2 * pairs.size()}
     * @return the correlation in {@code [-1, 1]}, or {@code NaN} for fewer than two pairs or constant
     *     scores
     */
    static double spearman(PreparedData.ScoredPairs pairs, IntFunction<float[]> vectors) {
        if (pairs.size() < 2) {
            return Double.NaN;
        }
        double[] cosines = new double[pairs.size()];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = Similarity.cosine(vectors.apply(2 * i), vectors.apply(2 * i + 1));
        }
        return new SpearmansCorrelation().correlation(cosines, pairs.scores());
    }
}
