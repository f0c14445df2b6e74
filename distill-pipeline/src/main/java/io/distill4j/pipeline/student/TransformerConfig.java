package io.distill4j.pipeline.student;

import java.util.Objects;

/**
 * Hyper-parameters of a {@link TransformerStudent}: a BERT-style post-LayerNorm Transformer encoder
 * with learned absolute position embeddings, pooled to one vector (mean over the attention mask, or
 * the first token), then an output layer of {@code outputSize}. Every field is checked on
 * construction; an error names the field and the limit.
 *
 * <pre>{@code
 * TransformerConfig config = TransformerConfig.builder()
 *     .vocabSize(30522).maxPositions(512)
 *     .hiddenSize(256).layers(4).heads(4).intermediateSize(1024)
 *     .outputSize(3).dropout(0.1f)
 *     .build();
 * }</pre>
 *
 * @param vocabSize rows of the word embedding table, 1 to {@value #MAX_VOCAB_SIZE}
 * @param maxPositions rows of the position embedding table: the longest sequence the student takes, 1 to
 * {@value #MAX_POSITIONS}
 * @param hiddenSize width of every layer, 1 to {@value #MAX_WIDTH}; a multiple of {@code heads}
 * @param layers encoder layers, 1 to {@value #MAX_LAYERS}
 * @param heads attention heads per layer, 1 to {@value #MAX_HEADS}; each head is
 * {@code hiddenSize / heads} wide
 * @param intermediateSize width of each feed-forward block, 1 to {@value #MAX_WIDTH}
 * @param outputSize classes (logits) or embedding width, 1 to {@value #MAX_WIDTH}
 * @param output what the output means
 * @param activation non-linearity of the feed-forward blocks
 * @param dropout drop probability during training on the embeddings, the attention probabilities, the
 * output of each attention and feed-forward block and the pooled vector, in {@code [0, 1)}
 * @param layerNormEpsilon the {@code epsilon} of every LayerNorm, in {@code (0, }{@value #MAX_EPSILON}{@code ]}
 * @param pooling how the encoder's {@code [B, T, hiddenSize]} output becomes one vector per row
 */
