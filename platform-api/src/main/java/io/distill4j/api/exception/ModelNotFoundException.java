package io.distill4j.api.exception;

/** No model (or model version) of the requested name is in the repository or loaded. */
public class ModelNotFoundException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String modelId, String message) {
        super(ErrorCode.MODEL_NOT_FOUND, modelId, message);
    }
}
