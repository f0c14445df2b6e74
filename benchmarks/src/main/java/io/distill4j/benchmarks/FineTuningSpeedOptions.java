package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.List;

import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.transformer.TransformerConfig;

/**
 * {@link FineTuningSpeedBenchmark}'s command-line flags, parsed from {@code --name value} pairs. Every flag
 * has a default: batch 32 of 64-token rows, 30 timed steps after 5 warm-up steps, 2 threads, dropout 0.1,
 * two classes. The encoder's shape is not a flag: it is read from the model file.
 *
 * @param batch rows per step
 * @param length tokens in every row (all rows full, no padding)
 * @param steps timed steps
 * @param warmupSteps steps run before timing starts
 * @param threads intra-op threads of both sides (one inter-op thread each)
 * @param seed seed of the synthetic token ids and of both sides' initialization and dropout
 * @param dropout dropout of the encoder and the pooled vector during training
 * @param learningRate AdamW's peak learning rate (it does not change a step's work)
 * @param classes width of the classification head
 * @param python the interpreter that runs the PyTorch side
 * @param script the PyTorch side's script
 * @param model the BERT encoder to fine-tune, or {@code null} for all-MiniLM-L6-v2 from the class path
 * @param rounds how often to measure both sides, one after the other each time
 * @param workDirectory where the model is extracted when {@code model} is {@code null}
 * @param out the markdown report; a JSON file of every measurement is written beside it
 */
record FineTuningSpeedOptions(int batch, int length, int steps, int warmupSteps, int threads, long seed,
        float dropout, float learningRate, int classes, String python, Path script, Path model, int rounds,
        Path workDirectory, Path out) {

    /** The report's file name when {@code --out} is not given. */
    static final String DEFAULT_OUT = "fine-tuning-speed.md";

    /** DJL at this share of PyTorch's steps per second or better meets the target. */
    static final double TARGET_RATIO = 0.8;

    static final String USAGE = """
            usage: FineTuningSpeedBenchmark [--batch 32] [--length 64] [--steps 30] [--warmup-steps 5]
                                            [--threads 2] [--seed 42] [--dropout 0.1] [--learning-rate 2e-5]
                                            [--classes 2] [--model FILE] [--python python3]
                                            [--script benchmarks/python/train_speed.py] [--rounds 1]
                                            [--work-dir DIR] [--out-dir DIR] [--out FILE]
              Full fine-tuning of a BERT encoder (all-MiniLM-L6-v2 from the class path unless --model names
              another ONNX export) with a linear classification head, in DJL and in PyTorch.
              --length: tokens in every row, at most the encoder's positions. --threads: intra-op threads of
              both sides. --python: an interpreter that can import torch (Debian: apt-get install
              python3-torch libopenblas0-pthread, for /usr/bin/python3). --rounds: measure both sides this
              often, one after the other; the ratio is the rounds' median. --out: the markdown table
              (default fine-tuning-speed.md in --out-dir); the JSON of every measurement goes beside it.
            """;

    /** Parses the arguments; throws {@link BenchmarkException} with the usage text on a bad flag. */
    static FineTuningSpeedOptions parse(String[] args) {
        Flags flags = Flags.parse(USAGE, args);
        int batch = flags.positiveInt("batch", 32);
        int length = flags.positiveInt("length", 64);
        int steps = flags.positiveInt("steps", 30);
        int warmupSteps = whole("warmup-steps", flags.number("warmup-steps", 5, 0, 1_000_000));
        int threads = flags.positiveInt("threads", 2);
        long seed = whole("seed", flags.number("seed", 42, 0, Integer.MAX_VALUE));
        float dropout = (float) flags.number("dropout", 0.1, 0, 0.99);
        float learningRate = (float) flags.number("learning-rate", 2e-5, 1e-9, 1);
        int classes = flags.positiveInt("classes", 2);
        String modelFlag = flags.string("model", null);
        String python = flags.string("python", "python3");
        Path script = Path.of(flags.string("script", "benchmarks/python/train_speed.py"));
        int rounds = flags.positiveInt("rounds", 1);
        Path workDirectory = flags.workDirectory();
        Path out = flags.out(DEFAULT_OUT);
        flags.requireNoneLeft();
        return new FineTuningSpeedOptions(batch, length, steps, warmupSteps, threads, seed, dropout, learningRate,
                classes, python, script, modelFlag == null ? null : Path.of(modelFlag), rounds, workDirectory, out);
    }

    /**
     * The student both sides train: {@code encoder} (a config with the teacher's shape, all its layers and
     * its whole vocabulary) with this run's dropout.
     * @throws BenchmarkException if {@link #length()} exceeds the encoder's positions
     */
    TransformerConfig student(TransformerConfig encoder) {
        if (this.length > encoder.maxPositions()) {
            throw new BenchmarkException("--length (" + this.length + ") must not exceed the encoder's positions ("
                    + encoder.maxPositions() + ")" + System.lineSeparator() + USAGE);
        }
        StudentHead head = encoder.head();
        return new TransformerConfig(new StudentHead(head.vocabSize(), head.outputSize(), head.output(),
                head.activation(), this.dropout), encoder.maxPositions(), encoder.hiddenSize(), encoder.layers(),
                encoder.heads(), encoder.intermediateSize(), encoder.layerNormEpsilon(), encoder.pooling());
    }

    /**
     * What both sides train, as the PyTorch script's flags take it: {@code student}'s shape, every row
     * {@link #length()} tokens, cross-entropy only (alpha 0; the temperature is then unused).
     */
    TrainingWorkload workload(TransformerConfig student) {
        return new TrainingWorkload("transformer", student.vocabSize(), student.hiddenSize(), List.of(),
                student.layers(), student.heads(), student.intermediateSize(), student.maxPositions(),
                student.outputSize(), this.batch, this.length, this.length, this.steps, this.warmupSteps,
                this.threads, this.seed, student.activation(), student.dropout(), this.learningRate, 1f, 0f);
    }

    private static int whole(String name, double value) {
        if (value != Math.rint(value)) {
            throw new BenchmarkException("--" + name + " must be a whole number, was " + value
                    + System.lineSeparator() + USAGE);
        }
        return (int) value;
    }
}
