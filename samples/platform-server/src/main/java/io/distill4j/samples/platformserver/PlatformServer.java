package io.distill4j.samples.platformserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.samples.grpcclients.JobProgressBar;
import io.distill4j.spring.grpc.DistillationMessages;
import io.distill4j.spring.spec.DistillationSpecFileException;
import io.distill4j.spring.spec.DistillationSpecFiles;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * The Distill4j platform server: a Spring Boot application on the starter. With no configuration it
 * serves the embedded default: if the model repository ({@code distill4j.inference.model-repository},
 * {@code ./models}) is empty, all-MiniLM-L6-v2 (ONNX and tokenizer.json, from the registry jar on the class
 * path) is installed into it as {@code minilm/1}; every model in the repository is loaded, and Spring
 * Boot's gRPC server answers the Open Inference Protocol v2 on {@code spring.grpc.server.port} (9090). The
 * admin endpoints (actuator: health, info, models, distillations, prometheus) answer on
 * {@code management.server.port} (9091) only; those past health and info need
 * {@code distill4j.security.admin.*}.
 *
 * <pre>
 * mvn -Prun -DskipTests verify                                   # from the repository root
 * mvn -Prun -DskipTests verify -Ddistill4j.inference.model-repository=/srv/models -Dspring.grpc.server.port=8001
 * java -jar samples/platform-server/target/distill4j-platform-server.jar --spring.grpc.server.port=8001
 * </pre>
 *
 * (The {@code run} profile starts it inside Maven's JVM, so {@code -D} settings reach Spring as system
 * properties; with {@code java -jar} on the executable jar this module builds they are {@code --name=value}
 * arguments.) DJL runs offline ({@code ai.djl.offline=true}, its native library comes from the class path)
 * unless the system property says otherwise.
 *
 * <p>On {@code SIGTERM} it leaves without dropping a request (see
 * {@link io.distill4j.spring.lifecycle.ServingShutdown}): readiness goes down, new inference requests are refused
 * with the retryable status, requests in flight finish, then the servers stop and the engine closes.
 *
 * <p>{@code --distill spec.yaml} (a spec file as {@link DistillationSpecFiles} reads it; its paths resolve
 * against the working directory) runs a distillation once the server is up, with a progress bar: the
 * student is registered in the model repository and loaded, so the server serves it, and keeps serving.
 * A spec that cannot be read stops the start before anything loads (exit status 2); a distillation that
 * fails or is cancelled stops the server (exit status 1).
 *
 * <pre>
 * mvn -Prun -DskipTests verify -Dexec.args="--distill samples/specs/intents.yaml"
 * java -jar samples/platform-server/target/distill4j-platform-server.jar --distill samples/specs/intents.yaml
 * </pre>
 */
@SpringBootApplication
public class PlatformServer {

