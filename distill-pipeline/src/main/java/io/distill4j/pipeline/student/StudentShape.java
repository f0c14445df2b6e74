package io.distill4j.pipeline.student;

import java.util.Map;
import java.util.Objects;

/**
 * One size of one architecture, before the vocabulary and the output are known: a label the tuner reports
 * (for example {@code bag-of-embeddings/64x256}), its settings by name, how to build its configuration, and
 * its starting weights where they are not random ({@code null}: random).
 *
 * @param label unique within a search, {@code <architecture id>/<sizes>}
 * @param settings the shape's sizes by name, as the tuner reports them
 * @param factory builds the configuration once the vocabulary and output are known
 * @param initializer gives a new model its starting weights, or {@code null} for the random ones
 */
public record StudentShape(String label, Map<String, String> settings, Factory factory, Initializer initializer) {

    public StudentShape {
        Objects.requireNonNull(label, "label");
        settings = Map.copyOf(settings);
        Objects.requireNonNull(factory, "factory");
    }

    /** A shape that starts from random weights. */
    public StudentShape(String label, Map<String, String> settings, Factory factory) {
        this(label, settings, factory, null);
    }

    /** Whether the shape starts from weights of its own (a pretrained start) rather than random ones. */
    public boolean pretrained() {
        return this.initializer != null;
    }

    /** Builds a config once the vocabulary and output are known. */
    @FunctionalInterface
    public interface Factory {

        StudentConfig build(int vocabSize, int outputSize, StudentOutput output);
    }

    /** Sets a new model's starting weights. */
    @FunctionalInterface
    public interface Initializer {

        /**
         * @param keptIds the token ids kept by vocabulary pruning, in row order, or {@code null} when the
         *     vocabulary is not pruned
         */
        void initialize(StudentModel model, long[] keptIds);
    }
}
