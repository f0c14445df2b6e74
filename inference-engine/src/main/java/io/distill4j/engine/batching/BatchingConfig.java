package io.distill4j.engine.batching;

import java.time.Duration;
import java.util.Objects;

import io.distill4j.api.Checks;

/**
 * Immutable configuration of a {@link DynamicBatcher}; build one with {@link #builder()} or take
 * {@link #ofDefaults()}.
 *
 * <pre>{@code
 * BatchingConfig config = BatchingConfig.builder()
 *         .maxBatchSize(16)
 *         .maxQueueDelay(Duration.ofMillis(2))
 *         .queueCapacity(512)
 *         .policy(BatchPolicy.Kind.ADAPTIVE)
 *         .build();
 * }</pre>
 */
public final class BatchingConfig {

    /** Default {@link #maxBatchSize()}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 32;

    /** Default {@link #maxQueueDelay()}: dispatch at once. */
    public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ZERO;

    /** Default {@link #queueCapacity()}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    /** Default {@link #policy()}. */
    public static final BatchPolicy.Kind DEFAULT_POLICY = BatchPolicy.Kind.ADAPTIVE;

    private static final BatchingConfig DEFAULTS = new Builder().build();

    private final int maxBatchSize;

    private final Duration maxQueueDelay;

    private final int queueCapacity;

    private final BatchPolicy.Kind policy;

    private BatchingConfig(Builder builder) {
        this.maxBatchSize = builder.maxBatchSize;
        this.maxQueueDelay = builder.maxQueueDelay;
        this.queueCapacity = builder.queueCapacity;
        this.policy = builder.policy;
    }

    /**
     * The defaults: {@code maxBatchSize} {@value #DEFAULT_MAX_BATCH_SIZE}, {@code maxQueueDelay} zero,
     * {@code queueCapacity} {@value #DEFAULT_QUEUE_CAPACITY}, policy adaptive.
     */
    public static BatchingConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from the values of {@code base}. */
    public static Builder from(BatchingConfig base) {
        Objects.requireNonNull(base, "base");
        return new Builder().maxBatchSize(base.maxBatchSize)
                .maxQueueDelay(base.maxQueueDelay)
                .queueCapacity(base.queueCapacity)
                .policy(base.policy);
    }

    /** The most items one batch may hold, {@code >= 1}. */
    public int maxBatchSize() {
        return this.maxBatchSize;
    }

    /**
     * How long the worker may hold back a batch that is not full, measured from the arrival of its
     * oldest item, to let more items join it; {@link Duration#ZERO} dispatches at once, so that
     * batches form only from items that queue up while every instance is busy.
     */
    public Duration maxQueueDelay() {
        return this.maxQueueDelay;
    }

    /**
     * The most items that may wait in the queue (all buckets together, not counting the batch being
     * processed); a submission beyond it is rejected at once, {@code >= 1}.
     */
    public int queueCapacity() {
        return this.queueCapacity;
    }

    /**
     * How batch sizes are chosen: {@code ADAPTIVE} (the default: {@link AdaptiveBatchPolicy}, only as far as batching
     * makes items cheaper on this machine), {@code GREEDY} (every waiting item up to {@link #maxBatchSize()}), or
     * {@code OFF} (one item per run).
     */
    public BatchPolicy.Kind policy() {
        return this.policy;
    }

    /** A new policy of {@link #policy()}'s kind, with no measurements yet. */
    public BatchPolicy newPolicy() {
        return switch (this.policy) {
            case ADAPTIVE -> new AdaptiveBatchPolicy();
            case GREEDY -> BatchPolicy.greedy();
            case OFF -> BatchPolicy.unbatched();
        };
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof BatchingConfig)) {
            return false;
        }
        BatchingConfig that = (BatchingConfig) other;
        return this.maxBatchSize == that.maxBatchSize && this.queueCapacity == that.queueCapacity
                && this.maxQueueDelay.equals(that.maxQueueDelay) && this.policy == that.policy;
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.maxBatchSize, this.maxQueueDelay, this.queueCapacity, this.policy);
    }

    @Override
    public String toString() {
        return "BatchingConfig[maxBatchSize=" + this.maxBatchSize + ", maxQueueDelay=" + this.maxQueueDelay
                + ", queueCapacity=" + this.queueCapacity + ", policy=" + this.policy.id() + "]";
    }

    /** Builder of {@link BatchingConfig}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {

        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;

        private Duration maxQueueDelay = DEFAULT_MAX_QUEUE_DELAY;

        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

        private BatchPolicy.Kind policy = DEFAULT_POLICY;

        private Builder() {
        }

        /**
         * Sets {@link BatchingConfig#maxBatchSize()}.
         * @throws IllegalArgumentException if {@code maxBatchSize < 1}
         */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = Checks.atLeast(maxBatchSize, 1, "maxBatchSize");
            return this;
        }

        /**
         * Sets {@link BatchingConfig#maxQueueDelay()}.
         * @throws IllegalArgumentException if {@code maxQueueDelay} is negative
         * @throws NullPointerException if {@code maxQueueDelay} is {@code null}
         */
        public Builder maxQueueDelay(Duration maxQueueDelay) {
            Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
            if (maxQueueDelay.isNegative()) {
                throw new IllegalArgumentException("maxQueueDelay must be >= 0, was " + maxQueueDelay);
            }
            this.maxQueueDelay = maxQueueDelay;
            return this;
        }

        /**
         * Sets {@link BatchingConfig#queueCapacity()}.
         * @throws IllegalArgumentException if {@code queueCapacity < 1}
         */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = Checks.atLeast(queueCapacity, 1, "queueCapacity");
            return this;
        }

        /** Sets {@link BatchingConfig#policy()}. */
        public Builder policy(BatchPolicy.Kind policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** A config with the values set so far. */
        public BatchingConfig build() {
            return new BatchingConfig(this);
        }
    }
}
