package io.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.SubmitRequest;
import io.distill4j.spring.spec.DistillationSpecFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code distill4j distill spec.yaml}: distils a student from a spec file — in this process by default (the
 * student is registered into {@code --repository}), or on a running server with {@code --target} (the
 * spec's paths are then paths on the server). Progress is a bar on a terminal and plain, rate-limited lines
 * in a pipe or a log; the summary is printed once at the end.
 */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Distil a student from a spec file (YAML: the DistillationSpec message, see samples/specs).",
            "In this process by default; on a running server with --target (and its admin --token)." },
        footer = { "", ExitCodes.HELP })
final class DistillCommand implements Callable<Integer> {

    @Parameters(paramLabel = "spec.yaml", description = "The spec file; its relative paths resolve against the "
            + "working directory (with --target: against the server's first distill4j.distill.data-roots).")
    Path specFile;

    @Option(names = "--repository", paramLabel = "dir", defaultValue = "models",
            description = "The model repository the student is registered into, in this process "
                    + "(default: ${DEFAULT-VALUE}).")
    Path repository;

    @Option(names = "--work-directory", paramLabel = "dir", defaultValue = "distill4j-work",
            description = "Job outputs, reports, checkpoints and the soft-target cache, in this process "
                    + "(default: ${DEFAULT-VALUE}).")
    Path workDirectory;

    @Mixin
    ProgressOption progress;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        boolean terminal = ProgressOption.terminal();
        if (this.server.targetGiven()) {
            io.distill4j.api.grpc.distill.v1.DistillationSpec spec = DistillationSpecFiles.read(this.specFile);
            try (ServerOptions.Connection connection = this.server.connect()) {
                Job job = connection.jobs().submit(SubmitRequest.newBuilder().setSpec(spec).build());
                System.out.println("Submitted distillation job " + job.getId() + " (" + job.getName() + ")");
                return new RemoteJobs(connection, System.out, System.err).follow(job, this.progress.mode, terminal, true,
                        true);
            }
        }
        DistillationSpec spec = LocalSpecs.read(this.specFile);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(InProcess.class)
            .web(WebApplicationType.NONE).logStartupInfo(false)
            // As arguments: they must win over any application.properties on the class path.
            .run("--distill4j.serving.enabled=false", "--distill4j.inference.enabled=false",
                    "--distill4j.inference.model-repository=" + this.repository.toAbsolutePath(),
                    "--distill4j.distill.work-directory=" + this.workDirectory.toAbsolutePath())) {
            LocalDistillation.run(context.getBean(Distiller.class), null, spec, this.progress.mode, terminal, System.out);
        }
        return ExitCodes.OK;
    }

    /** The starter's distiller alone: no engine, no server. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class InProcess {
    }
}
