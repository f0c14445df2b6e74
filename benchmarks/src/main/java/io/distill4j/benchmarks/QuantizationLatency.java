package io.distill4j.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@link QuantizationBenchmark}'s latency measurement: every model alone on the calling thread, at batch 1
 * and at the batch size, on inputs tokenized beforehand so that a timed call is {@code OrtSession.run}.
 * After a warm-up, each round runs every model for a fixed time at batch 1, then at the batch size, the
 * order rotated by one per round, with a pause before each run; every run goes to the report's CSV, and
 * the section gives medians over rounds of per-run percentiles and the median of per-round ratios.
 */
final class QuantizationLatency {

    /** The latency target against ONNX Runtime's quantizer: ours / -q at p50, at both batch sizes. */
    static final double MAX_LATENCY_RATIO = 1.0;

    /** The speed-up target over the original: fp32 / ours at p50, at the batch size. */
    static final double MIN_SPEEDUP_OVER_FP32 = 1.5;

    private final QuantizationOptions options;

    private final Report report;

    private final List<QuantizationContender> models;

    /** @param models the open models, in the order of the report's tables and of the first round */
    QuantizationLatency(QuantizationOptions options, Report report, List<QuantizationContender> models) {
        this.options = options;
        this.report = report;
        this.models = List.copyOf(models);
    }

    /** Each model at batch 1, then at the batch size, so both shapes are compiled and cached before timing. */
    void warmUp(List<TokenBatch> single, List<TokenBatch> batched) {
        if (this.options.warmup().isZero()) {
            return;
        }
        Duration half = this.options.warmup().dividedBy(2);
        for (QuantizationContender contender : this.models) {
            this.report.log("warming up " + contender.name());
            this.report.run("warmup", 0, time(contender, single, half));
            this.report.run("warmup", 0, time(contender, batched, half));
        }
    }

