package io.distill4j.pipeline.job;

import java.util.function.IntFunction;

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
            cosines[i] = cosine(vectors.apply(2 * i), vectors.apply(2 * i + 1));
        }
        return new SpearmansCorrelation().correlation(cosines, pairs.scores());
    }

    /** Cosine similarity; 0 when either vector is all zeros. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in width: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return (normA == 0 || normB == 0) ? 0 : dot / Math.sqrt(normA * normB);
    }
}
