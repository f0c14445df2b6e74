package io.distill4j.engine.batching;

import java.util.Locale;

/**
 * Decides how many of the items waiting in a bucket an instance that has just become free takes as its next
 * batch. A {@link DynamicBatcher} asks it under its queue lock, so a decision must be quick and must not block;
 * it tells the policy what each batch cost afterwards ({@link #ran}), from the worker that ran it.
 *
 * <p>{@link #greedy()} takes everything up to the cap (the batcher's behaviour before policies existed),
 * {@link #unbatched()} takes one item at a time, and {@link AdaptiveBatchPolicy} takes as many as make the items
 * cheaper, learnt from what batches cost on this machine.
 */
public interface BatchPolicy {

    /**
     * The size of the next batch.
     * @param bucket the key of the bucket the batch is taken from
     * @param queued how many items wait in that bucket, {@code >= 1}
     * @param idleInstances how many instances have nothing to run, the asking one included, {@code >= 1}
     * @param maxBatchSize the configured cap, {@code >= 1}
     * @return between 1 and {@code min(queued, maxBatchSize)}
     */
    int batchSize(int bucket, int queued, int idleInstances, int maxBatchSize);

    /**
     * Whether a partial batch of this bucket is worth holding back for company, when the batcher has a
     * {@link BatchingConfig#maxQueueDelay()}: a policy that finds one item as cheap per item as a batch says no, so
     * that no request waits for company that does not pay.
     */
    default boolean worthWaiting(int bucket) {
        return true;
    }

    /**
     * A batch ran; called from the worker that ran it, outside the queue lock.
     * @param bucket its bucket key
     * @param size its items
     * @param nanos how long the processor took
     */
    default void ran(int bucket, int size, long nanos) {
    }

    /** The policy in a few words, for the model's status and its log line at load. */
    String describe();

    /** Takes every waiting item of the bucket, up to the cap. */
    static BatchPolicy greedy() {
        return Fixed.GREEDY;
    }

    /** Takes one item at a time: no batching, the instances run requests side by side. */
    static BatchPolicy unbatched() {
        return Fixed.UNBATCHED;
    }

    /** The policies a configuration names. */
    enum Kind {

        /** {@link AdaptiveBatchPolicy}: batch only as far as it makes items cheaper on this machine. */
        ADAPTIVE,

        /** {@link #greedy()}. */
        GREEDY,

        /** {@link #unbatched()}. */
        OFF;

        /** The name as written in configuration: {@code adaptive}, {@code greedy}, {@code off}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kind named {@code id}, case-insensitive.
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Kind fromId(String id) {
            for (Kind kind : values()) {
                if (kind.id().equalsIgnoreCase(id.trim())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("must be adaptive, greedy or off, was '" + id + "'");
        }
    }

    /** The two policies that need no state. */
    enum Fixed implements BatchPolicy {

        GREEDY {
            @Override
            public int batchSize(int bucket, int queued, int idleInstances, int maxBatchSize) {
                return Math.min(queued, maxBatchSize);
            }

            @Override
            public String describe() {
                return "greedy (every waiting item, up to the batch cap)";
            }
        },

        UNBATCHED {
            @Override
            public int batchSize(int bucket, int queued, int idleInstances, int maxBatchSize) {
                return 1;
            }

            @Override
            public boolean worthWaiting(int bucket) {
                return false;
            }

            @Override
            public String describe() {
                return "off (one item per run)";
            }
        }
    }
}
