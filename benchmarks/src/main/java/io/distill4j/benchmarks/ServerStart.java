package io.distill4j.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts the platform server ({@code distill4j.jar serve}) as a child process and times it from
 * {@link ProcessBuilder#start()} to the first {@code 200} of {@code GET /v2/health/ready} on its REST port, polled
 * with {@value #POLL_MILLIS} ms between polls (the gRPC port's first accepted TCP connection is timed in the same loop), then
 * stops it with SIGTERM and times the graceful shutdown.
 *
 * <p>Three ways to start it ({@link Variant}): the executable jar as built; the same jar extracted by Spring Boot's
 * tools ({@code java -Djarmode=tools -jar distill4j.jar extract}), which runs from plain jars in {@code lib/}
 * instead of nested ones; and the extracted jar with a class-data-sharing (CDS) archive made by a training run,
 * {@code -XX:ArchiveClassesAtExit} with {@code -Dspring.context.exit=onRefresh}, which Spring Framework ends with
 * {@code Runtime.halt(0)} once every singleton exists (the engine has loaded the repository's models by then) and
 * before any lifecycle bean (the web and gRPC servers) starts. {@link #prepare} does the extraction and the training
 * run once; every start after it reuses them.
 *
 * <p>Every server gets three free ports and the given model repository; its output goes to a log file per start.
 */
final class ServerStart {

    /** The pause between two readiness polls. */
    static final long POLL_MILLIS = 20;

    /** The name of the CDS archive in the extracted folder. */
    static final String ARCHIVE = "app.jsa";

    private static final Pattern LOADED_MODEL = Pattern.compile("Loaded model (\\S+) .* in (\\d+) ms");

    /** How a server is started. */
    enum Variant {
        JAR("jar", "`java -jar distill4j.jar serve`"),
        EXTRACTED("extracted", "`java -jar <extracted>/distill4j.jar serve`, the jar extracted with "
                + "`java -Djarmode=tools -jar distill4j.jar extract`"),
        CDS("cds", "extracted, plus `-XX:SharedArchiveFile=app.jsa` (Spring Boot's CDS support)");

        final String id;

        final String description;

        Variant(String id, String description) {
            this.id = id;
            this.description = description;
        }

        static List<String> names() {
            return Stream.of(values()).map(variant -> variant.id).toList();
        }

        static Variant of(String id) {
            return Stream.of(values()).filter(variant -> variant.id.equals(id)).findFirst()
                    .orElseThrow(() -> new BenchmarkException("unknown server variant " + id + "; known: " + names()));
        }
    }

    /**
     * One timed start.
     * @param readyMillis process start to the first ready answer
     * @param grpcMillis process start to the gRPC port's first accepted connection
     * @param modelLoadMillis the engine's own "Loaded model ... in N ms" from the server's log, summed over models
     * @param stopMillis SIGTERM to the process's exit
     * @param exitStatus the process's exit status (143 for a JVM ended by SIGTERM)
     */
    record Start(Variant variant, int repetition, double readyMillis, double grpcMillis, OptionalDouble modelLoadMillis,
            double stopMillis, int exitStatus, Path log) {
    }

    /**
     * What {@link #prepare} did.
     * @param extractMillis the extraction, or NaN when no variant needs it
     * @param trainingMillis the CDS training run, or NaN when {@link Variant#CDS} is not measured
     * @param trainingExitStatus its exit status
     * @param archiveBytes the archive's size
     * @param cdsWarnings the training run's CDS warnings, one per class left out of the archive (picocli's, compiled
     *     for Java 5; classes that failed verification at dump time; JFR event classes)
     * @param sharedClasses classes a start with the archive took from it (the JDK's base archive and this one)
     * @param loadedClasses all classes that start loaded, up to the context's refresh
     */
    record Preparation(double extractMillis, double trainingMillis, int trainingExitStatus, long archiveBytes,
            long cdsWarnings, long sharedClasses, long loadedClasses) {
    }

    private final Path jar;

    private final Path repository;

    private final List<String> jvmArgs;

    private final Duration readyTimeout;

    private final Path work;

    private final Path extracted;

    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    /**
     * @param jar the command line's executable jar
     * @param repository the model repository every server serves
     * @param jvmArgs JVM options of every server, before those a variant adds
     * @param work a folder of its own: the extracted jar, the archive and the logs go there
     */
    ServerStart(Path jar, Path repository, List<String> jvmArgs, Duration readyTimeout, Path work) {
        this.jar = jar.toAbsolutePath().normalize();
        this.repository = repository.toAbsolutePath();
        this.jvmArgs = List.copyOf(jvmArgs);
        this.readyTimeout = readyTimeout;
        this.work = BenchmarkSupport.createDirectories(work.toAbsolutePath());
        this.extracted = this.work.resolve("extracted");
        if (!Files.isRegularFile(this.jar)) {
            throw new BenchmarkException("No command line jar at " + this.jar + "; build it with "
                    + "mvn -DskipTests -pl samples/cli -am package");
        }
    }

    /** Extracts the jar if a variant runs from it, and makes the CDS archive if {@link Variant#CDS} is measured. */
    Preparation prepare(List<Variant> variants) {
        double extractMillis = Double.NaN;
        if (variants.contains(Variant.EXTRACTED) || variants.contains(Variant.CDS)) {
            BenchmarkSupport.deleteRecursively(this.extracted);
            long t0 = System.nanoTime();
            Path log = this.work.resolve("extract.log");
            int status = ChildJvm.run(List.of(ChildJvm.java().toString(), "-Djarmode=tools", "-jar",
                    this.jar.toString(), "extract", "--destination", this.extracted.toString()), this.work, log,
                    this.readyTimeout.toMillis());
            extractMillis = (System.nanoTime() - t0) / 1e6;
            if (status != 0 || !Files.isRegularFile(extractedJar())) {
                throw new BenchmarkException("Extracting " + this.jar + " failed (status " + status + "):\n"
                        + ChildJvm.tail(log, 30));
            }
        }
        if (!variants.contains(Variant.CDS)) {
            return new Preparation(extractMillis, Double.NaN, 0, 0, 0, 0, 0);
        }
        Path archive = this.extracted.resolve(ARCHIVE);
        Path log = this.work.resolve("cds-training.log");
        List<String> training = new ArrayList<>(List.of(ChildJvm.java().toString()));
        training.addAll(this.jvmArgs);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        training.add("-Dspring.context.exit=onRefresh");
        training.addAll(serveArguments(extractedJar(), freePorts(3)));
        long t0 = System.nanoTime();
        Process process = ChildJvm.start(training, this.extracted, Map.of(), log);
        OptionalInt status = ChildJvm.waitFor(process, this.readyTimeout.toMillis());
        double trainingMillis = (System.nanoTime() - t0) / 1e6;
        if (status.isEmpty()) {
            stop(process);
            throw new BenchmarkException("The CDS training run did not exit within " + this.readyTimeout.toSeconds()
                    + " s: spring.context.exit=onRefresh did not end it. Its output:\n" + ChildJvm.tail(log, 30));
        }
        if (status.getAsInt() != 0 || !Files.isRegularFile(archive)) {
            throw new BenchmarkException("The CDS training run ended with status " + status.getAsInt()
                    + (Files.isRegularFile(archive) ? "" : " and wrote no archive") + ":\n" + ChildJvm.tail(log, 30));
        }
        long warnings = ChildJvm.lines(log).stream().filter(line -> line.contains("[warning][cds]")).count();
        long[] shared = checkArchive(archive);
        try {
            return new Preparation(extractMillis, trainingMillis, status.getAsInt(), Files.size(archive), warnings,
                    shared[0], shared[1]);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot read the size of " + archive, ex);
        }
    }

    /**
     * Makes the HTTP client and the socket code load and compile their classes before the first timed start, so
     * that the first poll does not cost the starting server more of the machine than the later ones.
     */
    void warmUp() {
        int port = freePorts(1)[0];
        for (int i = 0; i < 20; i++) {
            ready(port);
            accepts(port);
        }
    }

    /** Starts the server once, waits for it to be ready, and stops it. */
    Start measure(Variant variant, int repetition) {
        int[] ports = freePorts(3);
        List<String> command = new ArrayList<>(List.of(ChildJvm.java().toString()));
        command.addAll(this.jvmArgs);
        if (variant == Variant.CDS) {
            command.add("-XX:SharedArchiveFile=" + this.extracted.resolve(ARCHIVE));
        }
        command.addAll(serveArguments(variant == Variant.JAR ? this.jar : extractedJar(), ports));
        Path directory = variant == Variant.JAR ? this.work : this.extracted;
        Path log = BenchmarkSupport.createDirectories(this.work.resolve("logs"))
                .resolve(variant.id + "-" + repetition + ".log");

        long start = System.nanoTime();
        Process process = ChildJvm.start(command, directory, Map.of(), log);
        long readyAt = -1;
        long grpcAt = -1;
        try {
            long deadline = start + this.readyTimeout.toNanos();
            while (readyAt < 0 || grpcAt < 0) {
                if (grpcAt < 0 && accepts(ports[1])) {
                    grpcAt = System.nanoTime();
                }
                if (readyAt < 0 && ready(ports[0])) {
                    readyAt = System.nanoTime();
                }
                if (!process.isAlive()) {
                    throw new BenchmarkException("The server (" + variant.id + ") exited with status "
                            + process.exitValue() + " before it was ready:\n" + ChildJvm.tail(log, 30));
                }
                if (System.nanoTime() > deadline) {
                    throw new BenchmarkException("The server (" + variant.id + ") was not ready within "
                            + this.readyTimeout.toSeconds() + " s (ready " + (readyAt >= 0) + ", gRPC port open "
                            + (grpcAt >= 0) + "); log " + log + ":\n" + ChildJvm.tail(log, 30));
                }
                pause(POLL_MILLIS);
            }
        }
        catch (RuntimeException ex) {
            stop(process);
            throw ex;
        }
        long stopAt = System.nanoTime();
        int status = stop(process);
        double stopMillis = (System.nanoTime() - stopAt) / 1e6;
        return new Start(variant, repetition, (readyAt - start) / 1e6, (grpcAt - start) / 1e6,
                loadedModelMillis(ChildJvm.lines(log)), stopMillis, status, log);
    }

    /** The extracted executable jar. */
    Path extractedJar() {
        return this.extracted.resolve(this.jar.getFileName());
    }

    /**
     * The engine's load times in a server's log ({@code Loaded model minilm/1 (...) in 2120 ms}), summed over the
     * models it loaded; empty if it logged none.
     */
    static OptionalDouble loadedModelMillis(List<String> log) {
        double total = 0;
        boolean found = false;
        for (String line : log) {
            Matcher matcher = LOADED_MODEL.matcher(line);
            if (matcher.find()) {
                total += Long.parseLong(matcher.group(2));
                found = true;
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    private List<String> serveArguments(Path executableJar, int[] ports) {
        return List.of("-jar", executableJar.toString(), "serve", "--server.port=" + ports[0],
                "--spring.grpc.server.port=" + ports[1], "--management.server.port=" + ports[2],
                "--distill4j.inference.model-repository=" + this.repository);
    }

    /**
     * Starts the archived application once more with class loading logged, up to the context's refresh: how many
     * of its classes came from a shared archive.
     * @return shared classes, all loaded classes
     */
    private long[] checkArchive(Path archive) {
        Path classLog = this.work.resolve("cds-class-load.log");
        Path log = this.work.resolve("cds-check.log");
        List<String> command = new ArrayList<>(List.of(ChildJvm.java().toString()));
        command.addAll(this.jvmArgs);
        command.add("-XX:SharedArchiveFile=" + archive);
        command.add("-Xlog:class+load=info:file=" + classLog);
        command.add("-Dspring.context.exit=onRefresh");
        command.addAll(serveArguments(extractedJar(), freePorts(3)));
        int status = ChildJvm.run(command, this.extracted, log, this.readyTimeout.toMillis());
        if (status != 0) {
            throw new BenchmarkException("The run that checks the CDS archive ended with status " + status + ":\n"
                    + ChildJvm.tail(log, 30));
        }
        List<String> loads = ChildJvm.lines(classLog).stream().filter(line -> line.contains("[class,load]")).toList();
        long shared = loads.stream().filter(line -> line.contains("source: shared objects file")).count();
        return new long[] { shared, loads.size() };
    }

    private boolean ready(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/ready"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /** SIGTERM, then up to a minute for the JVM's graceful shutdown, then SIGKILL. */
    private static int stop(Process process) {
        process.destroy();
        OptionalInt status = ChildJvm.waitFor(process, 60_000);
        if (status.isPresent()) {
            return status.getAsInt();
        }
        process.destroyForcibly();
        return ChildJvm.waitFor(process, 10_000).orElse(-1);
    }

    /** Distinct ports that were free a moment ago. */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot find a free port", ex);
        }
        finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                }
                catch (IOException ignored) {
                    // the port is released either way
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
    }
}
