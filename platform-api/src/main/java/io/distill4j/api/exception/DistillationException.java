package io.distill4j.api.exception;

/**
 * A distillation job failed; the subject is the job id. The cause, where there is one, is the error
 * that stopped the job (a bad data row, a model that could not be loaded, a native failure).
 */
public class DistillationException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    public DistillationException(String jobId, String message, Throwable cause) {
        this(ErrorCode.DISTILLATION_FAILED, jobId, message, cause);
    }

    /** For subclasses that carry a more specific code, e.g. {@link DistillationCancelledException}. */
    protected DistillationException(ErrorCode code, String jobId, String message, Throwable cause) {
        super(code, jobId, message, cause);
    }
}
