package io.distill4j.api.distill;

import java.util.OptionalInt;
import java.util.OptionalLong;

import io.distill4j.api.Checks;

/**
 * How a {@link TeacherSpec#fineTuned fine-tuned teacher} is trained: full fine-tuning of the encoder and a
 * classification head on the labelled training split, early-stopped on validation accuracy. Start from
 * {@link #ofDefaults()} or {@link #builder()}; every field is checked on construction and an error names
 * the field ({@code teacher.fineTuning.<field>}) and its limit.
 *
 * <pre>{@code
 * FineTuning settings = FineTuning.builder().epochs(2).learningRate(3e-5).layerDecay(0.9).build();
 * }</pre>
 *
 * @param epochs most passes over the training split, 1 to {@value #MAX_EPOCHS}; default 3
 * @param learningRate AdamW's peak learning rate, in {@code (0, 1]}; default {@code 5e-5}
 * @param batchSize examples per step, 1 to {@value #MAX_BATCH_SIZE}; default 32
 * @param warmupShare share of all steps spent warming the learning rate up (then it decays linearly), in
 *        {@code [0, 1)}; default 0.1
 * @param weightDecay AdamW's decoupled weight decay, in {@code [0, 1]}; default 0.01
 * @param clipGradient the largest global L2 norm of the gradients, finite and {@code > 0}; default 1
 * @param layerDecay layer-wise learning-rate decay in {@code (0, 1]}: encoder layer {@code i} (0-based, of
 *        {@code L}) learns at {@code learningRate * layerDecay^(L - i)}, the embeddings at
 *        {@code layerDecay^(L + 1)}, the head at the full rate; 1 (the default) turns it off, 0.8 to 0.95 is
 *        usual
 * @param patience epochs without a better validation accuracy before stopping, 1 to {@value #MAX_EPOCHS};
 *        default 1
 * @param maxSequenceLength tokens per text during fine-tuning, 8 to 512; empty (the default): the
 *        distiller's
 * @param dropout drop probability on the embeddings, attention, each block's output and the pooled vector,
 *        in {@code [0, 1)}; default 0.1
 * @param seed the seed of the head's initial weights, batch order and dropout; empty (the default): the
 *        spec's
 */
public record FineTuning(int epochs, double learningRate, int batchSize, double warmupShare, double weightDecay,
        double clipGradient, double layerDecay, int patience, OptionalInt maxSequenceLength, double dropout,
        OptionalLong seed) {

    /** The most epochs (and the largest patience) accepted. */
    public static final int MAX_EPOCHS = 1000;

    /** The largest batch accepted. */
    public static final int MAX_BATCH_SIZE = 4096;

    private static final FineTuning DEFAULTS = new Builder().build();

    public FineTuning {
        Checks.inRange(epochs, 1, MAX_EPOCHS, "teacher.fineTuning.epochs");
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("teacher.fineTuning.learningRate must be in (0, 1], was " + learningRate);
        }
        Checks.inRange(batchSize, 1, MAX_BATCH_SIZE, "teacher.fineTuning.batchSize");
        if (!(warmupShare >= 0 && warmupShare < 1)) {
            throw new IllegalArgumentException("teacher.fineTuning.warmupShare must be in [0, 1), was " + warmupShare);
        }
        Checks.inRange(weightDecay, 0, 1, "teacher.fineTuning.weightDecay");
        if (!(clipGradient > 0) || Double.isInfinite(clipGradient)) {
            throw new IllegalArgumentException("teacher.fineTuning.clipGradient must be finite and > 0, was "
                    + clipGradient);
        }
        if (!(layerDecay > 0 && layerDecay <= 1)) {
            throw new IllegalArgumentException("teacher.fineTuning.layerDecay must be in (0, 1], was " + layerDecay);
        }
        Checks.inRange(patience, 1, MAX_EPOCHS, "teacher.fineTuning.patience");
        Checks.notNull(maxSequenceLength, "teacher.fineTuning.maxSequenceLength");
        if (maxSequenceLength.isPresent()) {
            Checks.inRange(maxSequenceLength.getAsInt(), 8, 512, "teacher.fineTuning.maxSequenceLength");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("teacher.fineTuning.dropout must be in [0, 1), was " + dropout);
        }
        Checks.notNull(seed, "teacher.fineTuning.seed");
    }

    /** 3 epochs, learning rate 5e-5, batch 32, 10 % warm-up, decay 0.01, clip 1, no layer decay, patience 1, dropout 0.1. */
    public static FineTuning ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link #ofDefaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder builder = new Builder().epochs(this.epochs).learningRate(this.learningRate).batchSize(this.batchSize)
                .warmupShare(this.warmupShare).weightDecay(this.weightDecay).clipGradient(this.clipGradient)
                .layerDecay(this.layerDecay).patience(this.patience).dropout(this.dropout);
        builder.maxSequenceLength = this.maxSequenceLength;
        builder.seed = this.seed;
        return builder;
    }

    /** Builder for {@link FineTuning}; every field starts at its {@link #ofDefaults()} value. */
    public static final class Builder {

        private int epochs = 3;

        private double learningRate = 5e-5;

        private int batchSize = 32;

        private double warmupShare = 0.1;

        private double weightDecay = 0.01;

        private double clipGradient = 1.0;

        private double layerDecay = 1.0;

        private int patience = 1;

        private OptionalInt maxSequenceLength = OptionalInt.empty();

        private double dropout = 0.1;

        private OptionalLong seed = OptionalLong.empty();

        private Builder() {
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder warmupShare(double warmupShare) {
            this.warmupShare = warmupShare;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder clipGradient(double clipGradient) {
            this.clipGradient = clipGradient;
            return this;
        }

        public Builder layerDecay(double layerDecay) {
            this.layerDecay = layerDecay;
            return this;
        }

        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        public Builder maxSequenceLength(int maxSequenceLength) {
            this.maxSequenceLength = OptionalInt.of(maxSequenceLength);
            return this;
        }

        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** @throws IllegalArgumentException naming the first field out of range */
        public FineTuning build() {
            return new FineTuning(this.epochs, this.learningRate, this.batchSize, this.warmupShare, this.weightDecay,
                    this.clipGradient, this.layerDecay, this.patience, this.maxSequenceLength, this.dropout, this.seed);
        }
    }
}
