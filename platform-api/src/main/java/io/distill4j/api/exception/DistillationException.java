package io.distill4j.api.exception;

/** A distillation job failed; the subject is the job id. */
public class DistillationException extends NonTransientException {

    private static final long serialVersionUID = 1L;

    public DistillationException(String jobId, String message, Throwable cause) {
        super(ErrorCode.DISTILLATION_FAILED, jobId, message, cause);
    }
}