public record TransformerConfig(int vocabSize, int maxPositions, int hiddenSize, int layers, int heads,
        int intermediateSize, int outputSize, StudentOutput output, HiddenActivation activation, float dropout,
        float layerNormEpsilon, Pooling pooling) implements StudentConfig {

    /** The largest vocabulary accepted (larger than any BERT-family tokenizer's). */
    public static final int MAX_VOCAB_SIZE = BagOfEmbeddingsConfig.MAX_VOCAB_SIZE;

    /** The longest sequence accepted (the position tables of long-context BERT-family encoders). */
    public static final int MAX_POSITIONS = 8_192;

    /** The widest layer accepted. */
    public static final int MAX_WIDTH = BagOfEmbeddingsConfig.MAX_WIDTH;

    /** The most encoder layers accepted. */
    public static final int MAX_LAYERS = 48;

    /** The most attention heads accepted. */
    public static final int MAX_HEADS = 256;

    /** The largest LayerNorm epsilon accepted. */
    public static final float MAX_EPSILON = 0.1f;

    /** BERT's LayerNorm epsilon, the default. */
    public static final float DEFAULT_LAYER_NORM_EPSILON = 1e-12f;

    /** BERT's position table size, the default {@link #maxPositions()}. */
    public static final int DEFAULT_MAX_POSITIONS = 512;

    /** Architecture id written into exported metadata. */
    public static final String ARCHITECTURE = "transformer";

    /** How the encoder's token vectors become one vector per row. */
    public enum Pooling {

        /** The mean of the token vectors where the attention mask is 1; a row with an empty mask pools to zeros. */
        MEAN,

        /** The first token's vector (BERT's {@code [CLS]} position), whatever the mask says. */
        CLS
    }

    public TransformerConfig {
        requireRange("vocabSize", vocabSize, MAX_VOCAB_SIZE);
        requireRange("maxPositions", maxPositions, MAX_POSITIONS);
        requireRange("hiddenSize", hiddenSize, MAX_WIDTH);
        requireRange("layers", layers, MAX_LAYERS);
        requireRange("heads", heads, MAX_HEADS);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize must be a multiple of heads, was hiddenSize " + hiddenSize
                    + " with heads " + heads);
        }
        requireRange("intermediateSize", intermediateSize, MAX_WIDTH);
        requireRange("outputSize", outputSize, MAX_WIDTH);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(activation, "activation");
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
        if (!(layerNormEpsilon > 0f && layerNormEpsilon <= MAX_EPSILON)) {
            throw new IllegalArgumentException("layerNormEpsilon must be in (0, " + MAX_EPSILON + "], was "
                    + layerNormEpsilon);
        }
        Objects.requireNonNull(pooling, "pooling");
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    /** Width of one attention head, {@code hiddenSize / heads}. */
    public int headSize() {
        return this.hiddenSize / this.heads;
    }

    /**
     * The embedding tables {@code (vocabSize + maxPositions) * hiddenSize} and their LayerNorm
     * {@code 2 * hiddenSize}; per layer the query, key, value and attention output layers
     * {@code 4 * (H * H + H)}, two LayerNorms {@code 4 * H}, and the feed-forward block
     * {@code H * I + I + I * H + H}; then the output layer {@code H * outputSize + outputSize}.
     */
    @Override
    public long parameterCount() {
        long h = this.hiddenSize;
        long i = this.intermediateSize;
        long embeddings = ((long) this.vocabSize + this.maxPositions) * h + 2 * h;
        long layer = 4 * (h * h + h) + 4 * h + (h * i + i) + (i * h + h);
        return embeddings + this.layers * layer + h * this.outputSize + this.outputSize;
    }

    @Override
    public TransformerStudent newBlock() {
        return new TransformerStudent(this);
    }

    private static void requireRange(String field, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(field + " must be between 1 and " + max + ", was " + value);
        }
    }

    /**
     * Builder for {@link TransformerConfig}; {@code vocabSize}, {@code hiddenSize}, {@code layers},
     * {@code heads}, {@code intermediateSize} and {@code outputSize} are required. Defaults:
     * {@value #DEFAULT_MAX_POSITIONS} positions, {@link StudentOutput#LOGITS}, {@link HiddenActivation#GELU},
     * no dropout, LayerNorm epsilon {@code 1e-12} (BERT's), {@link Pooling#MEAN}.
     */
    public static final class Builder {

        private int vocabSize;

        private int maxPositions = DEFAULT_MAX_POSITIONS;

        private int hiddenSize;

        private int layers;

        private int heads;

        private int intermediateSize;

        private int outputSize;

        private StudentOutput output = StudentOutput.LOGITS;

        private HiddenActivation activation = HiddenActivation.GELU;

        private float dropout;

        private float layerNormEpsilon = DEFAULT_LAYER_NORM_EPSILON;

        private Pooling pooling = Pooling.MEAN;

        private Builder() {
        }

        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        public Builder maxPositions(int maxPositions) {
            this.maxPositions = maxPositions;
            return this;
        }

        public Builder hiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder heads(int heads) {
            this.heads = heads;
            return this;
        }

        public Builder intermediateSize(int intermediateSize) {
            this.intermediateSize = intermediateSize;
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

        public Builder layerNormEpsilon(float layerNormEpsilon) {
            this.layerNormEpsilon = layerNormEpsilon;
            return this;
        }

        public Builder pooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /** @throws IllegalArgumentException naming the first field that is missing or out of range */
        public TransformerConfig build() {
            return new TransformerConfig(this.vocabSize, this.maxPositions, this.hiddenSize, this.layers, this.heads,
                    this.intermediateSize, this.outputSize, this.output, this.activation, this.dropout,
                    this.layerNormEpsilon, this.pooling);
        }
    }
}
