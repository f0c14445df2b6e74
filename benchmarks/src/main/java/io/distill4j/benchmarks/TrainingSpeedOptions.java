package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.distill4j.pipeline.student.HiddenActivation;

/**
 * {@link TrainingSpeedBenchmark}'s command-line flags, parsed from {@code --name value} pairs. Every flag
 * has a default: the student the distiller picks on Banking77, trained for 300 timed steps after 1,000
 * warm-up steps.
 *
 * @param workload what both sides train
 * @param python the interpreter that runs the PyTorch side
 * @param script the PyTorch side's script
 * @param rounds how often to measure both sides, one after the other each time; the ratio reported
 *     is the median of the rounds' ratios
 * @param out the JSON report
 */
record TrainingSpeedOptions(TrainingWorkload workload, String python, Path script, int rounds, Path out) {

    /** The report's file name when {@code --out} is not given. */
    static final String DEFAULT_OUT = "training-speed.json";

    static final String USAGE = """
            usage: TrainingSpeedBenchmark [--student bag|transformer] [--vocab 2264] [--embedding-dim 128]
                                          [--hidden 256] [--layers 2] [--heads 4] [--intermediate 256]
                                          [--max-positions 128] [--classes 77] [--batch 32] [--min-length 10]
                                          [--max-length 30] [--steps 300] [--warmup-steps 1000] [--threads 2]
                                          [--seed 42] [--activation relu|gelu] [--dropout 0]
                                          [--python python3] [--script benchmarks/python/train_speed.py] [--rounds 1]
                                          [--work-dir DIR] [--out-dir DIR] [--out FILE]
              --hidden: the bag's hidden layer widths, comma-separated; --layers, --heads, --intermediate,
              --max-positions: the transformer's (whose width is --embedding-dim). --activation defaults to
              relu for the bag and gelu for the transformer, the students' own defaults. --python: an
              interpreter that can import torch (Debian: apt-get install python3-torch, for /usr/bin/python3).
              --rounds: measure both sides this often, one after the other; the ratio is the rounds' median.
            """;

    /**
     * Parses the arguments; throws {@link BenchmarkException} with the usage text on a bad flag or on a
     * student the project would refuse.
     */
    static TrainingSpeedOptions parse(String[] args) {
        Flags flags = Flags.parse(USAGE, args);
        String student = flags.string("student", "bag");
        if (!student.equals("bag") && !student.equals("transformer")) {
            throw new BenchmarkException("--student must be bag or transformer, was " + student
                    + System.lineSeparator() + USAGE);
        }
        String activation = flags.string("activation", student.equals("bag") ? "relu" : "gelu");
        if (!activation.equals("relu") && !activation.equals("gelu")) {
            throw new BenchmarkException("--activation must be relu or gelu, was " + activation
                    + System.lineSeparator() + USAGE);
        }
        List<Integer> hidden = new ArrayList<>();
        for (String width : flags.string("hidden", "256").split(",")) {
            hidden.add(whole("hidden", Double.parseDouble(width.trim()), 1));
        }
        int minLength = flags.positiveInt("min-length", 10);
        int maxLength = flags.positiveInt("max-length", 30);
        if (maxLength < minLength) {
            throw new BenchmarkException("--max-length (" + maxLength + ") must be at least --min-length (" + minLength
                    + ")" + System.lineSeparator() + USAGE);
        }
        TrainingWorkload workload = new TrainingWorkload(student, flags.positiveInt("vocab", 2264),
                flags.positiveInt("embedding-dim", 128), List.copyOf(hidden), flags.positiveInt("layers", 2),
                flags.positiveInt("heads", 4), flags.positiveInt("intermediate", 256),
                flags.positiveInt("max-positions", 128), flags.positiveInt("classes", 77),
                flags.positiveInt("batch", 32), minLength, maxLength, flags.positiveInt("steps", 300),
                whole("warmup-steps", flags.number("warmup-steps", 1000, 0, 1_000_000), 0),
                flags.positiveInt("threads", 2), (long) flags.number("seed", 42, 0, Integer.MAX_VALUE),
                HiddenActivation.valueOf(activation.toUpperCase(Locale.ROOT)),
                (float) flags.number("dropout", 0, 0, 0.99), 3e-3f, 2f, 0.5f);
        String python = flags.string("python", "python3");
        Path script = Path.of(flags.string("script", "benchmarks/python/train_speed.py"));
        int rounds = flags.positiveInt("rounds", 1);
        // Accepted for the Maven execution, which passes it to every benchmark; this one writes no files there.
        flags.workDirectory();
        Path out = flags.out(DEFAULT_OUT);
        flags.requireNoneLeft();
        try {
            // Fails early, naming the field and the limit, on a student the project would refuse.
            workload.studentConfig();
        }
        catch (IllegalArgumentException ex) {
            throw new BenchmarkException(ex.getMessage() + System.lineSeparator() + USAGE);
        }
        if (student.equals("transformer") && maxLength > workload.maxPositions()) {
            throw new BenchmarkException("--max-length (" + maxLength + ") must not exceed --max-positions ("
                    + workload.maxPositions() + ")" + System.lineSeparator() + USAGE);
        }
        return new TrainingSpeedOptions(workload, python, script, rounds, out);
    }

    private static int whole(String name, double value, int minimum) {
        if (value != Math.rint(value) || value < minimum) {
            throw new BenchmarkException("--" + name + " must be a whole number of at least " + minimum + ", was " + value
                    + System.lineSeparator() + USAGE);
        }
        return (int) value;
    }
}
