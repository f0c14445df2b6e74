package io.distill4j.engine.metrics;

import java.util.List;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ErrorCode;

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

    /**
     * A request was refused or given up without a result, for a reason a retry may overcome:
     * {@link ErrorCode#OVERLOADED} (a full queue or bulkhead), {@link ErrorCode#TIMEOUT} (its deadline
     * passed), {@link ErrorCode#UNAVAILABLE} (an open circuit breaker, or shutting down). Also called by
     * the serving layer's guard, which knows only the model's name.
     */
    default void onRejected(String modelName, ErrorCode reason) {
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

    /**
     * This listener shielded: an exception from any of its methods is logged and goes no further, so
     * that a failing metrics hook never fails a request or loses a batch.
     */
    static InferenceListener safe(InferenceListener listener) {
        return listener instanceof SafeListener || listener == NONE ? listener : new SafeListener(listener);
    }

    /**
     * One listener that forwards every call to each of {@code listeners}, in order, each {@linkplain #safe
     * shielded} so that one that throws does not keep the event from the others.
     */
    static InferenceListener of(List<? extends InferenceListener> listeners) {
        List<InferenceListener> all = listeners.stream().map(InferenceListener::safe).toList();
        if (all.isEmpty()) {
            return NONE;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new InferenceListener() {
            @Override
            public void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
                all.forEach(listener -> listener.onRequest(model, items, latencyNanos, success));
            }

            @Override
            public void onRejected(String modelName, ErrorCode reason) {
                all.forEach(listener -> listener.onRejected(modelName, reason));
            }

            @Override
            public void onBatch(ModelId model, int batchSize, long runNanos) {
                all.forEach(listener -> listener.onBatch(model, batchSize, runNanos));
            }

            @Override
            public void onQueueDepth(ModelId model, int depth) {
                all.forEach(listener -> listener.onQueueDepth(model, depth));
            }

            @Override
            public void onModelLoaded(ModelDescriptor model) {
                all.forEach(listener -> listener.onModelLoaded(model));
            }

            @Override
            public void onModelUnloaded(ModelId model) {
                all.forEach(listener -> listener.onModelUnloaded(model));
            }

            @Override
            public void onModelClosed(ModelId model) {
                all.forEach(listener -> listener.onModelClosed(model));
            }

            @Override
            public String toString() {
                return "InferenceListener" + all;
            }
        };
    }
}
