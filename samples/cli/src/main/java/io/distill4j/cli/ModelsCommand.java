package io.distill4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import io.distill4j.api.grpc.inference.ModelRepositoryParameter;
import io.distill4j.api.grpc.inference.RepositoryIndexRequest;
import io.distill4j.api.grpc.inference.RepositoryIndexResponse;
import io.distill4j.api.grpc.inference.RepositoryModelLoadRequest;
import io.distill4j.api.grpc.inference.RepositoryModelUnloadRequest;
import io.distill4j.spring.inference.OpenInference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code distill4j models list|load|unload|swap}: the model repository of a running server through the Open
 * Inference Protocol's repository extension (load, unload and swap are admin calls).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "The models of a running server: list them; load, unload or swap versions (admin: --token).",
        subcommands = { ModelsCommand.List.class, ModelsCommand.Load.class, ModelsCommand.Unload.class,
            ModelsCommand.Swap.class },
        footer = { "", ExitCodes.HELP })
final class ModelsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Distill4jCli.missingCommand(this.spec);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every model in the server's repository: its served (or newest) version and its state.")
    static final class List implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                RepositoryIndexResponse index = connection.inference().repositoryIndex(RepositoryIndexRequest
                    .getDefaultInstance());
                System.out.printf(Locale.ROOT, "%-28s %-8s %-12s %s%n", "NAME", "VERSION", "STATE", "REASON");
                for (RepositoryIndexResponse.ModelIndex model : index.getModelsList()) {
                    System.out.printf(Locale.ROOT, "%-28s %-8s %-12s %s%n", model.getName(), model.getVersion(),
                            model.getState(), model.getReason());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Load a model's newest version, or hot-swap to it when an older one is served.")
    static final class Load implements Callable<Integer> {

        @Parameters(paramLabel = "name", description = "The model's name in the repository.")
        String name;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                connection.inference().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                    .setModelName(this.name).build());
                System.out.println("Loaded " + this.name);
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "swap", mixinStandardHelpOptions = true, description = "Serve another version of a model: "
            + "requests in flight finish on the old one, new ones go to the new one (no request is dropped).")
    static final class Swap implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "name", description = "The model's name in the repository.")
        String name;

        @Parameters(index = "1", paramLabel = "version", description = "The version to serve (a folder under the "
                + "model's).")
        long version;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                connection.inference().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                    .setModelName(this.name).putParameters(OpenInference.VERSION_PARAMETER, ModelRepositoryParameter.newBuilder()
                        .setInt64Param(this.version).build())
                    .build());
                System.out.println("Serving " + this.name + " version " + this.version);
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "unload", mixinStandardHelpOptions = true, description = "Stop serving a model (requests in "
            + "flight finish first).")
    static final class Unload implements Callable<Integer> {

        @Parameters(paramLabel = "name", description = "The model's name.")
        String name;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                connection.inference().repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                    .setModelName(this.name).build());
                System.out.println("Unloaded " + this.name);
                return ExitCodes.OK;
            }
        }
    }
}
