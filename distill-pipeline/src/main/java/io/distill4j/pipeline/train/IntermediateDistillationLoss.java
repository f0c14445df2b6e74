package io.distill4j.pipeline.train;

import java.util.Locale;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import io.distill4j.api.exception.InvalidInputException;

/**
 * Distils what happens inside a Transformer teacher as well as its output (TinyBERT, Jiao et al. 2020;
 * MiniLM, Wang et al. 2020): the student's hidden states are pulled towards the teacher's, and its
 * attention distributions towards the teacher's, layer by layer, on top of the output loss.
 *
 * <p><b>Layer mapping</b> (TinyBERT's uniform one): with {@code M} student and {@code N} teacher layers,
 * student layer {@code i} ({@code 1..M}) learns from teacher layer {@code g(i) = max(1, round(i * N / M))},
 * and the embeddings (layer 0) from the teacher's embeddings; e.g. 2 of 6 is {@code 0->0, 1->3, 2->6},
 * 3 of 6 is {@code 0->0, 1->2, 2->4, 3->6}. See {@link #layerMapping(int, int)}.
 *
 * <p><b>Loss</b>, with {@code mask} the attention mask (1 for a real token), {@code R} the number of real
 * tokens of the batch, {@code W} a learned {@code [H_t, H_s]} projection (the identity when the widths are
 * equal; it lives in the block being trained, not here), {@code h_l} the hidden states {@code [B, T, H]}
 * and {@code A_l} the attention probabilities {@code [B, heads, T, T]}:
 *
 * <pre>
 * hidden_l    = sum over real tokens t of |W h^s_l[t] - h^t_g(l)[t]|^2 / (R * H_t)             l = 0..M
 * attention_l = sum over heads k and real queries q of KL(A^t_g(l)[k, q] || A^s_l[k, q]) / (R * heads)  l = 1..M
 *   KL(p || r) = sum over keys j of p_j * (log max(p_j, 1e-12) - log max(r_j, 1e-12))
 * total       = output + betaHidden * mean_l hidden_l + betaAttention * mean_l attention_l
 * </pre>
 *
 * A padded key has probability zero in both distributions and adds nothing ({@code 0 * finite}); a
 * padded token or query adds nothing either. When the student has as many heads as the teacher, head
 * {@code k} learns from head {@code k}; otherwise both sides are first averaged over their heads
 * ({@code heads = 1} above).
 *
 * <p><b>Arrays.</b> {@code predictions}: the student's output, its {@code M + 1} hidden states (already
 * projected to {@code H_t}), its {@code M} attention probabilities ({@link
 * io.distill4j.pipeline.student.LayeredBlock#forwardWithInternals}'s order). {@code labels}: the output
 * loss's labels (one or more arrays), then the attention mask {@code [B, T]}, the teacher's {@code N + 1}
 * hidden states and its {@code N} attention probabilities.
 */
public final class IntermediateDistillationLoss extends Loss {

    /** Probabilities are clamped to at least this before their logarithm. */
    static final float LOG_FLOOR = 1e-12f;

    private final Loss outputLoss;

    private final float hiddenWeight;

    private final float attentionWeight;

    private final int studentLayers;

    private final int teacherLayers;

    private final int[] mapping;

    private IntermediateDistillationLoss(Loss outputLoss, float hiddenWeight, float attentionWeight,
            int studentLayers, int teacherLayers) {
        super(String.format(Locale.ROOT, "IntermediateDistillationLoss(%s, hidden %s, attention %s)",
                outputLoss.getName(), hiddenWeight, attentionWeight));
        this.outputLoss = outputLoss;
        this.hiddenWeight = hiddenWeight;
        this.attentionWeight = attentionWeight;
        this.studentLayers = studentLayers;
        this.teacherLayers = teacherLayers;
        this.mapping = layerMapping(studentLayers, teacherLayers);
    }

    /**
     * @param outputLoss the loss on the student's output (classification or embedding distillation)
     * @param hiddenWeight {@code betaHidden}, finite and {@code >= 0}
     * @param attentionWeight {@code betaAttention}, finite and {@code >= 0}
     * @param studentLayers {@code M >= 1}
     * @param teacherLayers {@code N >= 1}
     * @throws IllegalArgumentException naming the setting out of range
     */
    public static IntermediateDistillationLoss of(Loss outputLoss, float hiddenWeight, float attentionWeight,
            int studentLayers, int teacherLayers) {
        Objects.requireNonNull(outputLoss, "outputLoss");
        requireWeight("hiddenWeight", hiddenWeight);
        requireWeight("attentionWeight", attentionWeight);
        return new IntermediateDistillationLoss(outputLoss, hiddenWeight, attentionWeight, studentLayers,
                teacherLayers);
    }

