package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's command-line flags, parsed from {@code --name value} pairs. Every flag but
 * {@code --stsb} has a default that keeps a full run within about ten minutes on a 2-core machine.
 *
 * @param stsb the STS-B folder (or its test CSV)
 * @param systems systems to run, in interleaving order
 * @param scenarios scenarios to run: {@code latency}, {@code throughput}, {@code spearman}
 * @param callers concurrent caller counts for the throughput scenario
 * @param rounds interleaved rounds per measurement
 * @param runDuration length of one system's run within a round
 * @param warmup warm-up per system before any timing
 * @param intraOpThreads ONNX Runtime intra-op threads, wherever a system lets them be set
 * @param interOpThreads ONNX Runtime inter-op threads, wherever a system lets them be set
 * @param engineServing the engine's instance and batching settings, {@code key=value} pairs ({@code instances},
 *     {@code sessions}, {@code batching}, {@code max-batch-size}); empty for the engine's defaults
 * @param workDirectory where model files, the engine repository and caches are written
 * @param out the markdown report; a CSV of every run is written beside it
 */
record BenchmarkOptions(Path stsb, List<String> systems, List<String> scenarios, List<Integer> callers, int rounds,
        Duration runDuration, Duration warmup, int intraOpThreads, int interOpThreads, String engineServing,
        Path workDirectory, Path out) {

    static final List<String> SCENARIOS = List.of("latency", "throughput", "ceiling", "spearman");

    /** The report's file name when {@code --out} is not given. */
    static final String DEFAULT_OUT = "results.md";

    static final String USAGE = """
            Usage: EmbeddingBenchmark --stsb DIR [options]
              --stsb DIR|FILE          STS-B folder holding stsb-en-test.csv, or that file (required)
              --systems LIST           systems to run, comma-separated (default engine,raw,langchain4j,spring-ai)
              --scenarios LIST         latency,throughput,ceiling,spearman (default all four)
              --callers LIST           concurrent callers for the throughput scenario (default 1,4,16)
              --rounds N               interleaved rounds per measurement (default 5)
              --seconds-per-run S      length of one system's run in a round (default 4)
              --warmup-seconds S       warm-up per system before timing (default 5)
              --intra-op-threads N     ONNX Runtime intra-op threads where settable (default 2)
              --inter-op-threads N     ONNX Runtime inter-op threads where settable (default 1)
              --engine-serving LIST    the engine's instances and batching, e.g. instances=2,sessions=shared,
                                       batching=adaptive,max-batch-size=32 (default: the engine's defaults)
              --work-dir DIR           model files, engine repository, caches (default: a folder in java.io.tmpdir)
              --out FILE               markdown report; runs.csv is written beside it (default results.md in --out-dir)
              --out-dir DIR            folder of the report when --out is not given (default: working directory)
            """;

    /** Parses the arguments; throws {@link BenchmarkException} with the usage text on a bad flag. */
    static BenchmarkOptions parse(String... args) {
        Flags flags = Flags.parse(USAGE, args);
        BenchmarkOptions options = new BenchmarkOptions(
                Path.of(flags.required("stsb")),
                flags.names("systems", SystemCatalog.ALL),
                flags.names("scenarios", SCENARIOS),
                flags.positiveInts("callers", "1,4,16"),
                flags.positiveInt("rounds", 5),
                flags.seconds("seconds-per-run", 4, 0.1),
                flags.seconds("warmup-seconds", 5, 0),
                flags.positiveInt("intra-op-threads", 2),
                flags.positiveInt("inter-op-threads", 1),
                flags.string("engine-serving", ""),
                flags.workDirectory(),
                flags.out(DEFAULT_OUT));
        flags.requireNoneLeft();
        return options;
    }

    /** The flags as they were understood, for the report. */
    String describe() {
        return "--stsb " + this.stsb + " --systems " + String.join(",", this.systems) + " --scenarios "
                + String.join(",", this.scenarios) + " --callers " + joinInts(this.callers) + " --rounds "
                + this.rounds + " --seconds-per-run " + seconds(this.runDuration) + " --warmup-seconds "
                + seconds(this.warmup) + " --intra-op-threads " + this.intraOpThreads + " --inter-op-threads "
                + this.interOpThreads + (this.engineServing.isEmpty() ? "" : " --engine-serving " + this.engineServing);
    }

    /** A rough upper bound of the timed part of a run, for the log. */
    Duration estimatedDuration() {
        long runs = 0;
        if (this.scenarios.contains("latency")) {
            runs += (long) this.rounds * 2;
        }
        if (this.scenarios.contains("throughput")) {
            runs += (long) this.rounds * this.callers.size() * this.systems.size();
        }
        if (this.scenarios.contains("ceiling")) {
            runs += (long) this.rounds * 2;
        }
        return this.runDuration.multipliedBy(runs).plus(this.warmup.multipliedBy(this.systems.size()));
    }

    static String seconds(Duration duration) {
        return Flags.format(duration);
    }

    private static String joinInts(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}