    /** The option that names a spec file to distill once the server is up. */
    public static final String DISTILL_OPTION = "--distill";

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            start(args);
        }
        catch (InvalidInputException ex) {
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
        }
        catch (Distill4jException ex) {
            System.err.println("error " + ex.code() + ": " + ex.getMessage());
            System.exit(1);
        }
    }

    /**
     * Starts the server and, with {@code --distill spec.yaml} (or {@code --distill=spec.yaml}), runs that
     * distillation and serves its student before returning; the caller closes the returned context to stop
     * the server. Other arguments go to Spring Boot.
     * @throws InvalidInputException naming the file and the field if the spec cannot be read or is invalid
     * (before the server starts)
     * @throws io.distill4j.api.exception.DistillationException if the distillation fails (the server is
     * stopped), or {@link io.distill4j.api.exception.DistillationCancelledException} if it is cancelled
     */
    public static ConfigurableApplicationContext start(String... args) {
        List<String> springArgs = new ArrayList<>();
        Optional<Path> specFile = distillOption(args, springArgs);
        // Read and check the spec first: a typo should not cost a server start.
        Optional<DistillationSpec> spec = specFile.map(PlatformServer::readSpec);
        SpringApplication application = new SpringApplication(PlatformServer.class);
        // Before any bean exists: seed an empty repository so that the engine finds the default model.
        application.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> installDefaultModelIfEmpty(
                Path.of(event.getEnvironment().getProperty("distill4j.inference.model-repository", "models"))
                    .toAbsolutePath()));
        ConfigurableApplicationContext context = application.run(springArgs.toArray(String[]::new));
        if (spec.isPresent()) {
            try {
                distillAndServe(context, spec.get(), System.out);
            }
            catch (RuntimeException ex) {
                context.close();
                throw ex;
            }
        }
        return context;
    }

    /** Takes {@code --distill <file>} out of the arguments; the rest go to {@code springArgs}. */
    private static Optional<Path> distillOption(String[] args, List<String> springArgs) {
        Path spec = null;
        for (int i = 0; i < args.length; i++) {
            String value;
            if (args[i].equals(DISTILL_OPTION)) {
                if (i + 1 == args.length) {
                    throw new InvalidInputException(null, DISTILL_OPTION, "needs a spec file");
                }
                value = args[++i];
            }
            else if (args[i].startsWith(DISTILL_OPTION + "=")) {
                value = args[i].substring(DISTILL_OPTION.length() + 1);
            }
            else {
                springArgs.add(args[i]);
                continue;
            }
            if (spec != null) {
                throw new InvalidInputException(null, DISTILL_OPTION, "is given twice");
            }
            spec = Path.of(value);
        }
        return Optional.ofNullable(spec);
    }

    /**
     * The API spec of a spec file. Its paths resolve against the working directory; unlike a spec that
     * arrives over gRPC, one given on the server's own command line may name any file the process can read.
     */
    static DistillationSpec readSpec(Path file) {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("").toAbsolutePath());
        FileSystems.getDefault().getRootDirectories().forEach(roots::add);
        io.distill4j.api.grpc.distill.v1.DistillationSpec message = DistillationSpecFiles.read(file);
        try {
            return new DistillationMessages(roots).toSpec(message);
        }
        catch (InvalidInputException ex) {
            // The same checks a gRPC Submit gets (teacher and train file required, the API's limits), by file.
            String prefix = ex.field() + ": ";
            throw new DistillationSpecFileException(file, ex.field(), ex.getMessage().startsWith(prefix)
                    ? ex.getMessage().substring(prefix.length()) : ex.getMessage());
        }
    }

    /**
     * Runs a distillation on the server's {@link Distiller} with a progress bar on {@code out}, then loads the
     * registered student into the engine so that it is served.
     * @return the result
     */
    static DistillationResult distillAndServe(ConfigurableApplicationContext context, DistillationSpec spec,
            PrintStream out) {
        DistillationJob job = context.getBean(Distiller.class).submit(spec);
        out.println("Distilling " + spec.name() + " (job " + job.id() + ")");
        DistillationResult result;
        try (JobProgressBar bar = JobProgressBar.start(spec.name(), out)) {
            DistillationJob.Subscription subscription = job.subscribe(event -> bar.update(event.state().name(),
                    event.stage().name(), event.step(), event.totalSteps(), event.fraction(), event.metrics(),
                    event.eta().map(Duration::toSeconds).orElse(-1L)));
            try {
                result = job.await();
            }
            finally {
                subscription.close();
            }
        }
        out.println(result.summary());
        result.registeredModel().ifPresent(name -> {
            InferenceEngine engine = context.getBeanProvider(InferenceEngine.class).getIfAvailable();
            if (engine == null) {
                out.println("Registered " + name + "; no inference engine in this server to serve it");
                return;
            }
            ModelDescriptor model = engine.load(name);
            out.printf("Serving %s  %s  provider=%s  %s%n", model.id(), model.task().id(), model.executionProvider(),
                    model.description());
        });
        return result;
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
