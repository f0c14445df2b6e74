package io.distill4j.api.exception;

/** A failure that a later retry of the same request can overcome: overload, timeout, device busy. */
public class TransientException extends Distill4jException {

    private static final long serialVersionUID = 1L;

    public TransientException(ErrorCode code, String subject, String message) {
        this(code, subject, message, null);
    }

    public TransientException(ErrorCode code, String subject, String message, Throwable cause) {
        super(requireTransient(code), subject, message, cause);
    }

    private static ErrorCode requireTransient(ErrorCode code) {
        if (!code.isTransient()) {
            throw new IllegalArgumentException(code + " is not a transient error code");
        }
        return code;
    }
}
