package io.distill4j.engine.metrics;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;

/**
 * Receives per-model measurements from the engine. Every method has an empty default, so an
 * implementation overrides only what it records. Methods are called on request and worker threads:
 * they must be fast, thread-safe and must not throw (a throwing listener is logged and ignored).
 */
public interface InferenceListener {

    /** A listener that records nothing. */
    InferenceListener NONE = new InferenceListener() {
    };

    /**
     * One engine call finished.
     * @param model the model version that served it
     * @param items texts or tensors' batch rows in the call
     * @param latencyNanos wall time of the call, validation and queueing included
     * @param success whether it returned normally
     */
    default void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
    }

    /** The batcher ran one batch of {@code batchSize} items in {@code runNanos}. */
    default void onBatch(ModelId model, int batchSize, long runNanos) {
    }

    /** The number of queued, not yet dispatched items changed. */
    default void onQueueDepth(ModelId model, int depth) {
    }

    /** A model version started serving. */
    default void onModelLoaded(ModelDescriptor model) {
    }

    /** A model version stopped serving (it may still be draining). */
    default void onModelUnloaded(ModelId model) {
    }

    /** A model version that stopped serving has drained its requests and closed its session. */
    default void onModelClosed(ModelId model) {
    }
}
