package io.distill4j.spring.server;

/**
 * Marks the server starter on the class path: its presence switches Distill4j's serving on (the gRPC
 * services and the REST binding), as the presence of a web server switches Spring Boot's on. An application
 * that sets {@code distill4j.serving.enabled} (or a transport's {@code distill4j.grpc.enabled} /
 * {@code distill4j.rest.enabled}) decides for itself either way.
 */
public final class Distill4jServer {

    private Distill4jServer() {
    }
}
