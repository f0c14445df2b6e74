package io.distill4j.api.exception;

/**
 * The server is shutting down and takes no new requests ({@link ErrorCode#UNAVAILABLE}): nothing of the request
 * ran, so the same request succeeds on another replica, or on this one once it is back. Requests already running
 * when the refusals began still finish.
 */
public class ServerShuttingDownException extends TransientException {

    private static final long serialVersionUID = 1L;

    /**
     * @param modelId the model the refused request named, or {@code null}
     * @param message what was refused and what to do instead
     */
    public ServerShuttingDownException(String modelId, String message) {
        super(ErrorCode.UNAVAILABLE, modelId, message);
    }
}
