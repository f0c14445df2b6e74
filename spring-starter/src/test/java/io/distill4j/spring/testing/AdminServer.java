package io.distill4j.spring.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * A real application on the starter, every auto-configuration on the test class path included: the gRPC
 * server and the management server (actuator over Spring MVC on Tomcat) each on a free port, plus an HTTP
 * client for the management port.
 */
public final class AdminServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * Starts the application with these properties (plus serving on, as the server starter would switch it, and
     * free ports for every server).
     */
    public static AdminServer start(String... properties) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
            .properties("distill4j.serving.enabled=true", "server.port=0", "management.server.port=0",
                    "spring.grpc.server.port=0", "spring.main.banner-mode=off")
            .properties(properties)
            .run();
        return new AdminServer(context);
    }

    public ConfigurableApplicationContext context() {
        return this.context;
    }

    public int managementPort() {
        return Integer.parseInt(this.context.getEnvironment().getRequiredProperty("local.management.port"));
    }

    /** The application's own port (Spring MVC), where the REST binding answers. */
    public int serverPort() {
        return Integer.parseInt(this.context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    public int grpcPort() {
        return this.context.getBean(GrpcServerLifecycle.class).getPort();
    }

    /** Sends a request to the management port; {@code authorization} and {@code json} may be null. */
    public HttpResponse<String> send(String method, String path, String authorization, String json)
            throws IOException, InterruptedException {
        return send(managementPort(), method, path, authorization, json);
    }

    /** Sends a request to {@code port}; {@code authorization} and {@code json} may be null. */
    public HttpResponse<String> send(int port, String method, String path, String authorization, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code Basic base64(user:password)}. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        this.context.close();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {
    }
}
