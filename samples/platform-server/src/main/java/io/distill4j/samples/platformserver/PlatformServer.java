package io.distill4j.samples.platformserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * The Distill4j platform server: a Spring Boot application on the server starter. With no configuration it
 * serves the embedded default: if the model repository ({@code distill4j.inference.model-repository},
 * {@code ./models}) is empty, all-MiniLM-L6-v2 (ONNX and tokenizer.json, from the registry jar on the class
 * path) is installed into it as {@code minilm/1}; every model in the repository is loaded, and the Open
 * Inference Protocol v2 is served over gRPC on {@code spring.grpc.server.port} (9090) and over REST on
 * {@code server.port} (8080, under {@code /v2}). The admin endpoints (actuator: health, info, models,
 * distillations, prometheus) answer on {@code management.server.port} (9091) only; those past health and info
 * need {@code distill4j.security.admin.*}.
 *
 * <pre>
 * java -jar samples/cli/target/distill4j.jar serve [--distill spec.yaml] [--name=value ...]
 * </pre>
 *
 * Settings are Spring Boot's {@code --name=value} arguments (or environment variables, e.g. in a container).
 * DJL runs offline ({@code ai.djl.offline=true}, its native library comes from the class path) unless the
 * system property says otherwise.
 *
 * <p>On {@code SIGTERM} it leaves without dropping a request (see
 * {@link io.distill4j.spring.lifecycle.ServingShutdown}): readiness goes down, new inference requests are refused
 * with the retryable status, requests in flight finish, then the servers stop and the engine closes.
 */
@SpringBootApplication
public class PlatformServer {

    public static void main(String[] args) {
        start(args);
    }

    /**
     * Starts the server with Spring Boot's arguments; the caller closes the returned context to stop it (a
     * SIGTERM closes it too).
     */
    public static ConfigurableApplicationContext start(String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        SpringApplication application = new SpringApplication(PlatformServer.class);
        // Before any bean exists: seed an empty repository so that the engine finds the default model.
        application.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> installDefaultModelIfEmpty(
                Path.of(event.getEnvironment().getProperty("distill4j.inference.model-repository", "models"))
                    .toAbsolutePath()));
        return application.run(args);
    }

    /** One line per model and the port, once the gRPC server listens. */
    @Bean
    ApplicationListener<GrpcServerStartedEvent> announceServing(InferenceEngine engine) {
        return event -> {
            System.out.println();
            System.out.println("Distill4j serves the Open Inference Protocol v2 (gRPC) on port " + event.getPort());
            for (ModelDescriptor model : engine.loadedModels()) {
                System.out.printf("  %-20s %-20s provider=%s  %s%n", model.id(), model.task().id(),
                        model.executionProvider(), model.description());
            }
        };
    }

    /** Installs all-MiniLM-L6-v2 from the class path as {@code minilm/1} if the repository holds nothing. */
    static void installDefaultModelIfEmpty(Path repository) {
        try {
            Files.createDirectories(repository);
            try (var entries = Files.list(repository)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
            }
            Path dir = Files.createDirectories(repository.resolve("minilm").resolve("1"));
            copyResource("all-minilm-l6-v2.onnx", dir.resolve("model.onnx"));
            copyResource("all-minilm-l6-v2-tokenizer.json", dir.resolve("tokenizer.json"));
            Files.writeString(dir.resolve("model.json"), """
                    {
                      "task": "text-embedding",
                      "description": "all-MiniLM-L6-v2 sentence embeddings (embedded default)",
                      "tokenizer": "tokenizer.json",
                      "maxSequenceLength": 256,
                      "pooling": "mean",
                      "normalize": true
                    }
                    """);
            System.out.println("Installed the embedded default model minilm/1 into " + repository);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot install the default model into " + repository, ex);
        }
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = PlatformServer.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