    /**
     * Runs the rounds, logs each round's p50s, records the latency targets in {@code targets} and returns
     * the report's section.
     */
    String measure(List<TokenBatch> single, List<TokenBatch> batched, QuantizationTargets targets) {
        int batchSize = this.options.batchSize();
        // [batch 1, batch N] -> model -> runs
        List<Map<String, List<RunResult>>> runs = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        // [batch 1, batch N] -> ratio name -> per-round ratios
        List<Map<String, List<Double>>> ratios = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (int round = 1; round <= this.options.rounds(); round++) {
            for (int b = 0; b < 2; b++) {
                List<TokenBatch> inputs = b == 0 ? single : batched;
                String scenario = "latency-batch" + (b == 0 ? 1 : batchSize);
                Map<String, Double> p50 = new LinkedHashMap<>();
                for (QuantizationContender contender : BenchmarkSupport.rotated(this.models, round)) {
                    RunResult result = time(contender, inputs, this.options.runDuration());
                    this.report.run(scenario, round, result);
                    runs.get(b).computeIfAbsent(contender.name(), k -> new ArrayList<>()).add(result);
                    p50.put(contender.name(), result.latencyMillis(0.5));
                }
                double ours = p50.get(QuantizationBenchmark.OURS);
                double ortQuantized = p50.get(QuantizationBenchmark.ORT_QUANTIZED);
                double fp32 = p50.get(QuantizationBenchmark.FP32);
                addRatio(ratios.get(b), "ours / -q", ours / ortQuantized);
                addRatio(ratios.get(b), "fp32 / ours", fp32 / ours);
                addRatio(ratios.get(b), "fp32 / -q", fp32 / ortQuantized);
                StringBuilder line = new StringBuilder(scenario + " round " + round + "/" + this.options.rounds() + ":");
                p50.forEach((name, ms) -> line.append("  ").append(name).append(" p50 ").append(Report.format(ms, 2))
                        .append(" ms"));
                this.report.log(line.toString());
            }
        }

        List<List<String>> rows = new ArrayList<>();
        for (QuantizationContender contender : this.models) {
            List<RunResult> one = runs.get(0).get(contender.name());
            List<RunResult> many = runs.get(1).get(contender.name());
            rows.add(List.of(contender.name(),
                    Report.format(median(one, r -> r.latencyMillis(0.5)), 2),
                    Report.format(median(one, r -> r.latencyMillis(0.9)), 2),
                    Report.format(median(many, r -> r.latencyMillis(0.5)), 1),
                    Report.format(median(many, r -> r.latencyMillis(0.9)), 1),
                    Report.format(median(many, RunResult::throughput), 1),
                    Report.format(median(one, r -> r.calls()), 0) + " / " + Report.format(median(many, r -> r.calls()), 0)));
        }
        List<List<String>> ratioRows = new ArrayList<>();
        for (String name : ratios.get(0).keySet()) {
            ratioRows.add(List.of(name, Report.format(Stats.median(ratios.get(0).get(name)), 3),
                    Report.format(Stats.median(ratios.get(1).get(name)), 3)));
        }
        double oursVsOrtSingle = Stats.median(ratios.get(0).get("ours / -q"));
        double oursVsOrtBatched = Stats.median(ratios.get(1).get("ours / -q"));
        double speedup = Stats.median(ratios.get(1).get("fp32 / ours"));
        targets.add("latency ours / -q, batch 1 (p50)", Report.format(oursVsOrtSingle, 3), "≤ " + MAX_LATENCY_RATIO,
                oursVsOrtSingle <= MAX_LATENCY_RATIO);
        targets.add("latency ours / -q, batch " + batchSize + " (p50)", Report.format(oursVsOrtBatched, 3),
                "≤ " + MAX_LATENCY_RATIO, oursVsOrtBatched <= MAX_LATENCY_RATIO);
        targets.add("speed-up fp32 / ours, batch " + batchSize + " (p50)", Report.format(speedup, 3),
                "≥ " + MIN_SPEEDUP_OVER_FP32, speedup >= MIN_SPEEDUP_OVER_FP32);

        int tokensSingle = (int) Math.round(single.stream().mapToInt(TokenBatch::tokens).average().orElse(0));
        int tokensBatched = (int) Math.round(batched.stream().mapToInt(TokenBatch::tokens).average().orElse(0));
        StringBuilder out = new StringBuilder("## Latency per call: batch 1 and batch ").append(batchSize)
                .append("\n\n");
        out.append("`OrtSession.run` on inputs tokenized beforehand; ").append(single.size())
                .append(" single-sentence inputs (").append(tokensSingle).append(" tokens on average) and ")
                .append(batched.size()).append(" batches of ").append(batchSize).append(" (padded to ")
                .append(tokensBatched).append(" tokens on average), cycled from the first in every run. Medians over ")
                .append(this.options.rounds()).append(" rounds of ").append(Flags.format(this.options.runDuration()))
                .append(" s per model and batch size.\n\n");
        out.append(Report.table(List.of("model", "batch 1 p50 ms", "batch 1 p90 ms", "batch " + batchSize + " p50 ms",
                "batch " + batchSize + " p90 ms", "batch " + batchSize + " sentences/s", "calls per run (1 / "
                        + batchSize + ")"),
                rows));
        out.append("\nRatios of p50 latency (median of per-round ratios; below 1 means the first is faster, for "
                + "fp32 / x above 1 means x is faster):\n\n");
        out.append(Report.table(List.of("ratio", "batch 1", "batch " + batchSize), ratioRows));
        out.append("\n**ours / -q: ").append(Report.format(oursVsOrtSingle, 3)).append(" at batch 1, ")
                .append(Report.format(oursVsOrtBatched, 3)).append(" at batch ").append(batchSize)
                .append("**; target ≤ ").append(MAX_LATENCY_RATIO).append(": ")
                .append(QuantizationTargets.verdict(oursVsOrtSingle <= MAX_LATENCY_RATIO)).append(" / ")
                .append(QuantizationTargets.verdict(oursVsOrtBatched <= MAX_LATENCY_RATIO))
                .append(".\n")
                .append("**fp32 / ours at batch ").append(batchSize).append(": ").append(Report.format(speedup, 3))
                .append("**; target ≥ ").append(MIN_SPEEDUP_OVER_FP32).append(": ")
                .append(QuantizationTargets.verdict(speedup >= MIN_SPEEDUP_OVER_FP32)).append(".\n");
        return out.toString();
    }

    /** One model alone on this thread for {@code duration}, cycling through {@code inputs} from the first. */
    private static RunResult time(QuantizationContender contender, List<TokenBatch> inputs, Duration duration) {
        BenchmarkSupport.settle();
        long[] latencies = new long[1024];
        int calls = 0;
        long began = System.nanoTime();
        long deadline = began + duration.toNanos();
        while (System.nanoTime() < deadline) {
            TokenBatch batch = inputs.get(calls % inputs.size());
            long start = System.nanoTime();
            contender.system().run(batch);
            long took = System.nanoTime() - start;
            if (calls == latencies.length) {
                latencies = Arrays.copyOf(latencies, calls * 2);
            }
            latencies[calls++] = took;
        }
        long elapsed = System.nanoTime() - began;
        long[] sorted = Arrays.copyOf(latencies, calls);
        Arrays.sort(sorted);
        return new RunResult(contender.name(), 1, calls, elapsed, sorted, inputs.get(0).sentences());
    }

    private static void addRatio(Map<String, List<Double>> ratios, String name, double value) {
        ratios.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    private static double median(List<RunResult> results, ToDoubleFunction<RunResult> metric) {
        return Stats.median(results.stream().map(metric::applyAsDouble).toList());
    }
}
