package io.distill4j.api.exception;

/** A model does not fit its declared use: wrong task, missing input or output, unsupported operator. */
public class IncompatibleModelException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    public IncompatibleModelException(String modelId, String message) {
        super(ErrorCode.INCOMPATIBLE_MODEL, modelId, message);
    }
}
