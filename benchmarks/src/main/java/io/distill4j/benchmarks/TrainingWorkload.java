package io.distill4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.student.transformer.TransformerConfig;

/**
 * What both sides of {@link TrainingSpeedBenchmark} train: the student, the data and the step's settings.
 * {@link #arguments()} are the PyTorch script's command-line flags for the same workload. The report
 * carries this record as JSON, one field per component.
 */
record TrainingWorkload(String student, int vocab, int embeddingDim, List<Integer> hidden, int layers, int heads,
        int intermediate, int maxPositions, int classes, int batch, int minLength, int maxLength, int steps,
        int warmupSteps, int threads, long seed, HiddenActivation activation, float dropout, float learningRate,
        float temperature, float alpha) {

    /** Batches per epoch: StudentTrainer's bucketing window, so one epoch is sorted by length as a whole. */
    static final int BATCHES_PER_EPOCH = 50;

    /** The student as the project builds it. */
    StudentConfig studentConfig() {
        if (this.student.equals("bag")) {
            return BagOfEmbeddingsConfig.builder().vocabSize(this.vocab).embeddingDim(this.embeddingDim)
                    .hiddenSizes(this.hidden).outputSize(this.classes).activation(this.activation)
                    .dropout(this.dropout).build();
        }
        return TransformerConfig.builder().vocabSize(this.vocab).maxPositions(this.maxPositions)
                .hiddenSize(this.embeddingDim).layers(this.layers).heads(this.heads)
                .intermediateSize(this.intermediate).outputSize(this.classes).activation(this.activation)
                .dropout(this.dropout).build();
    }

    /** Warm-up and timed steps together. */
    int totalSteps() {
        return this.warmupSteps + this.steps;
    }

    /** Epochs of {@link #BATCHES_PER_EPOCH} batches that hold every step. */
    int epochs() {
        return (totalSteps() + BATCHES_PER_EPOCH - 1) / BATCHES_PER_EPOCH;
    }

    /** The script's flags for this workload. */
    List<String> arguments() {
        List<String> args = new ArrayList<>(List.of("--student", this.student, "--vocab", str(this.vocab),
                "--embedding-dim", str(this.embeddingDim), "--classes", str(this.classes), "--batch",
                str(this.batch), "--min-length", str(this.minLength), "--max-length", str(this.maxLength),
                "--steps", str(this.steps), "--warmup-steps", str(this.warmupSteps), "--threads",
                str(this.threads), "--seed", Long.toString(this.seed), "--activation",
                this.activation.name().toLowerCase(Locale.ROOT), "--dropout", Float.toString(this.dropout),
                "--learning-rate", Float.toString(this.learningRate), "--temperature",
                Float.toString(this.temperature), "--alpha", Float.toString(this.alpha)));
        if (this.student.equals("bag")) {
            args.addAll(List.of("--hidden", String.join(",", this.hidden.stream().map(String::valueOf).toList())));
        }
        else {
            args.addAll(List.of("--layers", str(this.layers), "--heads", str(this.heads), "--intermediate",
                    str(this.intermediate), "--max-positions", str(this.maxPositions)));
        }
        return args;
    }

    private static String str(int value) {
        return Integer.toString(value);
    }
}
