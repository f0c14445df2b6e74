package io.distill4j.api.exception;

/**
 * A distillation job ended {@code CANCELLED} instead of producing a result: its owner called
 * {@code cancel()}, the thread blocked in {@code Distiller.distill} was interrupted, or the distiller
 * was closed. The subject is the job id; the code is {@link ErrorCode#DISTILLATION_CANCELLED}, so a
 * transport can tell it apart from a failure (gRPC {@code CANCELLED} rather than an error).
 */
public class DistillationCancelledException extends DistillationException {

    private static final long serialVersionUID = 1L;

    public DistillationCancelledException(String jobId, String message) {
        this(jobId, message, null);
    }

    public DistillationCancelledException(String jobId, String message, Throwable cause) {
        super(ErrorCode.DISTILLATION_CANCELLED, jobId, message, cause);
    }
}
