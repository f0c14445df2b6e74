package io.distill4j.pipeline.train;

/** What the student learns from the teacher's rows. */
public enum Objective {

    /**
     * The teacher's rows are logits: {@link DistillationLoss} (soft targets at temperature T, plus the
     * hard labels weighted {@code 1 - alpha}); validation scores accuracy.
     */
    CLASSIFICATION,

    /**
     * The teacher's rows are sentence embeddings: {@link EmbeddingDistillationLoss#mse()}; hard labels,
     * temperature and alpha are not used; validation scores the mean cosine similarity.
     */
    EMBEDDING_MSE,

    /**
     * The teacher's rows are sentence embeddings: {@link EmbeddingDistillationLoss#cosine()}; hard
     * labels, temperature and alpha are not used; validation scores the mean cosine similarity.
     */
    EMBEDDING_COSINE;

    /** Whether the teacher's rows are embeddings. */
    public boolean isEmbedding() {
        return this != CLASSIFICATION;
    }
}
