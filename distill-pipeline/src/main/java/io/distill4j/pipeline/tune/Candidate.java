package io.distill4j.pipeline.tune;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.distill4j.pipeline.train.TrainerConfig;

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
 * @param temperatureAnnealing whether the temperature falls linearly to 1 over the epochs (pinned by a spec's
 *     training settings; the search never turns it on)
 * @param hardLabelWarmupEpochs the first epochs trained on the hard labels only, {@code >= 0} (pinned by a
 *     spec's training settings; the search keeps 0)
 */
public record Candidate(String student, Map<String, String> studentSettings, float temperature, float alpha,
        float learningRate, boolean temperatureAnnealing, int hardLabelWarmupEpochs) {

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
        if (hardLabelWarmupEpochs < 0) {
            throw new IllegalArgumentException("hardLabelWarmupEpochs must be >= 0, was " + hardLabelWarmupEpochs);
        }
    }

    /** A candidate with a constant temperature and no hard-label warm-up. */
    public Candidate(String student, Map<String, String> studentSettings, float temperature, float alpha,
            float learningRate) {
        this(student, studentSettings, temperature, alpha, learningRate, false, 0);
    }

    /**
     * {@code builder} with this candidate's training settings: learning rate, temperature, alpha, and the
     * temperature annealing and hard-label warm-up; the rest of the builder is left as it is.
     */
    public TrainerConfig.Builder configure(TrainerConfig.Builder builder) {
        return builder.learningRate(this.learningRate).temperature(this.temperature).alpha(this.alpha)
                .temperatureAnnealing(this.temperatureAnnealing).hardLabelWarmupEpochs(this.hardLabelWarmupEpochs);
    }

    /**
     * Every setting as text, student first, for reports and the result's hyper-parameters; the annealing and
     * the warm-up only when they are on.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("student", this.student);
        new java.util.TreeMap<>(this.studentSettings).forEach(out::put);
        out.put("temperature", format(this.temperature));
        out.put("alpha", format(this.alpha));
        out.put("learningRate", format(this.learningRate));
        if (this.temperatureAnnealing) {
            out.put("temperatureAnnealing", "true");
        }
        if (this.hardLabelWarmupEpochs > 0) {
            out.put("hardLabelWarmupEpochs", Integer.toString(this.hardLabelWarmupEpochs));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s T=%s%s alpha=%s%s lr=%s", this.student, format(this.temperature),
                this.temperatureAnnealing ? " annealed to 1" : "", format(this.alpha),
                this.hardLabelWarmupEpochs > 0 ? " after " + this.hardLabelWarmupEpochs + " hard-label epochs" : "",
                format(this.learningRate));
    }

    private static String format(float value) {
        return Float.toString(value);
    }
}
