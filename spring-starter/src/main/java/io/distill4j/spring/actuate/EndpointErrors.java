package io.distill4j.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.distill4j.api.exception.Distill4jException;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The one mapping of Distill4j's errors to HTTP statuses for the admin endpoints, with a body that names the
 * code and carries the message (which names the field and the limit):
 *
 * <pre>
 * MODEL_NOT_FOUND -> 404   INVALID_INPUT, IllegalArgumentException -> 400
 * MODEL_LOAD_FAILED, INCOMPATIBLE_MODEL -> 422   transient (OVERLOADED, TIMEOUT, UNAVAILABLE) -> 503
 * any other Distill4j error -> 500
 * </pre>
 */
final class EndpointErrors {

    static final int UNPROCESSABLE = 422;

    private EndpointErrors() {
    }

    /** The operation's result with status 200, or its failure mapped; {@code null} results become 404. */
    static <T> WebEndpointResponse<Object> respond(Supplier<T> operation, String notFound) {
        T result;
        try {
            result = operation.get();
        }
        catch (Distill4jException ex) {
            return error(status(ex), ex.code().name(), ex.getMessage());
        }
        catch (IllegalArgumentException ex) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "INVALID_INPUT", ex.getMessage());
        }
        if (result == null) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "NOT_FOUND", notFound);
        }
        return new WebEndpointResponse<>(result, WebEndpointResponse.STATUS_OK);
    }

    static int status(Distill4jException failure) {
        if (failure.isTransient()) {
            return WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE;
        }
        return switch (failure.code()) {
            case MODEL_NOT_FOUND -> WebEndpointResponse.STATUS_NOT_FOUND;
            case INVALID_INPUT -> WebEndpointResponse.STATUS_BAD_REQUEST;
            case MODEL_LOAD_FAILED, INCOMPATIBLE_MODEL -> UNPROCESSABLE;
            default -> WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR;
        };
    }

    private static WebEndpointResponse<Object> error(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", code);
        body.put("message", message);
        return new WebEndpointResponse<>(body, status);
    }
}
