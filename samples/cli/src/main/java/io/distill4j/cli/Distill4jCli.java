package io.distill4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.spring.inference.OpenInference;
import io.distill4j.spring.spec.DistillationSpecFileException;
import io.grpc.StatusRuntimeException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code distill4j} command line: one runnable jar for the platform.
 *
 * <pre>
 * java -jar samples/cli/target/distill4j.jar serve                         # the platform server
 * java -jar samples/cli/target/distill4j.jar distill samples/specs/intents.yaml
 * java -jar samples/cli/target/distill4j.jar infer --model intents "Where is my card?"
 * java -jar samples/cli/target/distill4j.jar --help                        # every command, every option
 * </pre>
 *
 * Commands: {@code serve}, {@code distill}, {@code jobs list|watch|cancel}, {@code models
 * list|load|unload|swap}, {@code infer} (gRPC or REST), {@code onnx inventory|check|quantize}, {@code analyze} (the
 * performance analyzer on a local model) and
 * {@code generate-completion} (a bash/zsh completion script). The exit statuses are in {@link ExitCodes}; errors
 * are one line on standard error that names the field or the server's status.
 */
@Command(name = "distill4j", mixinStandardHelpOptions = true, versionProvider = Distill4jCli.Version.class,
        description = "Distill small students from big teachers and serve them: the Distill4j platform.",
        subcommands = { ServeCommand.class, DistillCommand.class, JobsCommand.class, ModelsCommand.class,
            InferCommand.class, OnnxCommand.class, AnalyzeCommand.class, AutoComplete.GenerateCompletion.class },
        footer = { "", ExitCodes.HELP })
public final class Distill4jCli implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling; {@code execute} returns an {@link ExitCodes exit status}. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Distill4jCli());
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExitCodeExceptionMapper(ex -> ex instanceof ParameterException ? ExitCodes.USAGE : ExitCodes.FAILED);
        line.setExecutionExceptionHandler((ex, command, parseResult) -> report(ex, command.getErr()));
        return line;
    }

    /** Prints a failure as one line and returns its exit status. */
    static int report(Exception ex, PrintWriter err) {
        if (ex instanceof StatusRuntimeException status) {
            err.println(Channels.describe(status.getStatus()));
            return ExitCodes.FAILED;
        }
        if (ex instanceof DistillationSpecFileException || ex instanceof InvalidInputException) {
            err.println("error: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        if (ex instanceof Distill4jException typed) {
            err.println("error " + typed.code() + ": " + typed.getMessage());
            return ExitCodes.FAILED;
        }
        if (ex instanceof IOException || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException) {
            err.println("error: " + ex.getMessage());
            return ExitCodes.FAILED;
        }
        err.println("error: " + ex);
        return ExitCodes.FAILED;
    }

    @Override
    public void run() {
        throw missingCommand(this.spec);
    }

    /** What a command that groups others answers when none is given: the usage error naming them. */
    static ParameterException missingCommand(CommandSpec group) {
        return new ParameterException(group.commandLine(), "Give a command: "
                + String.join(", ", group.subcommands().keySet()));
    }

    /** The version of the jar (its manifest), or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] { "distill4j " + OpenInference.serverVersion() };
        }
    }
}
