package io.distill4j.engine.text;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.Classification;
import io.distill4j.api.ScoredLabel;

/**
 * Post-processing of text models: pooling of token vectors into one embedding per text, L2
 * normalization, softmax and top-k over classifier logits. Pure Java on heap arrays.
 */
public final class TextHeads {

    private TextHeads() {
    }

    /**
     * Pools a {@code [batch, sequence, hidden]} encoder output into one vector per text.
     * @param hidden row-major encoder output
     * @param mask row-major {@code [batch, sequence]} attention mask
     * @param pooling {@link Pooling#MEAN} or {@link Pooling#CLS}
     */
    public static float[][] pool(FloatBuffer hidden, int batch, int sequence, int dim, long[] mask, Pooling pooling,
            boolean normalize) {
        float[][] result = new float[batch][dim];
        float[] token = new float[dim];
        for (int b = 0; b < batch; b++) {
            float[] out = result[b];
            if (pooling == Pooling.CLS) {
                hidden.get(b * sequence * dim, out);
            }
            else {
                int count = 0;
                for (int t = 0; t < sequence; t++) {
                    if (mask[b * sequence + t] == 0) {
                        continue;
                    }
                    hidden.get((b * sequence + t) * dim, token);
                    for (int d = 0; d < dim; d++) {
                        out[d] += token[d];
                    }
                    count++;
                }
                float scale = 1f / Math.max(count, 1);
                for (int d = 0; d < dim; d++) {
                    out[d] *= scale;
                }
            }
            if (normalize) {
                l2Normalize(out);
            }
        }
        return result;
    }

    /** Splits a row-major {@code [batch, dim]} output into rows, optionally L2-normalized. */
    public static float[][] rows(FloatBuffer output, int batch, int dim, boolean normalize) {
        float[][] result = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            output.get(b * dim, result[b]);
            if (normalize) {
                l2Normalize(result[b]);
            }
        }
        return result;
    }

    /** Scales a vector to unit L2 norm in place (a zero vector stays zero). */
    public static void l2Normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }

    /** Numerically stable softmax, in place; returns its argument. */
    public static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.exp(logits[i] - max);
            sum += logits[i];
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (logits[i] / sum);
        }
        return logits;
    }

    /**
     * The {@code k} most probable classes, descending; ties keep the lower index first.
     * @param labels labels by class index; {@code LABEL_<i>} is used where there is none
     */
    public static Classification topK(float[] probabilities, List<String> labels, int k) {
        int n = Math.min(k, probabilities.length);
        List<ScoredLabel> top = new ArrayList<>(n);
        boolean[] taken = new boolean[probabilities.length];
        for (int r = 0; r < n; r++) {
            int best = -1;
            for (int i = 0; i < probabilities.length; i++) {
                if (!taken[i] && (best < 0 || probabilities[i] > probabilities[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            String label = best < labels.size() ? labels.get(best) : "LABEL_" + best;
            top.add(new ScoredLabel(label, best, probabilities[best]));
        }
        return new Classification(top);
    }
}
