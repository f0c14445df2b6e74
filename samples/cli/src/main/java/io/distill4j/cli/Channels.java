package io.distill4j.cli;

import java.util.concurrent.TimeUnit;

import io.distill4j.api.exception.InvalidInputException;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;

/** What the server commands share: a plaintext channel, the bearer token, and how a failed call is printed. */
final class Channels {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private Channels() {
    }

    /**
     * A plaintext channel to {@code host:port} (the platform server speaks plaintext unless
     * {@code spring.grpc.server.ssl.*} is set). The caller shuts it down.
     * @throws InvalidInputException naming {@code --target} if it is not {@code host:port}
     */
    static ManagedChannel open(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new InvalidInputException(null, "--target", "must be host:port, got '" + target + "'");
        }
        try {
            int port = Integer.parseInt(target.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        }
        catch (NumberFormatException ex) {
            throw new InvalidInputException(null, "--target", "needs a port from 1 to 65535, got '" + target + "'");
        }
        return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    }

    /** Sends {@code authorization: Bearer <token>} with every call. */
    static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** A failed call as one line: its status code and description. */
    static String describe(Status status) {
        return "error " + status.getCode() + (status.getDescription() != null ? ": " + status.getDescription()
                : status.getCause() != null ? ": " + status.getCause() : "");
    }

    /** Shuts a channel down, waiting briefly for calls in flight. */
    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
