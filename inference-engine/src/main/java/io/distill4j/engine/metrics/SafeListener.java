package io.distill4j.engine.metrics;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link InferenceListener#safe}: a listener whose failures are logged and go no further. */
final class SafeListener implements InferenceListener {

    private static final Logger logger = LoggerFactory.getLogger(SafeListener.class);

    private final InferenceListener delegate;

    SafeListener(InferenceListener delegate) {
        this.delegate = delegate;
    }

    private void guard(Runnable call) {
        try {
            call.run();
        }
        catch (RuntimeException ex) {
            logger.warn("Inference listener {} failed", this.delegate, ex);
        }
    }

    @Override
    public void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
        guard(() -> this.delegate.onRequest(model, items, latencyNanos, success));
    }

    @Override
    public void onRejected(String modelName, ErrorCode reason) {
        guard(() -> this.delegate.onRejected(modelName, reason));
    }

    @Override
    public void onBatch(ModelId model, int batchSize, long runNanos) {
        guard(() -> this.delegate.onBatch(model, batchSize, runNanos));
    }

    @Override
    public void onQueueDepth(ModelId model, int depth) {
        guard(() -> this.delegate.onQueueDepth(model, depth));
    }

    @Override
    public void onModelLoaded(ModelDescriptor model) {
        guard(() -> this.delegate.onModelLoaded(model));
    }

    @Override
    public void onModelUnloaded(ModelId model) {
        guard(() -> this.delegate.onModelUnloaded(model));
    }

    @Override
    public void onModelClosed(ModelId model) {
        guard(() -> this.delegate.onModelClosed(model));
    }
}
