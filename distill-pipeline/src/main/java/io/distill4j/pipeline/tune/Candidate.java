package io.distill4j.pipeline.tune;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One point of the tuning search: a student shape (a named rung of the size ladder with the settings that
 * build it) and the training hyper-parameters that are searched (temperature, alpha, learning rate).
 *
 * @param student the student's label on the ladder, e.g. {@code bag-of-embeddings/128x256}
 * @param studentSettings the settings that build that student, for reports (e.g. {@code embeddingDim=128});
 *     for a Transformer student also whether it learns the teacher's hidden states and attention
 *     ({@link StudentCatalog#INTERMEDIATE_DISTILLATION}, with its weights and layer mapping), so that a trial's
 *     checkpoint key and the report follow that choice
 * @param temperature distillation temperature, {@code > 0}
 * @param alpha weight of the distillation term, in {@code [0, 1]}
 * @param learningRate peak learning rate, {@code > 0}
 */
public record Candidate(String student, Map<String, String> studentSettings, float temperature, float alpha,
        float learningRate) {

    public Candidate {
        Objects.requireNonNull(student, "student");
        studentSettings = Map.copyOf(Objects.requireNonNull(studentSettings, "studentSettings"));
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
        }
    }

    /** Every setting as text, student first, for reports and the result's hyper-parameters. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("student", this.student);
        new java.util.TreeMap<>(this.studentSettings).forEach(out::put);
        out.put("temperature", format(this.temperature));
        out.put("alpha", format(this.alpha));
        out.put("learningRate", format(this.learningRate));
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s T=%s alpha=%s lr=%s", this.student, format(this.temperature),
                format(this.alpha), format(this.learningRate));
    }

    private static String format(float value) {
        return Float.toString(value);
    }
}
