package io.distill4j.api.exception;

import java.util.Objects;
import java.util.Optional;

/**
 * Root of the Distill4j exception hierarchy. Unchecked; split by {@link TransientException} (a retry
 * can help) and {@link NonTransientException} (it cannot).
 */
public abstract class Distill4jException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    private final String subject;

    /**
     * @param code machine-readable reason
     * @param subject the model id ({@code name/version} or name) or job id this is about, or {@code null}
     * @param message human-readable message naming the field and the limit where one applies
     * @param cause underlying (often native) error, or {@code null}
     */
    protected Distill4jException(ErrorCode code, String subject, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.subject = subject;
    }

    /** The machine-readable reason. */
    public ErrorCode code() {
        return this.code;
    }

    /** The model or job this error is about, if any. */
    public Optional<String> subject() {
        return Optional.ofNullable(this.subject);
    }

    /** Whether a retry of the same request can succeed. */
    public boolean isTransient() {
        return this.code.isTransient();
    }
}
