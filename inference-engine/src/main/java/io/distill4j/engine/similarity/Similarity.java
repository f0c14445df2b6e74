package io.distill4j.engine.similarity;

/**
 * Cosine similarity of two vectors, {@code a·b / (|a| |b|)}, summed in {@code double} and in
 * {@code [-1, 1]} up to rounding. Vectors need not be unit length. One rule for the corner cases:
 * <ul>
 * <li>two all-zero vectors are the same vector: {@code 1};</li>
 * <li>an all-zero vector and a non-zero one share no direction: {@code 0};</li>
 * <li>a NaN element in either vector gives {@code NaN}, so a broken model cannot hide behind the zero
 * rule; an infinite element gives {@code NaN} as well (its direction is undefined);</li>
 * <li>vectors of different lengths are an error ({@link IllegalArgumentException}); two empty vectors
 * count as zero vectors.</li>
 * </ul>
 *
 * <pre>{@code
 * double score = Similarity.cosine(teacherEmbedding, studentEmbedding);
 * }</pre>
 */
public final class Similarity {

    private Similarity() {
    }

    /**
     * The cosine similarity of {@code a} and {@code b} under the rules of this class.
     *
     * @throws IllegalArgumentException if the vectors differ in length
     * @throws NullPointerException if either is null
     */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors must have the same length, were " + a.length + " and "
                    + b.length);
        }
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        if (Double.isNaN(dot) || Double.isNaN(normA) || Double.isNaN(normB) || Double.isInfinite(normA)
                || Double.isInfinite(normB)) {
            return Double.NaN;
        }
        if (normA == 0 || normB == 0) {
            return normA == normB ? 1 : 0;
        }
        return dot / Math.sqrt(normA * normB);
    }
}
