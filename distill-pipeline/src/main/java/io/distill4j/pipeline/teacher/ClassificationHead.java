package io.distill4j.pipeline.teacher;

import java.util.List;
import java.util.Objects;

/**
 * A linear classification head on pooled encoder embeddings: {@code logits = W · x + b}.
 *
 * @param weights one row per class, each {@code hidden} wide
 * @param bias one value per class
 * @param labels the class names, in row order
 */
public record ClassificationHead(float[][] weights, float[] bias, List<String> labels) {

    public ClassificationHead {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(bias, "bias");
        labels = List.copyOf(labels);
        if (weights.length == 0) {
            throw new IllegalArgumentException("weights: a head needs at least one class");
        }
        if (weights.length != bias.length || weights.length != labels.size()) {
            throw new IllegalArgumentException("weights, bias and labels must have one entry per class; got "
                    + weights.length + ", " + bias.length + " and " + labels.size());
        }
        int hidden = weights[0].length;
        for (int c = 0; c < weights.length; c++) {
            if (weights[c].length != hidden) {
                throw new IllegalArgumentException("weights: row " + c + " has " + weights[c].length
                        + " values, row 0 has " + hidden);
            }
        }
    }

    /** The number of classes. */
    public int classes() {
        return this.weights.length;
    }

    /** The width of the embeddings the head reads. */
    public int hidden() {
        return this.weights[0].length;
    }

    /** The logits for one embedding. */
    public float[] logits(float[] embedding) {
        if (embedding.length != hidden()) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " values, the head reads "
                    + hidden());
        }
        float[] logits = new float[classes()];
        for (int c = 0; c < logits.length; c++) {
            double sum = this.bias[c];
            for (int h = 0; h < embedding.length; h++) {
                sum += (double) this.weights[c][h] * embedding[h];
            }
            logits[c] = (float) sum;
        }
        return logits;
    }
}
