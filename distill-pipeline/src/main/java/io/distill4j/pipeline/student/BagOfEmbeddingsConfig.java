package io.distill4j.pipeline.student;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hyper-parameters of a {@link BagOfEmbeddingsStudent}: a token embedding table {@code [vocabSize,
 * embeddingDim]}, mean pooling over the attention mask, hidden layers of the given widths, and an
 * output layer of {@code outputSize}. Every field is checked on construction; an error names the field
 * and the limit.
 *
 * <pre>{@code
 * BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder()
 *     .vocabSize(30522).embeddingDim(128).hiddenSizes(256).outputSize(3)
 *     .activation(HiddenActivation.GELU).dropout(0.1f)
 *     .build();
 * }</pre>
 *
 * @param vocabSize rows of the embedding table, 1 to {@value #MAX_VOCAB_SIZE}
 * @param embeddingDim width of each token embedding, 1 to {@value #MAX_WIDTH}
 * @param hiddenSizes widths of the hidden layers, in order, each 1 to {@value #MAX_WIDTH}; at most
 * {@value #MAX_HIDDEN_LAYERS}; empty means the output layer reads the pooled embedding directly
 * @param outputSize classes (logits) or embedding width, 1 to {@value #MAX_WIDTH}
 * @param output what the output means
 * @param activation non-linearity after each hidden layer
 * @param dropout drop probability on the pooled embedding and after each hidden activation during
 * training, in {@code [0, 1)}
 */
public record BagOfEmbeddingsConfig(int vocabSize, int embeddingDim, List<Integer> hiddenSizes, int outputSize,
        StudentOutput output, HiddenActivation activation, float dropout) implements StudentConfig {

    /** The largest vocabulary accepted (larger than any BERT-family tokenizer's). */
    public static final int MAX_VOCAB_SIZE = 4_000_000;

    /** The widest layer accepted. */
    public static final int MAX_WIDTH = 65_536;

    /** The most hidden layers accepted. */
    public static final int MAX_HIDDEN_LAYERS = 16;

    /** Architecture id written into exported metadata. */
    public static final String ARCHITECTURE = "bag-of-embeddings";

    public BagOfEmbeddingsConfig {
        requireRange("vocabSize", vocabSize, MAX_VOCAB_SIZE);
        requireRange("embeddingDim", embeddingDim, MAX_WIDTH);
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
        hiddenSizes = List.copyOf(hiddenSizes);
        requireRange("outputSize", outputSize, MAX_WIDTH);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(activation, "activation");
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    /**
     * {@code vocabSize * embeddingDim} for the table plus {@code in * out + out} for each layer (weight
     * and bias), the output layer included.
     */
    @Override
    public long parameterCount() {
        long count = (long) this.vocabSize * this.embeddingDim;
        long in = this.embeddingDim;
        for (int width : this.hiddenSizes) {
            count += in * width + width;
            in = width;
        }
        return count + in * this.outputSize + this.outputSize;
    }

    @Override
    public BagOfEmbeddingsStudent newBlock() {
        return new BagOfEmbeddingsStudent(this);
    }

    private static void requireRange(String field, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(field + " must be between 1 and " + max + ", was " + value);
        }
    }

    /**
     * Builder for {@link BagOfEmbeddingsConfig}; {@code vocabSize}, {@code embeddingDim} and
     * {@code outputSize} are required. Defaults: no hidden layer, {@link StudentOutput#LOGITS},
     * {@link HiddenActivation#RELU}, no dropout.
     */
    public static final class Builder {

        private int vocabSize;

        private int embeddingDim;

        private List<Integer> hiddenSizes = List.of();

        private int outputSize;

        private StudentOutput output = StudentOutput.LOGITS;

        private HiddenActivation activation = HiddenActivation.RELU;

        private float dropout;

        private Builder() {
        }

        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        public Builder embeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        public Builder hiddenSizes(List<Integer> hiddenSizes) {
            this.hiddenSizes = new ArrayList<>(Objects.requireNonNull(hiddenSizes, "hiddenSizes"));
            return this;
        }

        public Builder hiddenSizes(int... hiddenSizes) {
            List<Integer> sizes = new ArrayList<>();
            for (int size : hiddenSizes) {
                sizes.add(size);
            }
            this.hiddenSizes = sizes;
            return this;
        }

        public Builder outputSize(int outputSize) {
            this.outputSize = outputSize;
            return this;
        }

        public Builder output(StudentOutput output) {
            this.output = output;
            return this;
        }

        public Builder activation(HiddenActivation activation) {
            this.activation = activation;
            return this;
        }

        public Builder dropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /** @throws IllegalArgumentException naming the first field that is missing or out of range */
        public BagOfEmbeddingsConfig build() {
            return new BagOfEmbeddingsConfig(this.vocabSize, this.embeddingDim, this.hiddenSizes, this.outputSize,
                    this.output, this.activation, this.dropout);
        }
    }
}
