package io.distill4j.api.exception;

/** A failure that repeating the same request cannot fix: bad input, missing or broken model. */
public class NonTransientException extends Distill4jException {

    private static final long serialVersionUID = 1L;

    public NonTransientException(ErrorCode code, String subject, String message) {
        this(code, subject, message, null);
    }

    public NonTransientException(ErrorCode code, String subject, String message, Throwable cause) {
        super(requireNonTransient(code), subject, message, cause);
    }

    private static ErrorCode requireNonTransient(ErrorCode code) {
        if (code.isTransient()) {
            throw new IllegalArgumentException(code + " is a transient error code");
        }
        return code;
    }
}
