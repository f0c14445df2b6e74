package io.distill4j.engine.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.distill4j.api.TaskType;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.engine.onnx.ReportJson;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.SessionConfig;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's own model analyzer, after Triton's: runs a text model of a repository under closed-loop load on this
 * machine for every candidate serving setting (instances, shared or separate sessions, batch policy) at every
 * concurrency, and recommends the setting whose throughput is closest to the best at every concurrency (its worst
 * ratio to the best is the highest; ties go to fewer instances, then a shared session, then adaptive batching),
 * with the {@code model.json} {@code serving} object that applies it. Each candidate runs in its own engine on a copy
 * of the version folder whose manifest has no {@code serving} object of its own, so the model's current settings do
 * not override the candidate's.
 *
 * <p>The figures are this machine's under this load: run it where the model will be served, with the texts it will
 * see ({@link Options#texts()}).
 */
public final class PerformanceAnalyzer {

    /** Texts used when none are given: short and long English requests. */
    public static final List<String> SAMPLE_TEXTS = List.of("Where is my card?",
            "I still have not received my new card, when will it arrive?",
            "Why was I charged twice for the same purchase yesterday evening?", "Cancel my transfer please",
            "How do I change the PIN of my debit card and is there a fee for doing it at an ATM abroad?",
            "The app says my top-up failed but the money left my account.", "exchange rate", "Is my account verified?",
            "Can I get a refund for an item that arrived broken and was sent back two weeks ago?",
            "What documents do I need to open an account for my company?");

    private PerformanceAnalyzer() {
    }

    /**
     * One serving setting to measure.
     * @param instances instances, 1 to {@value InstanceGroup#MAX_COUNT}
     * @param sessions shared or per instance
     * @param batching the batch policy
     * @param maxBatchSize the batch cap
     */
    public record Candidate(int instances, InstanceGroup.Sessions sessions, BatchPolicy.Kind batching, int maxBatchSize) {

        public Candidate {
            Objects.requireNonNull(sessions, "sessions");
            Objects.requireNonNull(batching, "batching");
            new InstanceGroup(instances, sessions);
        }

        /** The {@code serving} object of a {@code model.json} that applies this setting. */
        public String servingJson() {
            return "{\"instances\": " + this.instances + ", \"sessions\": \"" + this.sessions.id() + "\", \"batching\": \""
                    + this.batching.id() + "\", \"maxBatchSize\": " + this.maxBatchSize + "}";
        }

        /** The setting in a few words, for tables. */
        public String describe() {
            return this.instances + " x " + (this.instances == 1 ? "session" : this.sessions.id()) + ", "
                    + this.batching.id() + " (max " + this.maxBatchSize + ")";
        }
    }

    /** The candidates measured by default: one or two instances, shared or separate sessions, adaptive or no batching. */
    public static List<Candidate> defaultCandidates() {
        int cap = BatchingConfig.DEFAULT_MAX_BATCH_SIZE;
        return List.of(new Candidate(1, InstanceGroup.Sessions.SHARED, BatchPolicy.Kind.ADAPTIVE, cap),
                new Candidate(1, InstanceGroup.Sessions.SHARED, BatchPolicy.Kind.OFF, cap),
                new Candidate(2, InstanceGroup.Sessions.SHARED, BatchPolicy.Kind.ADAPTIVE, cap),
                new Candidate(2, InstanceGroup.Sessions.PER_INSTANCE, BatchPolicy.Kind.ADAPTIVE, cap),
                new Candidate(2, InstanceGroup.Sessions.PER_INSTANCE, BatchPolicy.Kind.OFF, cap));
    }

    /**
     * What to analyze.
     * @param repository the model repository
     * @param model the model's name; its newest complete version is measured
     * @param candidates the settings to measure
     * @param concurrencies concurrent callers, each a closed loop of one text per call
     * @param duration how long each point is measured
     * @param warmup how long each candidate runs before its points are measured
     * @param texts the requests, used round robin
     * @param session the sessions' settings (threads, providers) the candidates share
     */
    public record Options(Path repository, String model, List<Candidate> candidates, List<Integer> concurrencies,
            Duration duration, Duration warmup, List<String> texts, SessionConfig session) {

        public Options {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(model, "model");
            candidates = List.copyOf(candidates);
            concurrencies = List.copyOf(concurrencies);
            texts = List.copyOf(texts);
            Objects.requireNonNull(session, "session");
            if (candidates.isEmpty()) {
                throw new InvalidInputException("analyzer", "candidates", "must name at least one setting");
            }
            if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 1024)) {
                throw new InvalidInputException("analyzer", "concurrency", "must list callers between 1 and 1024, was "
                        + concurrencies);
            }
            if (texts.isEmpty() || texts.stream().anyMatch(text -> text == null || text.isBlank())) {
                throw new InvalidInputException("analyzer", "texts", "must hold at least one text and no blank one");
            }
            if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
                throw new InvalidInputException("analyzer", "duration", "must be positive (and the warm-up not negative)");
            }
        }
    }

    /**
     * One measured point.
     * @param candidate the setting
     * @param concurrency concurrent callers
     * @param throughput texts per second
     * @param p50Millis median latency of a call
     * @param p99Millis 99th percentile latency of a call
     * @param calls calls measured
     */
    public record Point(Candidate candidate, int concurrency, double throughput, double p50Millis, double p99Millis,
            long calls) {
    }

    /**
     * The analysis: every point and the recommendation.
     * @param points every candidate at every concurrency, in measuring order
     * @param recommended the recommended setting
     * @param worstRatio the recommended setting's lowest throughput ratio to the best candidate at a concurrency
     */
    public record Report(List<Point> points, Candidate recommended, double worstRatio) {

        /** The recommended setting's measured throughput per concurrency: what applying it should reproduce. */
        public Map<Integer, Double> predictedThroughput() {
            Map<Integer, Double> predicted = new LinkedHashMap<>();
            this.points.stream().filter(p -> p.candidate().equals(this.recommended))
                .forEach(p -> predicted.put(p.concurrency(), p.throughput()));
            return predicted;
        }

        /** A Markdown table: one row per setting and concurrency, the recommended setting marked. */
        public String table() {
            StringBuilder out = new StringBuilder("| setting | callers | texts/s | p50 ms | p99 ms | calls |\n"
                    + "|---|---|---|---|---|---|\n");
            for (Point p : this.points) {
                out.append(String.format(Locale.ROOT, "| %s%s | %d | %.1f | %.2f | %.2f | %d |%n",
                        p.candidate().describe(), p.candidate().equals(this.recommended) ? " **(recommended)**" : "",
                        p.concurrency(), p.throughput(), p.p50Millis(), p.p99Millis(), p.calls()));
            }
            return out.toString();
        }

        /** The recommendation in words, with the {@code serving} object to put in {@code model.json}. */
        public String recommendation() {
            return String.format(Locale.ROOT, "Recommended: %s, at least %.2f x the best setting's throughput at every "
                    + "concurrency. In model.json:%n  \"serving\": %s", this.recommended.describe(), this.worstRatio,
                    this.recommended.servingJson());
        }
    }

    /**
     * Measures every candidate at every concurrency and recommends one.
     * @param progress told a line as each point is measured
     * @throws InvalidInputException if the model is not a text model
     */
    public static Report analyze(Options options, Consumer<String> progress) {
        Path copy = copyWithoutServingSettings(options.repository(), options.model());
        try {
            List<Point> points = new ArrayList<>();
            for (Candidate candidate : options.candidates()) {
                points.addAll(measure(copy, options, candidate, progress));
            }
            return recommend(points);
        }
        finally {
            FileTrees.delete(copy);
        }
    }

    /**
     * The recommendation from measured points: the candidate whose lowest ratio to the best throughput at each
     * concurrency is the highest; ties (within 2 %) go to fewer instances, then a shared session, then adaptive
     * batching. Deterministic given the points.
     */
    public static Report recommend(List<Point> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no points to recommend from");
        }
        Map<Integer, Double> best = new LinkedHashMap<>();
        for (Point p : points) {
            best.merge(p.concurrency(), p.throughput(), Math::max);
        }
        Map<Candidate, Double> worst = new LinkedHashMap<>();
        for (Point p : points) {
            double ratio = best.get(p.concurrency()) > 0 ? p.throughput() / best.get(p.concurrency()) : 0;
            worst.merge(p.candidate(), ratio, Math::min);
        }
        double top = worst.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        Candidate chosen = worst.entrySet().stream().filter(e -> e.getValue() >= top - 0.02).map(Map.Entry::getKey)
            .min(Comparator.comparingInt(Candidate::instances)
                .thenComparing(c -> c.sessions() != InstanceGroup.Sessions.SHARED)
                .thenComparing(c -> c.batching() != BatchPolicy.Kind.ADAPTIVE))
            .orElseThrow();
        return new Report(List.copyOf(points), chosen, worst.get(chosen));
    }

    private static List<Point> measure(Path repository, Options options, Candidate candidate, Consumer<String> progress) {
        EngineConfig config = EngineConfig.builder().modelRepository(repository).session(options.session())
            .instances(new InstanceGroup(candidate.instances(), candidate.sessions()))
            .batching(BatchingConfig.builder().policy(candidate.batching()).maxBatchSize(candidate.maxBatchSize())
                .build())
            .build();
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(config)) {
            TaskType task = engine.load(options.model()).task();
            if (task == TaskType.RAW) {
                throw new InvalidInputException(options.model(), "model", "is a raw model; the analyzer measures text "
                        + "models (text-embedding, text-classification)");
            }
            Call call = task == TaskType.TEXT_EMBEDDING ? text -> engine.embed(options.model(), text)
                    : text -> engine.classify(options.model(), List.of(text), 1);
            int most = options.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();
            run(call, options.texts(), most, options.warmup());
            List<Point> points = new ArrayList<>();
            for (int concurrency : options.concurrencies()) {
                Point point = run(call, options.texts(), concurrency, options.duration()).toPoint(candidate, concurrency);
                progress.accept(String.format(Locale.ROOT, "%s, %d callers: %.1f texts/s, p50 %.2f ms, p99 %.2f ms",
                        candidate.describe(), concurrency, point.throughput(), point.p50Millis(), point.p99Millis()));
                points.add(point);
            }
            return points;
        }
    }

    @FunctionalInterface
    private interface Call {
        void send(String text);
    }

    /** Latencies of a closed-loop run. */
    private record Run(long[] nanos, long elapsedNanos) {

        Point toPoint(Candidate candidate, int concurrency) {
            long[] sorted = this.nanos.clone();
            Arrays.sort(sorted);
            double throughput = sorted.length / (this.elapsedNanos / 1e9);
            return new Point(candidate, concurrency, throughput, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted.length);
        }

        private static double percentile(long[] sorted, double q) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
        }
    }

    private static Run run(Call call, List<String> texts, int callers, Duration duration) {
        if (duration.isZero()) {
            return new Run(new long[0], 1);
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> perCaller = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        for (int c = 0; c < callers; c++) {
            long[] latencies = new long[1 << 16];
            int[] count = new int[1];
            perCaller.add(latencies);
            counts.add(count);
            int offset = c;
            threads.add(new Thread(() -> {
                try {
                    for (int i = offset; !stop.get(); i += callers) {
                        long start = System.nanoTime();
                        call.send(texts.get(i % texts.size()));
                        if (count[0] < latencies.length) {
                            latencies[count[0]++] = System.nanoTime() - start;
                        }
                    }
                }
                catch (RuntimeException ex) {
                    failures.add(ex);
                }
            }, "distill4j-analyzer-" + c));
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        try {
            Thread.sleep(duration.toMillis());
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        catch (InterruptedException ex) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("analysis interrupted", ex);
        }
        long elapsed = System.nanoTime() - start;
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        long[] all = new long[counts.stream().mapToInt(count -> count[0]).sum()];
        int at = 0;
        for (int c = 0; c < callers; c++) {
            System.arraycopy(perCaller.get(c), 0, all, at, counts.get(c)[0]);
            at += counts.get(c)[0];
        }
        return new Run(all, elapsed);
    }

    /**
     * A temporary repository holding the model's newest complete version, its manifest without a {@code serving}
     * object (which would override the candidates' settings).
     */
    private static Path copyWithoutServingSettings(Path repository, String model) {
        try {
            long version = ModelRepository.open(repository).latestCompleteVersion(model)
                .orElseThrow(() -> new InvalidInputException(model, "model", "has no complete version in "
                        + repository));
            Path source = repository.resolve(model).resolve(Long.toString(version));
            Path root = Files.createTempDirectory("distill4j-analyzer-");
            Path target = Files.createDirectories(root.resolve(model).resolve(Long.toString(version)));
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (!file.getFileName().toString().equals(ModelManifest.FILE_NAME)) {
                        Files.copy(file, target.resolve(file.getFileName()));
                    }
                }
            }
            ObjectNode manifest = (ObjectNode) ReportJson.mapper().readTree(
                    Files.readString(source.resolve(ModelManifest.FILE_NAME)));
            manifest.remove("serving");
            Files.writeString(target.resolve(ModelManifest.FILE_NAME), ReportJson.mapper().writeValueAsString(manifest));
            return root;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot copy model " + model + " for the analysis: " + ex.getMessage(), ex);
        }
    }
}
