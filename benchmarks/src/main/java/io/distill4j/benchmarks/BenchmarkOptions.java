package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param workDirectory where model files, the engine repository and caches are written
 * @param out the markdown report; a CSV of every run is written beside it
 */
record BenchmarkOptions(Path stsb, List<String> systems, List<String> scenarios, List<Integer> callers, int rounds,
        Duration runDuration, Duration warmup, int intraOpThreads, int interOpThreads, Path workDirectory,
        Path out) {

    static final List<String> SCENARIOS = List.of("latency", "throughput", "ceiling", "spearman");

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
              --work-dir DIR           model files, engine repository, caches (default: a folder in java.io.tmpdir)
              --out FILE               markdown report; runs.csv is written beside it (default results.md)
            """;

    /** Parses the arguments; throws {@link BenchmarkException} with the usage text on a bad flag. */
    static BenchmarkOptions parse(String... args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--") || i + 1 >= args.length) {
                throw usage("expected --flag value but found '" + flag + "'");
            }
            flags.put(flag.substring(2), args[++i]);
        }
        BenchmarkOptions options = new BenchmarkOptions(
                Path.of(require(flags, "stsb")),
                names(flags.remove("systems"), SystemCatalog.ALL),
                names(flags.remove("scenarios"), SCENARIOS),
                integers(flags.remove("callers"), "1,4,16"),
                positiveInt(flags.remove("rounds"), 5, "rounds"),
                seconds(flags.remove("seconds-per-run"), 4, "seconds-per-run", 0.1),
                seconds(flags.remove("warmup-seconds"), 5, "warmup-seconds", 0),
                positiveInt(flags.remove("intra-op-threads"), 2, "intra-op-threads"),
                positiveInt(flags.remove("inter-op-threads"), 1, "inter-op-threads"),
                Path.of(flags.getOrDefault("work-dir",
                        Path.of(System.getProperty("java.io.tmpdir"), "distill4j-benchmarks").toString())),
                Path.of(flags.getOrDefault("out", "results.md")));
        flags.remove("stsb");
        flags.remove("work-dir");
        flags.remove("out");
        if (!flags.isEmpty()) {
            throw usage("unknown flag(s) " + flags.keySet());
        }
        return options;
    }

    /** The flags as they were understood, for the report. */
    String describe() {
        return "--stsb " + this.stsb + " --systems " + String.join(",", this.systems) + " --scenarios "
                + String.join(",", this.scenarios) + " --callers " + joinInts(this.callers) + " --rounds "
                + this.rounds + " --seconds-per-run " + seconds(this.runDuration) + " --warmup-seconds "
                + seconds(this.warmup) + " --intra-op-threads " + this.intraOpThreads + " --inter-op-threads "
                + this.interOpThreads;
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
        double s = duration.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private static String require(Map<String, String> flags, String name) {
        String value = flags.get(name);
        if (value == null || value.isBlank()) {
            throw usage("--" + name + " is required");
        }
        return value;
    }

    private static List<String> names(String value, List<String> known) {
        if (value == null) {
            return known;
        }
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.trim();
            if (!known.contains(trimmed)) {
                throw usage("unknown name '" + trimmed + "'; known: " + known);
            }
            if (!names.contains(trimmed)) {
                names.add(trimmed);
            }
        }
        // Keep the canonical order so interleaving and tables read the same in every run.
        names.sort((a, b) -> Integer.compare(known.indexOf(a), known.indexOf(b)));
        return List.copyOf(names);
    }

    private static List<Integer> integers(String value, String fallback) {
        List<Integer> values = new ArrayList<>();
        for (String part : (value != null ? value : fallback).split(",")) {
            values.add(positiveInt(part.trim(), 0, "callers"));
        }
        return values.stream().distinct().sorted().toList();
    }

    private static int positiveInt(String value, int fallback, String name) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 1) {
                throw usage("--" + name + " must be at least 1, was " + value);
            }
            return parsed;
        }
        catch (NumberFormatException ex) {
            throw usage("--" + name + " must be a whole number, was " + value);
        }
    }

    private static Duration seconds(String value, double fallback, String name, double minimum) {
        double seconds = fallback;
        if (value != null) {
            try {
                seconds = Double.parseDouble(value.trim());
            }
            catch (NumberFormatException ex) {
                throw usage("--" + name + " must be a number of seconds, was " + value);
            }
        }
        if (!(seconds >= minimum) || seconds > 3600) {
            throw usage("--" + name + " must be between " + minimum + " and 3600 seconds, was " + value);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static String joinInts(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static BenchmarkException usage(String problem) {
        return new BenchmarkException(problem + System.lineSeparator() + USAGE);
    }
}
