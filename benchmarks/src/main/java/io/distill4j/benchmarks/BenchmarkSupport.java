package io.distill4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/** What every benchmark's main class does the same way: JVM setup, exit on failure, interleaving order, pauses. */
final class BenchmarkSupport {

    /**
     * Idle time before every timed run, so that native thread pools still spinning after the previous
     * run (OpenMP workers busy-wait for a while) do not steal cores from this one.
     */
    static final Duration SETTLE = Duration.ofMillis(500);

    private BenchmarkSupport() {
    }

    /**
     * Sets up the JVM, prints {@code usage} for no arguments or {@code --help}, else parses and runs; a
     * {@link BenchmarkException} is printed and ends the process with status 1.
     */
    static <O> void main(String[] args, String usage, Function<String[], O> parse,
            Consumer<O> run) {
        // Before any DJL or SLF4J class loads: never download, and keep library logs to warnings.
        defaultProperty("ai.djl.offline", "true");
        defaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // DJL probes for CUDA when its engines start and warns on every CPU-only machine.
        defaultProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        if (args.length == 0 || Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            return;
        }
        try {
            run.accept(parse.apply(args));
        }
        catch (BenchmarkException ex) {
            System.err.println("Benchmark failed: " + ex.getMessage());
            if (ex.getCause() != null) {
                ex.getCause().printStackTrace();
            }
            System.exit(1);
        }
    }

    /**
     * The contenders in the order of one round, rotated by one place per round (A B C, B C A, C A B, ...),
     * so no contender always runs right after the same other one. That matters: a system whose native
     * thread pools keep spinning after a run (PyTorch's OpenMP does) slows down whichever system follows it.
     * @param round counted from 1
     */
    static <T> List<T> rotated(List<T> contenders, int round) {
        List<T> order = new ArrayList<>(contenders);
        Collections.rotate(order, -((round - 1) % Math.max(1, order.size())));
        return order;
    }

    /** Sleeps for {@link #SETTLE}. */
    static void settle() {
        try {
            Thread.sleep(SETTLE.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
    }

    static Path createDirectories(Path directory) {
        try {
            return Files.createDirectories(directory);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot create " + directory, ex);
        }
    }

    /** Deletes a folder and everything under it; nothing if it does not exist. */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot delete " + directory, ex);
        }
    }

    /** The start of a run as the reports show it, in UTC. */
    static String date(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(instant);
    }

    /** The last line of a report: network attempts the tripwire refused, and the total time. */
    static String footer(NetworkTripwire tripwire, Instant started) {
        List<String> attempts = tripwire.attempts();
        return "Network connections attempted during the run: "
                + (attempts.isEmpty() ? "none" : attempts + " (all refused)") + ". Total time: "
                + Duration.between(started, Instant.now()).toSeconds() + " s.\n";
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
