package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.BertEncoderWeights;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.student.transformer.TransformerStudent;
import io.distill4j.pipeline.train.StudentTrainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Full fine-tuning speed of a BERT encoder with a classification head, in DJL (the project's
 * {@link StudentTrainer} training a {@link TransformerStudent}) against the same network in plain PyTorch
 * ({@code benchmarks/python/train_speed.py}, run as a subprocess), one after the other with the same
 * intra-op thread count and one inter-op thread on both sides. The target is DJL at
 * {@value FineTuningSpeedOptions#TARGET_RATIO}x PyTorch's steps per second or better. Debian's PyTorch
 * needs OpenBLAS beside it to be a fair peer (see {@link TrainingSpeedBenchmark}); the run warns when the
 * script loaded the reference BLAS.
 *
 * <pre>
 * apt-get install python3-torch libopenblas0-pthread    # once: PyTorch for /usr/bin/python3, and a fast BLAS for it
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.FineTuningSpeedBenchmark \
 *     -Dbench.args="--python /usr/bin/python3"
 * </pre>
 *
 * <p><b>Network.</b> all-MiniLM-L6-v2 (from the LangChain4j model jar on the class path, or {@code --model}):
 * 6 post-LayerNorm BERT layers, hidden 384, 12 heads, feed-forward 1536 with exact GELU, the whole 30,522-token
 * vocabulary and 512 learned positions, mean pooling, then a linear head of {@code --classes}; dropout
 * {@code --dropout} on the embeddings, the attention probabilities, each block's output and the pooled vector.
 * DJL: the student {@link BertEncoderWeights#studentConfig} builds from the file with every layer, initialised
 * from the file's weights ({@link BertEncoderWeights#initialize}); the head starts random. PyTorch: the
 * script's {@code torch.nn} Transformer of the same shape, from random weights (the values do not change a
 * step's work).
 *
 * <p><b>Step.</b> What {@link StudentTrainer} does per step, on both sides: forward, cross-entropy against the
 * hard label (the trainer's loss with alpha 0), the loss read back, backward, gradients clipped to a global
 * norm of 1, AdamW (decay 0.01, dense over every parameter, the embedding table included) with the trainer's
 * learning-rate schedule. DJL's side is the trainer itself, cancelled once the timed steps ran.
 *
 * <p><b>Data and timing.</b> Synthetic token ids from SplitMix64 seeded with {@code --seed}, the same on both
 * sides (both compute a checksum and a mismatch fails the run); every row is {@code --length} tokens, so no
 * batch has padding. The first {@code --warmup-steps} steps are not timed; a step's time runs from the end
 * of the previous step to its own end. The table gives, per side, steps and sentences per second, the median
 * and 90th percentile of a step, and the peak resident memory of the side's process (the JVM's includes the
 * parsed ONNX file). Writes {@code fine-tuning-speed.md} and {@code fine-tuning-speed.json} in
 * {@code --out-dir}.
 */
public final class FineTuningSpeedBenchmark {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private FineTuningSpeedBenchmark() {
    }

    /** Entry point; see the class javadoc for the command and {@link FineTuningSpeedOptions#USAGE} for the flags. */
    public static void main(String[] args) {
        BenchmarkSupport.main(args, FineTuningSpeedOptions.USAGE, FineTuningSpeedOptions::parse,
                FineTuningSpeedBenchmark::run);
    }

    private static void run(FineTuningSpeedOptions options) {
        Instant started = Instant.now();
        NetworkTripwire tripwire = NetworkTripwire.install();
        PyTorchPeer peer = new PyTorchPeer(options.python(), options.script());
        // Fail before the DJL half runs, not after it.
        String torchVersion = peer.torchVersion();
        Path modelFile = options.model() != null ? options.model()
                : ModelFiles.extract(BenchmarkSupport.createDirectories(options.workDirectory())).onnxModel();
        BertEncoderWeights teacher;
        try {
            teacher = BertEncoderWeights.read(modelFile);
        }
        catch (ModelLoadException ex) {
            throw new BenchmarkException("Cannot read the encoder " + modelFile + ": " + ex.getMessage(), ex);
        }
        TransformerConfig student = options.student(teacher.studentConfig(teacher.layers(), teacher.vocabSize(),
                teacher.maxPositions(), options.classes(), StudentOutput.LOGITS));
        if (student.layerNormEpsilon() != TransformerConfig.DEFAULT_LAYER_NORM_EPSILON) {
            System.out.println("[bench] note: the encoder's LayerNorm epsilon is " + student.layerNormEpsilon()
                    + "; the script's is BERT's 1e-12 (no change to a step's work)");
        }
        int[] everyLayer = BertEncoderWeights.spreadLayers(teacher.layers(), teacher.layers());
        TrainingWorkload workload = options.workload(student);
        System.out.printf(Locale.ROOT, "[bench] fine-tuning %s: %s; batch %d x %d tokens; %d timed steps after %d"
                + " warm-up steps; threads: %d%n", modelFile.getFileName(), student, workload.batch(),
                workload.maxLength(), workload.steps(), workload.warmupSteps(), workload.threads());
        SyntheticData data = SyntheticData.generate(workload);

        List<TimedSide> sides = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        ArrayNode rounds = MAPPER.createArrayNode();
        String djlVersion = "";
        for (int round = 1; round <= options.rounds(); round++) {
            if (round > 1) {
                BenchmarkSupport.settle();
            }
            ObjectNode djl = DjlTrainingSpeed.measure(workload, data, student,
                    model -> teacher.initialize(model, everyLayer, null));
            djlVersion = "DJL " + djl.get("djl_version").asString() + ", libtorch "
                    + djl.get("libtorch_version").asString();
            BenchmarkSupport.settle();
            JsonNode pytorch = peer.run(workload, data);
            if (round == 1) {
                PyTorchPeer.blasWarning(pytorch).ifPresent(warning -> System.out.println("[bench] WARNING: " + warning));
                if (djl.path("parameters").asLong() != pytorch.path("parameters").asLong()) {
                    throw new BenchmarkException("The sides train networks of different sizes: DJL "
                            + djl.path("parameters") + " parameters, PyTorch " + pytorch.path("parameters"));
                }
            }
            TimedSide djlSide = TimedSide.of("DJL", round, djl, workload.batch());
            TimedSide pytorchSide = TimedSide.of("PyTorch", round, pytorch, workload.batch());
            sides.add(djlSide);
            sides.add(pytorchSide);
            double ratio = FineTuningSpeedTable.ratio(djlSide, pytorchSide);
            ratios.add(ratio);
            System.out.printf(Locale.ROOT, "[bench] round %d: DJL %.3f steps/s, PyTorch %.3f steps/s, DJL / PyTorch"
                    + " = %.3f%n", round, djlSide.stepsPerSecond(), pytorchSide.stepsPerSecond(), ratio);
            ObjectNode result = rounds.addObject();
            result.put("round", round);
            result.set("djl", djl);
            result.set("pytorch", pytorch);
            result.put("ratio_djl_to_pytorch", Math.round(ratio * 1000) / 1000.0);
        }
        double ratio = Stats.median(ratios);
        boolean met = ratio >= FineTuningSpeedOptions.TARGET_RATIO;
        String verdict = String.format(Locale.ROOT, "DJL / PyTorch = %.3f%s (target >= %s: %s)", ratio,
                options.rounds() > 1 ? ", the median of " + options.rounds() + " rounds" : "",
                FineTuningSpeedOptions.TARGET_RATIO, met ? "met" : "NOT met");

        String markdown = "## Fine-tuning speed: DJL vs PyTorch\n\n"
                + "- Date: " + BenchmarkSupport.date(started) + "; machine: " + Report.machine() + "; load average "
                + Report.loadAverage() + "\n"
                + "- Sides: " + djlVersion + " (StudentTrainer); PyTorch " + torchVersion + " ("
                + options.script() + ")\n"
                + "- Network: " + modelFile.getFileName() + ", " + student + "\n"
                + "- Workload: batch " + workload.batch() + " x " + workload.maxLength() + " tokens, "
                + workload.warmupSteps() + " warm-up + " + workload.steps() + " timed steps, " + workload.threads()
                + " intra-op threads, seed " + workload.seed() + "\n\n"
                + FineTuningSpeedTable.of(sides) + "\n" + verdict + "\n";
        ObjectNode json = MAPPER.createObjectNode();
        json.put("benchmark", "fine-tuning speed, DJL vs PyTorch");
        json.put("date", BenchmarkSupport.date(started));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("jdk", System.getProperty("java.version"));
        json.put("model", modelFile.getFileName().toString());
        json.set("workload", MAPPER.valueToTree(workload));
        json.put("data_checksum", data.checksum());
        json.set("rounds", rounds);
        json.put("ratio_djl_to_pytorch", Math.round(ratio * 1000) / 1000.0);
        json.put("target", ">= " + FineTuningSpeedOptions.TARGET_RATIO);
        json.put("meets_target", met);
        json.put("network_attempts", tripwire.attempts().size());
        Path out = options.out().toAbsolutePath();
        Path jsonOut = out.resolveSibling(jsonName(out.getFileName().toString()));
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
            Files.writeString(jsonOut, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.println();
        System.out.print(markdown);
        System.out.println();
        System.out.println("[bench] wrote " + out + " and " + jsonOut);
        System.out.print(BenchmarkSupport.footer(tripwire, started));
    }

    /** The JSON file's name beside the markdown one: {@code fine-tuning-speed.md} gives {@code fine-tuning-speed.json}. */
    static String jsonName(String markdownName) {
        int dot = markdownName.lastIndexOf('.');
        return (dot > 0 ? markdownName.substring(0, dot) : markdownName) + ".json";
    }
}
