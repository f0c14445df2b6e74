package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link QuantizationBenchmark}'s command-line flags, parsed from {@code --name value} pairs. Every flag
 * but {@code --stsb} has a default; the defaults keep a whole run within about five minutes on a 2-core
 * machine.
 *
 * @param stsb the STS-B folder (holding the test and train splits), or its test CSV
 * @param rounds interleaved rounds of the latency measurement
 * @param runDuration length of one model's run at one batch size within a round
 * @param warmup warm-up per model before any timing, split between the two batch sizes
 * @param intraOpThreads ONNX Runtime intra-op threads of every measured session
 * @param interOpThreads ONNX Runtime inter-op threads of every measured session
 * @param batchSize sentences per call of the batched latency measurement
 * @param gateSamples train sentences the quantizer's accuracy gate runs
 * @param gateMinMeanCosine the gate's threshold: mean cosine of the quantized model's output vectors to the original's
 * @param perRowActivations quantize activations row by row ({@code QuantizationConfig#perRowActivations}) instead of
 *     the defaults' one scale per run
 * @param workDirectory where the model files are extracted and the quantized model is written
 * @param out the markdown report; a CSV of every timed run is written beside it
 */
record QuantizationOptions(Path stsb, int rounds, Duration runDuration, Duration warmup, int intraOpThreads,
        int interOpThreads, int batchSize, int gateSamples, double gateMinMeanCosine, boolean perRowActivations,
        Path workDirectory, Path out) {

    /** The report's file name when {@code --out} is not given. */
    static final String DEFAULT_OUT = "quantization-results.md";

    static final String USAGE = """
            Usage: QuantizationBenchmark --stsb DIR [options]
              --stsb DIR|FILE          STS-B folder holding stsb-en-test.csv and stsb-en-train.csv, or the test file (required)
              --rounds N               interleaved latency rounds (default 5)
              --seconds-per-run S      length of one model's run at one batch size in a round (default 4)
              --warmup-seconds S       warm-up per model before timing (default 5)
              --intra-op-threads N     ONNX Runtime intra-op threads (default 2)
              --inter-op-threads N     ONNX Runtime inter-op threads (default 1)
              --batch-size N           sentences per call of the batched measurement (default 32)
              --gate-samples N         STS-B train sentences the quantizer's accuracy gate runs (default 64)
              --gate-min-cosine X      the gate's minimum mean cosine to fp32 (default 0.98)
              --per-row-activations B  quantize activations row by row, true or false (default false)
              --work-dir DIR           model files and the quantized model (default: a folder in java.io.tmpdir)
              --out FILE               markdown report; quantization-runs.csv is written beside it
                                       (default quantization-results.md in --out-dir)
              --out-dir DIR            folder of the report when --out is not given (default: working directory)
            """;

    /** Parses the arguments; throws {@link BenchmarkException} with the usage text on a bad flag. */
    static QuantizationOptions parse(String... args) {
        Flags flags = Flags.parse(USAGE, args);
        QuantizationOptions options = new QuantizationOptions(
                Path.of(flags.required("stsb")),
                flags.positiveInt("rounds", 5),
                flags.seconds("seconds-per-run", 4, 0.1),
                flags.seconds("warmup-seconds", 5, 0),
                flags.positiveInt("intra-op-threads", 2),
                flags.positiveInt("inter-op-threads", 1),
                flags.positiveInt("batch-size", 32),
                flags.positiveInt("gate-samples", 64),
                flags.number("gate-min-cosine", 0.98, -1, 1),
                Boolean.parseBoolean(flags.string("per-row-activations", "false")),
                flags.workDirectory(),
                flags.out(DEFAULT_OUT));
        flags.requireNoneLeft();
        return options;
    }

    /** The flags as they were understood, for the report (without the paths Maven adds). */
    String describe() {
        return "--stsb " + this.stsb + " --rounds " + this.rounds + " --seconds-per-run "
                + Flags.format(this.runDuration) + " --warmup-seconds " + Flags.format(this.warmup)
                + " --intra-op-threads " + this.intraOpThreads + " --inter-op-threads " + this.interOpThreads
                + " --batch-size " + this.batchSize + " --gate-samples " + this.gateSamples + " --gate-min-cosine "
                + this.gateMinMeanCosine + (this.perRowActivations ? " --per-row-activations true" : "");
    }

    /** The timed part of the latency measurement: warm-up, and every model at both batch sizes per round. */
    Duration estimatedLatencyDuration(int models) {
        Duration perRun = this.runDuration.plus(BenchmarkSupport.SETTLE);
        return perRun.multipliedBy((long) this.rounds * 2 * models).plus(this.warmup.multipliedBy(models));
    }
}
