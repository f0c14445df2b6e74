package io.distill4j.pipeline.student.textcnn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.DenseHead;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.StudentOutput;

/**
 * Hyper-parameters of a {@link TextCnnStudent} (Kim 2014): a token embedding table {@code [vocabSize,
 * embeddingDim]}, one 1-D convolution over time of {@code filters} output channels per kernel size, each
 * followed by the activation and a masked max over time, the pooled features concatenated ({@code filters *
 * kernelSizes.size()} wide), optional hidden layers, and an output layer of {@code outputSize}. Every field is
 * checked on construction; an error names the field and the limit.
 *
 * <pre>{@code
 * TextCnnConfig config = TextCnnConfig.builder()
 *     .vocabSize(30522).embeddingDim(128).filters(100).kernelSizes(3, 4, 5).outputSize(2)
 *     .dropout(0.5f)
 *     .build();
 * }</pre>
 *
 * @param head the vocabulary, output, activation (after each convolution and after each hidden layer) and
 * dropout (on the pooled features and after each hidden activation during training)
 * @param embeddingDim width of each token embedding (the convolutions' input channels), 1 to
 * {@value StudentHead#MAX_WIDTH}
 * @param filters output channels of each convolution, 1 to {@value #MAX_FILTERS}
 * @param kernelSizes the convolutions' widths in tokens, in order, 1 to {@value #MAX_KERNELS} of them, each 1 to
 * {@value #MAX_KERNEL_SIZE} and distinct (a convolution is named after its width)
 * @param hiddenSizes widths of the hidden layers after pooling, in order, each 1 to {@value StudentHead#MAX_WIDTH};
 * at most {@value StudentHead#MAX_HIDDEN_LAYERS}; empty (the default) means the output layer reads the pooled
 * features directly
 */
public record TextCnnConfig(@JsonUnwrapped StudentHead head, int embeddingDim, int filters, List<Integer> kernelSizes,
        List<Integer> hiddenSizes) implements StudentConfig {

    /** The most filters per kernel size accepted (the limit of {@code StudentSpec.TextCnn}). */
    public static final int MAX_FILTERS = 4096;

    /** The most kernel sizes accepted (the limit of {@code StudentSpec.TextCnn}). */
    public static final int MAX_KERNELS = 8;

    /** The widest kernel accepted, in tokens. */
    public static final int MAX_KERNEL_SIZE = 16;

    /** Architecture id written into exported metadata. */
    public static final String ARCHITECTURE = "text-cnn";

    public TextCnnConfig {
        Objects.requireNonNull(head, "head");
        StudentHead.requireRange("embeddingDim", embeddingDim, StudentHead.MAX_WIDTH);
        StudentHead.requireRange("filters", filters, MAX_FILTERS);
        Objects.requireNonNull(kernelSizes, "kernelSizes");
        if (kernelSizes.isEmpty() || kernelSizes.size() > MAX_KERNELS) {
            throw new IllegalArgumentException("kernelSizes must list between 1 and " + MAX_KERNELS + " sizes, was "
                    + kernelSizes.size());
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < kernelSizes.size(); i++) {
            Integer size = kernelSizes.get(i);
            if (size == null) {
                throw new IllegalArgumentException("kernelSizes[" + i + "] must not be null");
            }
            StudentHead.requireRange("kernelSizes[" + i + "]", size, MAX_KERNEL_SIZE);
            if (!seen.add(size)) {
                throw new IllegalArgumentException("kernelSizes[" + i + "] " + size + " appears twice; kernel sizes "
                        + "must be distinct");
            }
        }
        kernelSizes = List.copyOf(kernelSizes);
        hiddenSizes = StudentHead.requireHiddenSizes(hiddenSizes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TextCNN architecture: its specs, its sizes for auto-tuning and its ONNX graph. */
    public static Architecture definition() {
        return TextCnnArchitecture.INSTANCE;
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    /** Width of the pooled features the hidden or output layer reads: {@code filters * kernelSizes.size()}. */
    public int pooledWidth() {
        return this.filters * this.kernelSizes.size();
    }

    /**
     * {@code vocabSize * embeddingDim} for the table, {@code filters * embeddingDim * k + filters} for the
     * convolution of each kernel size {@code k} (weight and bias), plus {@code in * out + out} for each dense
     * layer, the output layer included, reading {@link #pooledWidth()} features first.
     */
    @Override
    public long parameterCount() {
        long count = (long) vocabSize() * this.embeddingDim;
        for (int k : this.kernelSizes) {
            count += (long) this.filters * this.embeddingDim * k + this.filters;
        }
        return count + DenseHead.parameterCount(pooledWidth(), this.hiddenSizes, outputSize());
    }

    @Override
    public TextCnnStudent newBlock() {
        return new TextCnnStudent(this);
    }

    /**
     * Builder for {@link TextCnnConfig}; {@code vocabSize}, {@code embeddingDim}, {@code filters} and
     * {@code outputSize} are required. Defaults: kernel sizes 3, 4 and 5 (Kim 2014), no hidden layer,
     * {@link StudentOutput#LOGITS}, {@link HiddenActivation#RELU}, no dropout.
     */
    public static final class Builder extends StudentHead.Builder<Builder> {

        private int embeddingDim;

        private int filters;

        private List<Integer> kernelSizes = List.of(3, 4, 5);

        private List<Integer> hiddenSizes = List.of();

        private Builder() {
            super(HiddenActivation.RELU);
        }

        public Builder embeddingDim(int embeddingDim) {
            this.embeddingDim = embeddingDim;
            return this;
        }

        public Builder filters(int filters) {
            this.filters = filters;
            return this;
        }

        public Builder kernelSizes(List<Integer> kernelSizes) {
            this.kernelSizes = new ArrayList<>(Objects.requireNonNull(kernelSizes, "kernelSizes"));
            return this;
        }

        public Builder kernelSizes(int... kernelSizes) {
            this.kernelSizes = toList(kernelSizes);
            return this;
        }

        public Builder hiddenSizes(List<Integer> hiddenSizes) {
            this.hiddenSizes = new ArrayList<>(Objects.requireNonNull(hiddenSizes, "hiddenSizes"));
            return this;
        }

        public Builder hiddenSizes(int... hiddenSizes) {
            this.hiddenSizes = toList(hiddenSizes);
            return this;
        }

        /** @throws IllegalArgumentException naming the first field that is missing or out of range */
        public TextCnnConfig build() {
            return new TextCnnConfig(head(), this.embeddingDim, this.filters, this.kernelSizes, this.hiddenSizes);
        }

        private static List<Integer> toList(int[] values) {
            Objects.requireNonNull(values);
            List<Integer> list = new ArrayList<>(values.length);
            for (int value : values) {
                list.add(value);
            }
            return list;
        }
    }
}
