package io.distill4j.cli;

import picocli.CommandLine.Option;

/** The {@code --progress} option of the commands that follow a job, mixed in with {@code @Mixin}. */
final class ProgressOption {

    @Option(names = "--progress", paramLabel = "mode", defaultValue = "auto",
            description = "auto (a bar on a terminal, plain lines otherwise), bar, lines or none "
                    + "(default: ${DEFAULT-VALUE}).")
    JobProgress.Mode mode;

    /** Whether standard output is a terminal (decides {@code auto}). */
    static boolean terminal() {
        return System.console() != null;
    }
}
