package io.distill4j.pipeline.train;

import java.util.Objects;

/**
 * The settings of a {@link StudentTrainer}: immutable, built with {@link #builder()} (which starts from
 * {@link #ofDefaults()}) or changed from an existing one with {@link #toBuilder()}. Every setting is checked
 * by {@link Builder#build()}; an error names the setting and its range.
 *
 * <pre>{@code
 * TrainerConfig config = TrainerConfig.builder().epochs(20).batchSize(64).learningRate(3e-3f)
 *     .objective(Objective.EMBEDDING_COSINE).build();
 * }</pre>
 *
 * <p>{@link #toString()} lists every setting by name; a training checkpoint's fingerprint includes it, so
 * a checkpoint resumes only a run with the same settings.
 */
public final class TrainerConfig {

    private static final TrainerConfig DEFAULTS = new TrainerConfig(new Builder());

    private final int epochs;

    private final int batchSize;

    private final float learningRate;

    private final double warmupShare;

    private final float weightDecay;

    private final float clipGradient;

    private final float temperature;

    private final float alpha;

    private final int patience;

    private final long seed;

    private final Objective objective;

    private final float layerDecay;

    private final boolean temperatureAnnealing;

    private final int hardLabelWarmupEpochs;

    private TrainerConfig(Builder builder) {
        this.epochs = builder.epochs;
        this.batchSize = builder.batchSize;
        this.learningRate = builder.learningRate;
        this.warmupShare = builder.warmupShare;
        this.weightDecay = builder.weightDecay;
        this.clipGradient = builder.clipGradient;
        this.temperature = builder.temperature;
        this.alpha = builder.alpha;
        this.patience = builder.patience;
        this.seed = builder.seed;
        this.objective = Objects.requireNonNull(builder.objective, "objective");
        this.layerDecay = builder.layerDecay;
        this.temperatureAnnealing = builder.temperatureAnnealing;
        this.hardLabelWarmupEpochs = builder.hardLabelWarmupEpochs;
        positive("epochs", this.epochs);
        positive("batchSize", this.batchSize);
        positive("patience", this.patience);
        if (!(this.learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, was " + this.learningRate);
        }
        if (!(this.warmupShare >= 0 && this.warmupShare < 1)) {
            throw new IllegalArgumentException("warmupShare must be in [0, 1), was " + this.warmupShare);
        }
        if (!(this.weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, was " + this.weightDecay);
        }
        if (!(this.clipGradient > 0)) {
            throw new IllegalArgumentException("clipGradient must be > 0, was " + this.clipGradient);
        }
        if (!(this.temperature > 0) || Float.isInfinite(this.temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, was " + this.temperature);
        }
        if (!(this.alpha >= 0 && this.alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + this.alpha);
        }
        if (!(this.layerDecay > 0 && this.layerDecay <= 1)) {
            throw new IllegalArgumentException("layerDecay must be in (0, 1], was " + this.layerDecay);
        }
        if (this.hardLabelWarmupEpochs < 0 || this.hardLabelWarmupEpochs >= this.epochs) {
            throw new IllegalArgumentException("hardLabelWarmupEpochs must be in [0, epochs - 1] = [0, "
                    + (this.epochs - 1) + "], was " + this.hardLabelWarmupEpochs);
        }
        if (this.objective.isEmbedding() && (this.temperatureAnnealing || this.hardLabelWarmupEpochs > 0)) {
            throw new IllegalArgumentException((this.temperatureAnnealing ? "temperatureAnnealing" : "hardLabelWarmupEpochs")
                    + " applies to objective " + Objective.CLASSIFICATION + " only: " + this.objective
                    + " has no temperature, alpha or hard labels");
        }
    }

    /**
     * 10 epochs, batch 32, learning rate 2e-3, 10 % warm-up, decay 0.01, max gradient norm 1, T = 2,
     * alpha 0.5, patience 3, seed 42, {@link Objective#CLASSIFICATION}, no layer decay, a constant temperature
     * and no hard-label warm-up.
     */
    public static TrainerConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from {@link #ofDefaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Most passes over the training split. */
    public int epochs() {
        return this.epochs;
    }

    /** Examples per step. */
    public int batchSize() {
        return this.batchSize;
    }

    /** Peak learning rate. */
    public float learningRate() {
        return this.learningRate;
    }

    /** Share of all steps spent warming up, in {@code [0, 1)}. */
    public double warmupShare() {
        return this.warmupShare;
    }

    /** AdamW's decoupled weight decay. */
    public float weightDecay() {
        return this.weightDecay;
    }

    /**
     * The largest global L2 norm of the gradients: before each step, all gradients together are scaled by
     * {@code min(1, clipGradient / (norm + 1e-6))}, as PyTorch's {@code clip_grad_norm_};
     * {@code Float.POSITIVE_INFINITY} turns clipping off.
     */
    public float clipGradient() {
        return this.clipGradient;
    }

    /** Distillation temperature T (classification only). */
    public float temperature() {
        return this.temperature;
    }

    /** Weight of the distillation term; {@code 1 - alpha} weighs the hard labels (classification only). */
    public float alpha() {
        return this.alpha;
    }

    /** Epochs without a better validation score before stopping. */
    public int patience() {
        return this.patience;
    }

    /**
     * Seed of everything random: the batch order and dropout of each epoch (from {@code seed * 31 + epoch})
     * and a projection head's initial weights (the student's come from its own seed).
     */
    public long seed() {
        return this.seed;
    }

    /** What the teacher's rows are and which loss and validation score follow. */
    public Objective objective() {
        return this.objective;
    }

    /**
     * Layer-wise learning-rate decay in {@code (0, 1]}: the parameters of encoder layer {@code i} (0-based,
     * of {@code L}) learn at {@code learningRate * layerDecay^(L - i)}, the embeddings at
     * {@code layerDecay^(L + 1)}, everything else (the output layer) at the full rate; see
     * {@link LayerwiseDecay} for how a parameter's layer is read from its name. 1, the default, is off.
     */
    public float layerDecay() {
        return this.layerDecay;
    }

    /**
     * Whether the temperature falls linearly with the epoch index, from {@link #temperature()} at the first
     * epoch to 1 at epoch {@link #epochs()} (with one epoch it stays); off by default. Classification only.
     */
    public boolean temperatureAnnealing() {
        return this.temperatureAnnealing;
    }

    /**
     * How many first epochs train on the hard labels only (alpha 0: the distillation term weighs nothing;
     * rows without a hard label add nothing), in {@code [0, epochs)}; 0, the default, is none. Classification
     * only, and the training split needs hard labels.
     */
    public int hardLabelWarmupEpochs() {
        return this.hardLabelWarmupEpochs;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrainerConfig that && this.epochs == that.epochs && this.batchSize == that.batchSize
                && Float.compare(this.learningRate, that.learningRate) == 0
                && Double.compare(this.warmupShare, that.warmupShare) == 0
                && Float.compare(this.weightDecay, that.weightDecay) == 0
                && Float.compare(this.clipGradient, that.clipGradient) == 0
                && Float.compare(this.temperature, that.temperature) == 0 && Float.compare(this.alpha, that.alpha) == 0
                && this.patience == that.patience && this.seed == that.seed && this.objective == that.objective
                && Float.compare(this.layerDecay, that.layerDecay) == 0
                && this.temperatureAnnealing == that.temperatureAnnealing
                && this.hardLabelWarmupEpochs == that.hardLabelWarmupEpochs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.epochs, this.batchSize, this.learningRate, this.warmupShare, this.weightDecay,
                this.clipGradient, this.temperature, this.alpha, this.patience, this.seed, this.objective,
                this.layerDecay, this.temperatureAnnealing, this.hardLabelWarmupEpochs);
    }

    /**
     * Every setting by name, in a fixed order; the layer decay, the temperature annealing and the warm-up
     * only when they are on (so the text of a configuration without them is unchanged).
     */
    @Override
    public String toString() {
        return "TrainerConfig[epochs=" + this.epochs + ", batchSize=" + this.batchSize + ", learningRate="
                + this.learningRate + ", warmupShare=" + this.warmupShare + ", weightDecay=" + this.weightDecay
                + ", clipGradient=" + this.clipGradient + ", temperature=" + this.temperature + ", alpha=" + this.alpha
                + ", patience=" + this.patience + ", seed=" + this.seed + ", objective=" + this.objective
                + (this.layerDecay == 1f ? "" : ", layerDecay=" + this.layerDecay)
                + (this.temperatureAnnealing ? ", temperatureAnnealing=true" : "")
                + (this.hardLabelWarmupEpochs == 0 ? "" : ", hardLabelWarmupEpochs=" + this.hardLabelWarmupEpochs) + "]";
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, was " + value);
        }
    }

    /** Builder for {@link TrainerConfig}; every setting starts at its {@link #ofDefaults()} value. */
    public static final class Builder {

        private int epochs = 10;

        private int batchSize = 32;

        private float learningRate = 2e-3f;

        private double warmupShare = 0.1;

        private float weightDecay = 0.01f;

        private float clipGradient = 1f;

        private float temperature = 2f;

        private float alpha = 0.5f;

        private int patience = 3;

        private long seed = 42;

        private Objective objective = Objective.CLASSIFICATION;

        private float layerDecay = 1f;

        private boolean temperatureAnnealing;

        private int hardLabelWarmupEpochs;

        private Builder() {
        }

        private Builder(TrainerConfig from) {
            this.epochs = from.epochs;
            this.batchSize = from.batchSize;
            this.learningRate = from.learningRate;
            this.warmupShare = from.warmupShare;
            this.weightDecay = from.weightDecay;
            this.clipGradient = from.clipGradient;
            this.temperature = from.temperature;
            this.alpha = from.alpha;
            this.patience = from.patience;
            this.seed = from.seed;
            this.objective = from.objective;
            this.layerDecay = from.layerDecay;
            this.temperatureAnnealing = from.temperatureAnnealing;
            this.hardLabelWarmupEpochs = from.hardLabelWarmupEpochs;
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder learningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder warmupShare(double warmupShare) {
            this.warmupShare = warmupShare;
            return this;
        }

        public Builder weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder clipGradient(float clipGradient) {
            this.clipGradient = clipGradient;
            return this;
        }

        public Builder temperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder alpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder objective(Objective objective) {
            this.objective = objective;
            return this;
        }

        public Builder layerDecay(float layerDecay) {
            this.layerDecay = layerDecay;
            return this;
        }

        public Builder temperatureAnnealing(boolean temperatureAnnealing) {
            this.temperatureAnnealing = temperatureAnnealing;
            return this;
        }

        public Builder hardLabelWarmupEpochs(int hardLabelWarmupEpochs) {
            this.hardLabelWarmupEpochs = hardLabelWarmupEpochs;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public TrainerConfig build() {
            return new TrainerConfig(this);
        }
    }
}
