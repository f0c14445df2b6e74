package io.distill4j.api.exception;

/** A model's request queue is full: the request was rejected at once rather than queued forever. */
public class ModelOverloadedException extends TransientException {

    private static final long serialVersionUID = 1L;

    public ModelOverloadedException(String modelId, String message) {
        super(ErrorCode.OVERLOADED, modelId, message);
    }
}
