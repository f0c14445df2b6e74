package io.distill4j.api.exception;

/** The runtime failed while executing a model on input that had passed validation. */
public class InferenceFailedException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    public InferenceFailedException(String modelId, String message, Throwable cause) {
        super(ErrorCode.INFERENCE_FAILED, modelId, message, cause);
    }
}
