package io.distill4j.spring.grpc;

import java.util.function.Supplier;

import io.distill4j.api.exception.Distill4jException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import org.springframework.util.ClassUtils;

/**
 * The one place where Distill4j's exception hierarchy becomes gRPC status codes:
 *
 * <pre>
 * INVALID_INPUT          -> INVALID_ARGUMENT      MODEL_NOT_FOUND    -> NOT_FOUND
 * MODEL_LOAD_FAILED      -> FAILED_PRECONDITION   INCOMPATIBLE_MODEL -> FAILED_PRECONDITION
 * INFERENCE_FAILED       -> INTERNAL              DISTILLATION_FAILED -> ABORTED
 * DISTILLATION_CANCELLED -> CANCELLED             OVERLOADED         -> RESOURCE_EXHAUSTED
 * TIMEOUT                -> DEADLINE_EXCEEDED     UNAVAILABLE        -> UNAVAILABLE
 * IllegalArgumentException -> INVALID_ARGUMENT;   anything else -> INTERNAL ("internal error", no details)
 * Spring Security: AuthenticationException -> UNAUTHENTICATED, AccessDeniedException -> PERMISSION_DENIED
 * </pre>
 *
 * A Distill4j exception's message (which names the field and the limit) becomes the status description,
 * prefixed with its subject (model or job) when it has one; an unexpected exception's message is not sent
 * to the client, which may be outside the trust boundary. A server that is shutting down refuses new inference
 * calls with {@code UNAVAILABLE} ({@link io.distill4j.api.exception.ServerShuttingDownException}), which a client
 * retries on another replica.
 */
public final class GrpcStatusMapper {

    private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
            "org.springframework.security.core.AuthenticationException", GrpcStatusMapper.class.getClassLoader());

    private GrpcStatusMapper() {
    }

    /** The status for a failure. */
    public static Status toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status.getStatus();
        }
        if (failure instanceof Distill4jException distill4j) {
            Status status = switch (distill4j.code()) {
                case INVALID_INPUT -> Status.INVALID_ARGUMENT;
                case MODEL_NOT_FOUND -> Status.NOT_FOUND;
                case MODEL_LOAD_FAILED, INCOMPATIBLE_MODEL -> Status.FAILED_PRECONDITION;
                case INFERENCE_FAILED -> Status.INTERNAL;
                case DISTILLATION_FAILED -> Status.ABORTED;
                case DISTILLATION_CANCELLED -> Status.CANCELLED;
                case OVERLOADED -> Status.RESOURCE_EXHAUSTED;
                case TIMEOUT -> Status.DEADLINE_EXCEEDED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
            };
            return status.withDescription(distill4j.subject().map(subject -> subject + ": ").orElse("")
                    + distill4j.getMessage());
        }
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
        }
        Status security = securityStatus(failure);
        return security != null ? security : Status.INTERNAL.withDescription("internal error");
    }

    /**
     * The status of a Spring Security failure (its message, which names the method and what it needs, is the
     * description), or {@code null} for any other failure or without Spring Security on the class path.
     */
    public static Status securityStatus(Throwable failure) {
        return SECURITY_PRESENT ? SecurityStatuses.of(failure) : null;
    }

    /** The status as an exception to hand to a {@code StreamObserver}. */
    public static StatusRuntimeException toException(Throwable failure) {
        return toStatus(failure).withCause(failure).asRuntimeException();
    }

    /**
     * Answers a unary call: the value, or the failure mapped to its status. The services' only way to reply.
     */
    static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        }
        catch (RuntimeException ex) {
            response.onError(toException(ex));
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    /** Loaded only when Spring Security is on the class path. */
    private static final class SecurityStatuses {

        static Status of(Throwable failure) {
            if (failure instanceof org.springframework.security.core.AuthenticationException) {
                return Status.UNAUTHENTICATED.withDescription(failure.getMessage());
            }
            if (failure instanceof org.springframework.security.access.AccessDeniedException) {
                return Status.PERMISSION_DENIED.withDescription(failure.getMessage());
            }
            return null;
        }
    }
}
