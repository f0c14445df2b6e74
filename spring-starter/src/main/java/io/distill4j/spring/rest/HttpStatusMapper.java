package io.distill4j.spring.rest;

import io.distill4j.api.exception.Distill4jException;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The one place where Distill4j's exception hierarchy becomes HTTP statuses, for the REST binding — the same
 * split as {@code GrpcStatusMapper}'s, through the usual gRPC-to-HTTP correspondence:
 *
 * <pre>
 * INVALID_INPUT          -> 400 Bad Request          MODEL_NOT_FOUND     -> 404 Not Found
 * MODEL_LOAD_FAILED      -> 400 (failed precondition) INCOMPATIBLE_MODEL -> 400 (failed precondition)
 * INFERENCE_FAILED       -> 500                      DISTILLATION_FAILED -> 409 Conflict (aborted)
 * DISTILLATION_CANCELLED -> 499 (client closed)      OVERLOADED          -> 429 Too Many Requests
 * TIMEOUT                -> 504 Gateway Timeout      UNAVAILABLE         -> 503 Service Unavailable
 * IllegalArgumentException -> 400;   ResponseStatusException -> its status and reason (403 for admin calls)
 * anything else -> 500 ("internal error", no details)
 * </pre>
 *
 * 429 and 503 are the statuses a client may retry (the answer carries {@code Retry-After}); a server that is
 * shutting down refuses new inference requests with 503
 * ({@link io.distill4j.api.exception.ServerShuttingDownException}, code {@code UNAVAILABLE}).
 */
public final class HttpStatusMapper {

    /** nginx's "client closed request", the usual HTTP form of gRPC's CANCELLED. */
    static final int CLIENT_CLOSED_REQUEST = 499;

    private HttpStatusMapper() {
    }

    /** The status code for a failure. */
    public static int status(Throwable failure) {
        if (failure instanceof ResponseStatusException status) {
            return status.getStatusCode().value();
        }
        if (failure instanceof Distill4jException distill4j) {
            return switch (distill4j.code()) {
                case INVALID_INPUT, MODEL_LOAD_FAILED, INCOMPATIBLE_MODEL -> HttpStatus.BAD_REQUEST.value();
                case MODEL_NOT_FOUND -> HttpStatus.NOT_FOUND.value();
                case INFERENCE_FAILED -> HttpStatus.INTERNAL_SERVER_ERROR.value();
                case DISTILLATION_FAILED -> HttpStatus.CONFLICT.value();
                case DISTILLATION_CANCELLED -> CLIENT_CLOSED_REQUEST;
                case OVERLOADED -> HttpStatus.TOO_MANY_REQUESTS.value();
                case TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT.value();
                case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE.value();
            };
        }
        if (failure instanceof IllegalArgumentException) {
            return HttpStatus.BAD_REQUEST.value();
        }
        return HttpStatus.INTERNAL_SERVER_ERROR.value();
    }

    /**
     * The message a client may see: a Distill4j exception's (which names the field and the limit), prefixed with
     * its subject; an unexpected exception's message is not sent.
     */
    public static String message(Throwable failure) {
        if (failure instanceof ResponseStatusException status) {
            return status.getReason();
        }
        if (failure instanceof Distill4jException distill4j) {
            return distill4j.subject().map(subject -> subject + ": ").orElse("") + distill4j.getMessage();
        }
        if (failure instanceof IllegalArgumentException) {
            return failure.getMessage();
        }
        return "internal error";
    }

    /** Whether a client may retry the request later. */
    public static boolean retryable(int status) {
        return status == HttpStatus.TOO_MANY_REQUESTS.value() || status == HttpStatus.SERVICE_UNAVAILABLE.value();
    }
}