    static void requireWeight(String field, float weight) {
        if (!(weight >= 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, was " + weight);
        }
    }

    /**
     * The teacher layer each student layer learns from: element {@code i} ({@code 0..M}) is the teacher's
     * layer for student layer {@code i}, 0 standing for the embeddings, {@code max(1, round(i * N / M))}
     * for the others (halves round up).
     * @throws IllegalArgumentException unless both counts are at least 1
     */
    public static int[] layerMapping(int studentLayers, int teacherLayers) {
        if (studentLayers < 1 || teacherLayers < 1) {
            throw new IllegalArgumentException("studentLayers and teacherLayers must be >= 1, were " + studentLayers
                    + " and " + teacherLayers);
        }
        int[] mapping = new int[studentLayers + 1];
        for (int i = 1; i <= studentLayers; i++) {
            mapping[i] = Math.max(1, (int) Math.round(i * (double) teacherLayers / studentLayers));
        }
        return mapping;
    }

    /** The mapping as text, e.g. {@code 0->0, 1->3, 2->6}. */
    public static String describeMapping(int studentLayers, int teacherLayers) {
        int[] mapping = layerMapping(studentLayers, teacherLayers);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < mapping.length; i++) {
            text.append(i == 0 ? "" : ", ").append(i).append("->").append(mapping[i]);
        }
        return text.toString();
    }

    public float hiddenWeight() {
        return this.hiddenWeight;
    }

    public float attentionWeight() {
        return this.attentionWeight;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return parts(labels, predictions).total();
    }

    /**
     * Every term of the loss, each a scalar.
     * @throws InvalidInputException if the arrays are not as the class comment lays them out
     */
    public Parts parts(NDList labels, NDList predictions) {
        int m = this.studentLayers;
        int n = this.teacherLayers;
        if (predictions.size() != 2 * m + 2) {
            throw new InvalidInputException(null, "predictions", "expected the output, " + (m + 1)
                    + " hidden states and " + m + " attention arrays (" + (2 * m + 2) + "), got " + predictions.size());
        }
        int outputLabels = labels.size() - (2 * n + 2);
        if (outputLabels < 1) {
            throw new InvalidInputException(null, "labels", "expected the output labels, the attention mask, " + (n + 1)
                    + " hidden states and " + n + " attention arrays, got " + labels.size() + " arrays");
        }
        NDArray output = this.outputLoss.evaluate(new NDList(labels.subNDList(0, outputLabels)),
                new NDList(predictions.get(0)));
        NDArray mask = labels.get(outputLabels).toType(DataType.FLOAT32, false);
        int teacherHidden = outputLabels + 1;
        int teacherAttention = teacherHidden + n + 1;
        NDArray hidden = null;
        for (int i = 0; i <= m; i++) {
            NDArray term = hiddenMse(predictions.get(1 + i), labels.get(teacherHidden + this.mapping[i]), mask);
            hidden = (hidden == null) ? term : hidden.add(term);
        }
        hidden = hidden.div(Scalars.of(hidden, m + 1));
        NDArray attention = null;
        for (int i = 1; i <= m; i++) {
            NDArray term = attentionKl(predictions.get(1 + m + i), labels.get(teacherAttention + this.mapping[i] - 1),
                    mask);
            attention = (attention == null) ? term : attention.add(term);
        }
        attention = attention.div(Scalars.of(attention, m));
        NDArray total = output.add(hidden.mul(Scalars.of(hidden, this.hiddenWeight)))
            .add(attention.mul(Scalars.of(attention, this.attentionWeight)));
        return new Parts(total, output, hidden, attention);
    }

    /**
     * The mean squared error over the real tokens' elements: {@code sum mask[b,t] * (s - t)^2 / (R * H)}.
     * @param student {@code [B, T, H]}, projected to the teacher's width
     * @param teacher {@code [B, T, H]}
     * @param mask {@code [B, T]}, float
     */
    static NDArray hiddenMse(NDArray student, NDArray teacher, NDArray mask) {
        if (!student.getShape().equals(teacher.getShape())) {
            throw new InvalidInputException(null, "predictions", "a student hidden state is " + student.getShape()
                    + ", its teacher's " + teacher.getShape() + "; project the student to the teacher's width");
        }
        long width = student.getShape().get(2);
        NDArray squared = student.sub(teacher).square().sum(new int[] {2}).mul(mask);
        NDArray count = mask.sum().mul(Scalars.of(mask, width)).maximum(Scalars.of(mask, 1f));
        return squared.sum().div(count);
    }

    /**
     * {@code KL(teacher || student)} per real query, averaged over the real queries and the heads; both
     * sides averaged over heads first when their head counts differ.
     * @param student {@code [B, heads_s, T, T]}
     * @param teacher {@code [B, heads_t, T, T]}
     * @param mask {@code [B, T]}, float
     */
    static NDArray attentionKl(NDArray student, NDArray teacher, NDArray mask) {
        if (student.getShape().get(1) != teacher.getShape().get(1)) {
            student = student.mean(new int[] {1}, true);
            teacher = teacher.mean(new int[] {1}, true);
        }
        long heads = student.getShape().get(1);
        NDArray floor = Scalars.of(student, LOG_FLOOR);
        NDArray logRatio = teacher.maximum(floor).log().sub(student.maximum(floor).log());
        NDArray perQuery = teacher.mul(logRatio).sum(new int[] {3});
        NDArray real = perQuery.mul(mask.expandDims(1));
        NDArray count = mask.sum().mul(Scalars.of(mask, heads)).maximum(Scalars.of(mask, 1f));
        return real.sum().div(count);
    }

    /**
     * The terms of one evaluation, each a scalar: {@code total = output + betaHidden * hidden +
     * betaAttention * attention}.
     * @param output the output loss
     * @param hidden the mean hidden-state MSE over the mapped layers, unweighted
     * @param attention the mean attention KL over the mapped layers, unweighted
     */
    public record Parts(NDArray total, NDArray output, NDArray hidden, NDArray attention) {
    }
}
