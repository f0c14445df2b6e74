package io.distill4j.pipeline.student;

/**
 * The hyper-parameters that fully describe one student architecture: enough to build its block, count
 * its parameters before building it (the memory planner and the auto-tuner need that) and write its
 * ONNX graph. Implementations are immutable records that validate their fields: the settings every
 * architecture shares in one {@link StudentHead}, then the architecture's own sizes. Each lives in its
 * architecture's package with the {@link Architecture} that knows its graph.
 */
public interface StudentConfig {

    /** A short, stable architecture id, e.g. {@code bag-of-embeddings}; written into exported metadata. */
    String architecture();

    /** The settings every architecture shares: vocabulary, output, activation, dropout. */
    StudentHead head();

    /** Rows of the token embedding table; valid token ids are {@code 0 .. vocabSize - 1}. */
    default int vocabSize() {
        return head().vocabSize();
    }

    /** Width of the single output: number of classes for {@link StudentOutput#LOGITS}, else the embedding width. */
    default int outputSize() {
        return head().outputSize();
    }

    /** What the output means. */
    default StudentOutput output() {
        return head().output();
    }

    /** The architecture's non-linearity. */
    default HiddenActivation activation() {
        return head().activation();
    }

    /** Drop probability during training, in {@code [0, 1)}. */
    default float dropout() {
        return head().dropout();
    }

    /** Number of trainable scalars of the block this config builds. */
    long parameterCount();

    /** Builds a new, uninitialised block; its parameters are created when a model initialises it. */
    StudentBlock newBlock();
}
