package io.distill4j.pipeline.student;

import java.util.List;
import java.util.Objects;

/**
 * The settings every student architecture has, and their checks, written once: the token vocabulary it
 * reads, the single output it writes, the non-linearity of its hidden layers and its dropout. Each
 * architecture's configuration holds one (its first component) next to its own sizes, and its builder
 * extends {@link Builder}. Serialized to JSON, the fields appear at the configuration's top level.
 *
 * @param vocabSize rows of the token embedding table, 1 to {@value #MAX_VOCAB_SIZE}; valid token ids are
 * {@code 0 .. vocabSize - 1}
 * @param outputSize classes ({@link StudentOutput#LOGITS}) or embedding width, 1 to {@value #MAX_WIDTH}
 * @param output what the output means
 * @param activation the architecture's non-linearity (after hidden layers, convolutions or in feed-forward
 * blocks; each architecture says where)
 * @param dropout drop probability during training, in {@code [0, 1)}; each architecture says where it applies
 */
public record StudentHead(int vocabSize, int outputSize, StudentOutput output, HiddenActivation activation,
        float dropout) {

    /** The largest vocabulary accepted (larger than any BERT-family tokenizer's). */
    public static final int MAX_VOCAB_SIZE = 4_000_000;

    /** The widest embedding or layer accepted. */
    public static final int MAX_WIDTH = 65_536;

    /** The most hidden layers accepted. */
    public static final int MAX_HIDDEN_LAYERS = 16;

    /** @throws IllegalArgumentException naming the first field that is missing or out of range */
    public StudentHead {
        requireRange("vocabSize", vocabSize, MAX_VOCAB_SIZE);
        requireRange("outputSize", outputSize, MAX_WIDTH);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(activation, "activation");
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
    }

    /**
     * Checks that {@code value} is between 1 and {@code max}.
     * @throws IllegalArgumentException {@code "<field> must be between 1 and <max>, was <value>"}
     */
    public static void requireRange(String field, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(field + " must be between 1 and " + max + ", was " + value);
        }
    }

    /**
     * Checks the widths of hidden layers: at most {@value #MAX_HIDDEN_LAYERS}, each 1 to {@value #MAX_WIDTH}.
     * @return an unmodifiable copy
     * @throws IllegalArgumentException naming the list ({@code hiddenSizes}) or the entry that is wrong
     */
    public static List<Integer> requireHiddenSizes(List<Integer> hiddenSizes) {
        Objects.requireNonNull(hiddenSizes, "hiddenSizes");
        if (hiddenSizes.size() > MAX_HIDDEN_LAYERS) {
            throw new IllegalArgumentException("hiddenSizes may list at most " + MAX_HIDDEN_LAYERS + " layers, was "
                    + hiddenSizes.size());
        }
        for (int i = 0; i < hiddenSizes.size(); i++) {
            Integer size = hiddenSizes.get(i);
            if (size == null) {
                throw new IllegalArgumentException("hiddenSizes[" + i + "] must not be null");
            }
            requireRange("hiddenSizes[" + i + "]", size, MAX_WIDTH);
        }
        return List.copyOf(hiddenSizes);
    }

    /**
     * The setters of the shared settings, for the builder of each architecture's configuration.
     * {@code vocabSize} and {@code outputSize} are required; the output defaults to
     * {@link StudentOutput#LOGITS}, the dropout to none, the activation to the architecture's default.
     *
     * @param <B> the architecture's builder
     */
    public abstract static class Builder<B extends Builder<B>> {

        private int vocabSize;

        private int outputSize;

        private StudentOutput output = StudentOutput.LOGITS;

        private HiddenActivation activation;

        private float dropout;

        protected Builder(HiddenActivation defaultActivation) {
            this.activation = defaultActivation;
        }

        public B vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return self();
        }

        public B outputSize(int outputSize) {
            this.outputSize = outputSize;
            return self();
        }

        public B output(StudentOutput output) {
            this.output = output;
            return self();
        }

        public B activation(HiddenActivation activation) {
            this.activation = activation;
            return self();
        }

        public B dropout(float dropout) {
            this.dropout = dropout;
            return self();
        }

        /** The shared settings as set so far; checked. */
        protected final StudentHead head() {
            return new StudentHead(this.vocabSize, this.outputSize, this.output, this.activation, this.dropout);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }
}
