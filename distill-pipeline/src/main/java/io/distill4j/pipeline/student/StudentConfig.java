package io.distill4j.pipeline.student;

/**
 * The hyper-parameters that fully describe one student architecture: enough to build its block, count
 * its parameters before building it (the memory planner and the auto-tuner need that) and write its
 * ONNX graph. Implementations are immutable records that validate their fields, e.g. {@link
 * BagOfEmbeddingsConfig}.
 */
public interface StudentConfig {

    /** A short, stable architecture id, e.g. {@code bag-of-embeddings}; written into exported metadata. */
    String architecture();

    /** Rows of the token embedding table; valid token ids are {@code 0 .. vocabSize - 1}. */
    int vocabSize();

    /** Width of the single output: number of classes for {@link StudentOutput#LOGITS}, else the embedding width. */
    int outputSize();

    /** What the output means. */
    StudentOutput output();

    /** Number of trainable scalars of the block this config builds. */
    long parameterCount();

    /** Builds a new, uninitialised block; its parameters are created when a model initialises it. */
    StudentBlock newBlock();
}
