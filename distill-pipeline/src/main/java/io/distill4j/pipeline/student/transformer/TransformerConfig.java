package io.distill4j.pipeline.student.transformer;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.StudentOutput;

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
 * @param head the vocabulary (rows of the word embedding table), output, activation (of the feed-forward
 * blocks) and dropout (during training on the embeddings, the attention probabilities, the output of each
 * attention and feed-forward block and the pooled vector)
 * @param maxPositions rows of the position embedding table: the longest sequence the student takes, 1 to
 * {@value #MAX_POSITIONS}
 * @param hiddenSize width of every layer, 1 to {@value StudentHead#MAX_WIDTH}; a multiple of {@code heads}
 * @param layers encoder layers, 1 to {@value #MAX_LAYERS}
 * @param heads attention heads per layer, 1 to {@value #MAX_HEADS}; each head is
 * {@code hiddenSize / heads} wide
 * @param intermediateSize width of each feed-forward block, 1 to {@value StudentHead#MAX_WIDTH}
 * @param layerNormEpsilon the {@code epsilon} of every LayerNorm, in {@code (0, }{@value #MAX_EPSILON}{@code ]}
 * @param pooling how the encoder's {@code [B, T, hiddenSize]} output becomes one vector per row
 */
public record TransformerConfig(@JsonUnwrapped StudentHead head, int maxPositions, int hiddenSize, int layers,
        int heads, int intermediateSize, float layerNormEpsilon, Pooling pooling) implements StudentConfig {

    /** The longest sequence accepted (the position tables of long-context BERT-family encoders). */
    public static final int MAX_POSITIONS = 8_192;

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
        Objects.requireNonNull(head, "head");
        StudentHead.requireRange("maxPositions", maxPositions, MAX_POSITIONS);
        StudentHead.requireRange("hiddenSize", hiddenSize, StudentHead.MAX_WIDTH);
        StudentHead.requireRange("layers", layers, MAX_LAYERS);
        StudentHead.requireRange("heads", heads, MAX_HEADS);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize must be a multiple of heads, was hiddenSize " + hiddenSize
                    + " with heads " + heads);
        }
        StudentHead.requireRange("intermediateSize", intermediateSize, StudentHead.MAX_WIDTH);
        if (!(layerNormEpsilon > 0f && layerNormEpsilon <= MAX_EPSILON)) {
            throw new IllegalArgumentException("layerNormEpsilon must be in (0, " + MAX_EPSILON + "], was "
                    + layerNormEpsilon);
        }
        Objects.requireNonNull(pooling, "pooling");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Transformer architecture: its specs (teacher layers among them), auto-tuning sizes and ONNX graph. */
    public static Architecture definition() {
        return TransformerArchitecture.INSTANCE;
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
        long embeddings = ((long) vocabSize() + this.maxPositions) * h + 2 * h;
        long layer = 4 * (h * h + h) + 4 * h + (h * i + i) + (i * h + h);
        return embeddings + this.layers * layer + h * outputSize() + outputSize();
    }

    @Override
    public TransformerStudent newBlock() {
        return new TransformerStudent(this);
    }

    /**
     * Builder for {@link TransformerConfig}; {@code vocabSize}, {@code hiddenSize}, {@code layers},
     * {@code heads}, {@code intermediateSize} and {@code outputSize} are required. Defaults:
     * {@value #DEFAULT_MAX_POSITIONS} positions, {@link StudentOutput#LOGITS}, {@link HiddenActivation#GELU},
     * no dropout, LayerNorm epsilon {@code 1e-12} (BERT's), {@link Pooling#MEAN}.
     */
    public static final class Builder extends StudentHead.Builder<Builder> {

        private int maxPositions = DEFAULT_MAX_POSITIONS;

        private int hiddenSize;

        private int layers;

        private int heads;

        private int intermediateSize;

        private float layerNormEpsilon = DEFAULT_LAYER_NORM_EPSILON;

        private Pooling pooling = Pooling.MEAN;

        private Builder() {
            super(HiddenActivation.GELU);
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
            return new TransformerConfig(head(), this.maxPositions, this.hiddenSize, this.layers, this.heads,
                    this.intermediateSize, this.layerNormEpsilon, this.pooling);
        }
    }
}
