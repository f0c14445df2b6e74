package io.distill4j.api.distill;

import java.util.ArrayList;
import java.util.List;

/**
 * The student's architecture: chosen by auto-tuning ({@link #auto()}, the default) or fixed.
 *
 * <pre>{@code
 * StudentSpec.auto();                                   // tuning picks the architecture and its size
 * StudentSpec.transformer(4, 256, 4, 1024);             // layers, hidden size, heads, intermediate size
 * StudentSpec.textCnn(128, 100, 3, 4, 5);               // embedding size, filters per width, widths
 * StudentSpec.bagOfEmbeddings(128, 256).pruneVocabulary(false);
 * }</pre>
 *
 * <p>Every student reuses the teacher's tokenizer. With {@link #pruneVocabulary()} (the default) its
 * vocabulary is cut to the tokens that occur in the training data (plus the special tokens), which
 * shrinks the embedding table, often the bulk of a small student; unseen tokens map to {@code [UNK]}.
 * Sizes are bounded to catch typos before a job allocates anything; the bounds are constants here.
 */
public sealed interface StudentSpec
        permits StudentSpec.Auto, StudentSpec.Transformer, StudentSpec.TextCnn, StudentSpec.BagOfEmbeddings {

    /** Largest {@link Transformer#layers()}. */
    int MAX_LAYERS = 24;

    /** Largest hidden, embedding or intermediate size. */
    int MAX_WIDTH = 8192;

    /** Smallest hidden or embedding size. */
    int MIN_WIDTH = 8;

    /** Whether the vocabulary is pruned to the tokens of the training data. */
    boolean pruneVocabulary();

    /** A copy with vocabulary pruning on or off. */
    StudentSpec pruneVocabulary(boolean prune);

    /** Auto-tuning chooses the architecture and its size within the {@link Budget}. */
    static Auto auto() {
        return new Auto(true);
    }

    /**
     * A small Transformer encoder (BERT-style, mean-pooled) with the given shape.
     * @param layers encoder layers, 1 to {@value #MAX_LAYERS}
     * @param hiddenSize width of every layer; a multiple of {@code heads}
     * @param heads attention heads, 1 to 64
     * @param intermediateSize width of each feed-forward block
     */
    static Transformer transformer(int layers, int hiddenSize, int heads, int intermediateSize) {
        return new Transformer(layers, hiddenSize, heads, intermediateSize, true);
    }

    /**
     * A TextCNN (Kim 2014): token embeddings, one convolution per kernel width, max-pooling over time.
     * @param embeddingSize width of the token embeddings
     * @param filters convolution filters per kernel width, 1 to 4096
     * @param kernelSizes kernel widths in tokens, 1 to 16 each, 1 to 8 widths
     */
    static TextCnn textCnn(int embeddingSize, int filters, int... kernelSizes) {
        Checks.notNull(kernelSizes, "student.kernelSizes");
        List<Integer> sizes = new ArrayList<>(kernelSizes.length);
        for (int k : kernelSizes) {
            sizes.add(k);
        }
        return new TextCnn(embeddingSize, filters, sizes, true);
    }

    /**
     * A bag of embeddings: mean of token embeddings, then one hidden layer (the fastest student).
     * @param embeddingSize width of the token embeddings
     * @param hiddenSize width of the hidden layer
     */
    static BagOfEmbeddings bagOfEmbeddings(int embeddingSize, int hiddenSize) {
        return new BagOfEmbeddings(embeddingSize, hiddenSize, true);
    }

    /** Auto-tuning chooses the student. */
    record Auto(boolean pruneVocabulary) implements StudentSpec {

        @Override
        public Auto pruneVocabulary(boolean prune) {
            return new Auto(prune);
        }

        @Override
        public String toString() {
            return "auto";
        }
    }

    /** A Transformer encoder; see {@link StudentSpec#transformer(int, int, int, int)}. */
    record Transformer(int layers, int hiddenSize, int heads, int intermediateSize, boolean pruneVocabulary)
            implements StudentSpec {

        public Transformer {
            Checks.inRange(layers, 1, MAX_LAYERS, "student.layers");
            Checks.inRange(hiddenSize, MIN_WIDTH, MAX_WIDTH, "student.hiddenSize");
            Checks.inRange(heads, 1, 64, "student.heads");
            Checks.inRange(intermediateSize, MIN_WIDTH, MAX_WIDTH, "student.intermediateSize");
            if (hiddenSize % heads != 0) {
                throw new IllegalArgumentException("student.hiddenSize must be a multiple of student.heads, was "
                        + hiddenSize + " with " + heads + " heads");
            }
        }

        @Override
        public Transformer pruneVocabulary(boolean prune) {
            return new Transformer(this.layers, this.hiddenSize, this.heads, this.intermediateSize, prune);
        }

        @Override
        public String toString() {
            return "transformer(layers=" + this.layers + ", hiddenSize=" + this.hiddenSize + ", heads=" + this.heads
                    + ", intermediateSize=" + this.intermediateSize + ")";
        }
    }

    /** A TextCNN; see {@link StudentSpec#textCnn(int, int, int...)}. */
    record TextCnn(int embeddingSize, int filters, List<Integer> kernelSizes, boolean pruneVocabulary)
            implements StudentSpec {

        public TextCnn {
            Checks.inRange(embeddingSize, MIN_WIDTH, MAX_WIDTH, "student.embeddingSize");
            Checks.inRange(filters, 1, 4096, "student.filters");
            Checks.notNull(kernelSizes, "student.kernelSizes");
            Checks.inRange(kernelSizes.size(), 1, 8, "student.kernelSizes.size");
            for (int i = 0; i < kernelSizes.size(); i++) {
                Checks.inRange(Checks.notNull(kernelSizes.get(i), "student.kernelSizes[" + i + "]"), 1, 16,
                        "student.kernelSizes[" + i + "]");
            }
            kernelSizes = List.copyOf(kernelSizes);
        }

        @Override
        public TextCnn pruneVocabulary(boolean prune) {
            return new TextCnn(this.embeddingSize, this.filters, this.kernelSizes, prune);
        }

        @Override
        public String toString() {
            return "textCnn(embeddingSize=" + this.embeddingSize + ", filters=" + this.filters + ", kernelSizes="
                    + this.kernelSizes + ")";
        }
    }

    /** A bag of embeddings; see {@link StudentSpec#bagOfEmbeddings(int, int)}. */
    record BagOfEmbeddings(int embeddingSize, int hiddenSize, boolean pruneVocabulary) implements StudentSpec {

        public BagOfEmbeddings {
            Checks.inRange(embeddingSize, MIN_WIDTH, MAX_WIDTH, "student.embeddingSize");
            Checks.inRange(hiddenSize, 1, MAX_WIDTH, "student.hiddenSize");
        }

        @Override
        public BagOfEmbeddings pruneVocabulary(boolean prune) {
            return new BagOfEmbeddings(this.embeddingSize, this.hiddenSize, prune);
        }

        @Override
        public String toString() {
            return "bagOfEmbeddings(embeddingSize=" + this.embeddingSize + ", hiddenSize=" + this.hiddenSize + ")";
        }
    }
}
