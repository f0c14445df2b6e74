package io.distill4j.api.exception;

/**
 * A request was rejected before any native call: a field is missing, of the wrong type, rank or
 * shape, not valid UTF-8, or over a limit. The message names the field and the limit.
 */
public class InvalidInputException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param modelId the model the request was for, or {@code null}
     * @param field the offending field, e.g. {@code texts[3]} or {@code inputs.input_ids.shape}
     * @param message what is wrong and which limit applies
     */
    public InvalidInputException(String modelId, String field, String message) {
        super(ErrorCode.INVALID_INPUT, modelId, field + ": " + message);
        this.field = field;
    }

    /** The offending field. */
    public String field() {
        return this.field;
    }
}
