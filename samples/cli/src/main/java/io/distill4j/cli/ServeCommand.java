package io.distill4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.samples.platformserver.PlatformServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * {@code distill4j serve}: starts the platform server in this JVM ({@link PlatformServer}) and runs until it
 * is stopped (Ctrl-C or SIGTERM). With {@code --distill spec.yaml} it first checks the spec (an invalid one
 * stops the start before anything loads), and once the server is up distils it, shows the progress, prints
 * the summary and serves the student. Spring Boot settings follow as {@code --name=value}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Start the platform server: the Open Inference Protocol v2 over gRPC (port 9090) and REST "
                + "(port 8080, /v2), the distillation-job service, and the admin endpoints (port 9091).",
            "With an empty model repository it installs and serves all-MiniLM-L6-v2 as minilm." },
        footer = { "", "Any Spring Boot setting as --name=value, e.g. --spring.grpc.server.port=8001 "
                + "--server.port=8002 --distill4j.inference.model-repository=/srv/models "
                + "--distill4j.security.admin.token=secret (see the README's configuration table).", "",
            ExitCodes.HELP })
final class ServeCommand implements Callable<Integer> {

    private static final String SERVER_LOG_LEVEL = "logging.level.io.distill4j";

    @Spec
    CommandSpec spec;

    @Option(names = "--distill", paramLabel = "spec.yaml",
            description = "Distil this spec file once the server is up (its paths relative to the working "
                    + "directory), then serve the student.")
    Path distill;

    @Mixin
    ProgressOption progress;

    @Unmatched
    List<String> springArguments = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        for (String argument : this.springArguments) {
            if (!argument.startsWith("--") || !argument.contains("=")) {
                throw new ParameterException(this.spec.commandLine(),
                        "Unknown argument '" + argument + "': settings are --name=value");
            }
        }
        // Read and check the spec first: a typo should not cost a server start.
        DistillationSpec spec = this.distill != null ? LocalSpecs.read(this.distill) : null;
        // The server's own log at INFO (the command line's default is WARN); a --logging.level setting wins.
        if (System.getProperty(SERVER_LOG_LEVEL) == null) {
            System.setProperty(SERVER_LOG_LEVEL, "INFO");
        }
        ConfigurableApplicationContext context = PlatformServer.start(this.springArguments.toArray(String[]::new));
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        if (spec != null) {
            try {
                LocalDistillation.run(context.getBean(Distiller.class),
                        context.getBeanProvider(InferenceEngine.class).getIfAvailable(), spec, this.progress.mode,
                        ProgressOption.terminal(), System.out);
            }
            catch (RuntimeException ex) {
                context.close();
                throw ex;
            }
        }
        // Until Ctrl-C / SIGTERM closes the context. The event comes as the close begins; closing again waits
        // (on the context's own lock) until the drain is done, so that main never exits under it.
        closed.await();
        context.close();
        return ExitCodes.OK;
    }
}
