package io.distill4j.pipeline.student.bag;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.DenseHead;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.StudentOutput;

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
 * @param head the vocabulary, output, activation (after each hidden layer) and dropout (on the pooled
 * embedding and after each hidden activation during training)
 * @param embeddingDim width of each token embedding, 1 to {@value StudentHead#MAX_WIDTH}
 * @param hiddenSizes widths of the hidden layers, in order, each 1 to {@value StudentHead#MAX_WIDTH}; at most
 * {@value StudentHead#MAX_HIDDEN_LAYERS}; empty means the output layer reads the pooled embedding directly
 */
public record BagOfEmbeddingsConfig(@JsonUnwrapped StudentHead head, int embeddingDim, List<Integer> hiddenSizes)
        implements StudentConfig {

    /** Architecture id written into exported metadata. */
    public static final String ARCHITECTURE = "bag-of-embeddings";

    public BagOfEmbeddingsConfig {
        Objects.requireNonNull(head, "head");
        StudentHead.requireRange("embeddingDim", embeddingDim, StudentHead.MAX_WIDTH);
        hiddenSizes = StudentHead.requireHiddenSizes(hiddenSizes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bag-of-embeddings architecture: its specs, its sizes for auto-tuning and its ONNX graph. */
    public static Architecture definition() {
        return BagOfEmbeddingsArchitecture.INSTANCE;
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
        return (long) vocabSize() * this.embeddingDim
                + DenseHead.parameterCount(this.embeddingDim, this.hiddenSizes, outputSize());
    }

    @Override
    public BagOfEmbeddingsStudent newBlock() {
        return new BagOfEmbeddingsStudent(this);
    }

    /**
     * Builder for {@link BagOfEmbeddingsConfig}; {@code vocabSize}, {@code embeddingDim} and
     * {@code outputSize} are required. Defaults: no hidden layer, {@link StudentOutput#LOGITS},
     * {@link HiddenActivation#RELU}, no dropout.
     */
    public static final class Builder extends StudentHead.Builder<Builder> {

        private int embeddingDim;

        private List<Integer> hiddenSizes = List.of();

        private Builder() {
            super(HiddenActivation.RELU);
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

        /** @throws IllegalArgumentException naming the first field that is missing or out of range */
        public BagOfEmbeddingsConfig build() {
            return new BagOfEmbeddingsConfig(head(), this.embeddingDim, this.hiddenSizes);
        }
    }
}
