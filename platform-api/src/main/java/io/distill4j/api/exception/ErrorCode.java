package io.distill4j.api.exception;

/**
 * Machine-readable reason carried by every {@link Distill4jException}. Transport adapters (gRPC,
 * HTTP) map these codes to their own status codes in one place.
 */
public enum ErrorCode {
    /** A request field is missing, malformed, of the wrong type or shape, or over a limit. */
    INVALID_INPUT(false),
    /** No model (or model version) of that name is known or loaded. */
    MODEL_NOT_FOUND(false),
    /** A model file or its manifest could not be read, parsed or turned into a session. */
    MODEL_LOAD_FAILED(false),
    /** A model does not fit what it is used for (task, inputs, outputs, operators). */
    INCOMPATIBLE_MODEL(false),
    /** The runtime failed while executing a model on input that passed validation. */
    INFERENCE_FAILED(false),
    /** A distillation job failed. */
    DISTILLATION_FAILED(false),
    /** A distillation job was cancelled (by its owner, by an interrupted caller, or on shutdown). */
    DISTILLATION_CANCELLED(false),
    /** A queue or bulkhead is full; retry later. */
    OVERLOADED(true),
    /** A deadline passed before the work finished; retry may succeed. */
    TIMEOUT(true),
    /** The component is shutting down or a resource is temporarily unavailable. */
    UNAVAILABLE(true);

    private final boolean transientError;

    ErrorCode(boolean transientError) {
        this.transientError = transientError;
    }

    /** Whether a retry of the same request can succeed. */
    public boolean isTransient() {
        return this.transientError;
    }
}
