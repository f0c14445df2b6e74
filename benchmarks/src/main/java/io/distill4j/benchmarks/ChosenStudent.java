package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.ToIntFunction;

import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.report.DistillationReportWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The student a cold {@link DistillerBenchmark} run chose, read back from that run's JSON (its shape and
 * the learning rate, temperature, alpha and epochs it trained with), and retrained as a fixed student under
 * other training settings: the phases that compare training recipes on the same student, data, seed and
 * epochs start here.
 */
final class ChosenStudent {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final JsonNode chosen;

    private final float learningRate;

    private final float temperature;

    private final float alpha;

    private final int epochs;

    private ChosenStudent(JsonNode chosen) {
        this.chosen = chosen;
        this.learningRate = Float.parseFloat(chosen.get("learningRate").asString());
        this.temperature = Float.parseFloat(chosen.get("temperature").asString());
        this.alpha = Float.parseFloat(chosen.get("alpha").asString());
        this.epochs = Integer.parseInt(chosen.get("epochs").asString());
    }

    /**
     * The choice recorded in {@code cold}.
     * @throws IllegalArgumentException naming the phase if there is no such file
     */
    static ChosenStudent read(Path cold, String phase) {
        if (!Files.isRegularFile(cold)) {
            throw new IllegalArgumentException("--phase " + phase + " needs the cold run's " + cold
                    + "; run --phase cold first");
        }
        return new ChosenStudent(MAPPER.readTree(cold.toFile()).get("hyperParameters"));
    }

    float alpha() {
        return this.alpha;
    }

    int epochs() {
        return this.epochs;
    }

    /** The chosen training settings with {@code alpha} in place of the chosen one, and no schedule. */
    StudentSpec.Training training(float alpha) {
        return new StudentSpec.Training(this.learningRate, this.temperature, alpha, OptionalInt.of(this.epochs));
    }

    /** The chosen student and its settings, into {@code json}. */
    ObjectNode describe(ObjectNode json) {
        return json.put("student", this.chosen.get("student").asString()).put("learningRate", this.learningRate)
                .put("temperature", this.temperature).put("alpha", this.alpha).put("epochs", this.epochs);
    }

    /**
     * Trains the chosen student once per entry of {@code variants} (in their order) with the spec
     * {@code base} gives (teacher, data, budget; the student is set here), on the cache the cold run left.
     */
    Map<String, Retrained> retrain(PipelineDistiller distiller, DistillationSpec.Builder base,
            Map<String, StudentSpec.Training> variants) {
        Map<String, Retrained> results = new LinkedHashMap<>();
        variants.forEach((name, training) -> {
            long start = System.nanoTime();
            DistillationResult result = distiller.distill(base.student(student(training)).build());
            double seconds = (System.nanoTime() - start) / 1e9;
            int epochsRun;
            try {
                epochsRun = DistillationReportWriter.readJson(result.files().reportJson()).trainingCurve().size();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            System.out.printf(Locale.ROOT, "[bench] %s: fp32 %.4f, INT8 %.4f (teacher %.4f), %d epochs, %.1f s%n",
                    name, result.studentFp32().metric(), result.studentInt8().metric(), result.teacher().metric(),
                    epochsRun, seconds);
            results.put(name, new Retrained(result, epochsRun, seconds));
        });
        return results;
    }

    /** The fixed student the cold run's hyper-parameters describe, trained with {@code training}. */
    StudentSpec student(StudentSpec.Training training) {
        String label = this.chosen.get("student").asString();
        ToIntFunction<String> setting = name -> Integer.parseInt(this.chosen.get(name).asString());
        if (label.startsWith("bag-of-embeddings/")) {
            return StudentSpec.bagOfEmbeddings(setting.applyAsInt("embeddingDim"), setting.applyAsInt("hiddenSizes"))
                    .training(training);
        }
        if (label.startsWith("text-cnn/")) {
            int[] kernels = Arrays.stream(this.chosen.get("kernelSizes").asString().split(","))
                    .mapToInt(Integer::parseInt).toArray();
            return StudentSpec.textCnn(setting.applyAsInt("embeddingDim"), setting.applyAsInt("filters"), kernels)
                    .training(training);
        }
        if (this.chosen.has("teacherLayers")) {
            return StudentSpec.teacherLayers(setting.applyAsInt("layers"))
                    .intermediateSize(setting.applyAsInt("intermediateSize")).training(training);
        }
        if (label.startsWith("transformer/")) {
            return StudentSpec.transformer(setting.applyAsInt("layers"), setting.applyAsInt("hiddenSize"),
                    setting.applyAsInt("heads"), setting.applyAsInt("intermediateSize")).training(training);
        }
        throw new IllegalArgumentException("unknown student '" + label + "' in the cold run's hyper-parameters");
    }

    /**
     * One retraining: the job's result, the epochs the final training ran (early stopping may end it before
     * the pinned epochs) and the job's wall-clock seconds on the warm cache.
     */
    record Retrained(DistillationResult result, int epochsRun, double seconds) {
    }
}
