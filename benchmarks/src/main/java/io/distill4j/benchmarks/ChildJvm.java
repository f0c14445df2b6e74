package io.distill4j.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts the JVMs a cold-start benchmark measures, with the {@code java} launcher of the JVM that runs the
 * benchmark, and makes sure none outlives it: a child still running when the benchmark's JVM exits (an error, a
 * Ctrl-C) is killed by a shutdown hook, so that a half-started server does not keep a shared machine's cores
 * and ports.
 */
final class ChildJvm {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "cold-start-children"));
    }

    private ChildJvm() {
    }

    /** The {@code java} launcher of this JVM. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Starts a command; its standard output and error go together to {@code log} (replaced) unless
     * {@code log} is null, in which case they are left to the caller as {@link Process#getInputStream()}.
     * @param environment variables added to this JVM's environment
     */
    static Process start(List<String> command, Path directory, Map<String, String> environment, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        try {
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return process;
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot start " + String.join(" ", command), ex);
        }
    }

    /**
     * Waits for a process to exit.
     * @return its exit status, or empty if it still ran after {@code timeoutMillis} (it is then left running)
     */
    static OptionalInt waitFor(Process process, long timeoutMillis) {
        try {
            return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                    : OptionalInt.empty();
        }
        catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
    }

    /** Runs a command to its end, for at most {@code timeoutMillis}, its output in {@code log}. */
    static int run(List<String> command, Path directory, Path log, long timeoutMillis) {
        Process process = start(command, directory, Map.of(), log);
        OptionalInt status = waitFor(process, timeoutMillis);
        if (status.isEmpty()) {
            process.destroyForcibly();
            throw new BenchmarkException(String.join(" ", command) + " did not end within " + timeoutMillis
                    + " ms; its output:\n" + tail(log, 30));
        }
        return status.getAsInt();
    }

    /** The last lines of a log, for an error message. */
    static String tail(Path log, int lines) {
        List<String> all = lines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Every line of a log; none if it cannot be read. */
    static List<String> lines(Path log) {
        if (log == null || !Files.isReadable(log)) {
            return new ArrayList<>();
        }
        try {
            // Decoded leniently: a native library may write bytes that are not UTF-8.
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .collect(Collectors.toCollection(ArrayList::new));
        }
        catch (IOException ex) {
            return new ArrayList<>(List.of("(cannot read " + log + ": " + ex.getMessage() + ")"));
        }
    }
}
