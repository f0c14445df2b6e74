package io.distill4j.api.exception;

/** A model file or its manifest could not be read, parsed or opened as a session. */
public class ModelLoadException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    public ModelLoadException(String modelId, String message) {
        this(modelId, message, null);
    }

    public ModelLoadException(String modelId, String message, Throwable cause) {
        super(ErrorCode.MODEL_LOAD_FAILED, modelId, message, cause);
    }
}
