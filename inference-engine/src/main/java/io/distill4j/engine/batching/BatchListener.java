package io.distill4j.engine.batching;

/**
 * Metrics hook of a {@link DynamicBatcher}. Every method has a no-op default, so an implementation
 * overrides only what it records.
 *
 * <p>Implementations must be cheap, thread-safe and non-blocking: {@link #onQueueDepth(int)} is called
 * by submitting threads and by the worker while the batcher holds its queue lock (so that the last
 * depth reported is always the current one), and {@link #onBatch(int, long)} is called by the worker
 * between a batch's processing and the completion of its futures. Anything a listener throws is
 * logged and otherwise ignored.
 */
public interface BatchListener {

    /** A listener that records nothing. */
    BatchListener NONE = new BatchListener() {
    };

    /**
     * A batch was processed successfully.
     * @param batchSize number of items in the batch, {@code >= 1}
     * @param processNanos wall-clock time of the {@link BatchProcessor#process(java.util.List)} call
     */
    default void onBatch(int batchSize, long processNanos) {
    }

    /**
     * The number of queued (accepted but not yet dispatched) items changed.
     * @param depth the number of queued items, across all buckets
     */
    default void onQueueDepth(int depth) {
    }
}
