package io.distill4j.pipeline.train;

import java.util.Arrays;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentModel;

/**
 * Training examples, tokenized: token ids without padding, hard labels and the teacher's rows. The
 * arrays are used as given, not copied: do not change them while a training runs.
 *
 * @param ids one row of token ids per example (unpadded, at least one id)
 * @param hardLabels the label index per example, {@link DistillationLoss#NO_LABEL} where there is none
 * @param teacher the teacher's logits or embedding, one row per example
 */
public record EncodedSplit(long[][] ids, long[] hardLabels, SoftTargets teacher) {

    public EncodedSplit {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(hardLabels, "hardLabels");
        Objects.requireNonNull(teacher, "teacher");
        if (ids.length != hardLabels.length || ids.length != teacher.rows()) {
            throw new IllegalArgumentException("ids, hardLabels and teacher must have one row per example: "
                    + ids.length + ", " + hardLabels.length + " and " + teacher.rows());
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length == 0) {
                throw new IllegalArgumentException("ids: example " + i + " has no token");
            }
        }
    }

    /** Examples without hard labels, e.g. for the embedding objectives. */
    public static EncodedSplit unlabelled(long[][] ids, SoftTargets teacher) {
        long[] hardLabels = new long[Objects.requireNonNull(ids, "ids").length];
        Arrays.fill(hardLabels, DistillationLoss.NO_LABEL);
        return new EncodedSplit(ids, hardLabels, teacher);
    }

    public int size() {
        return this.ids.length;
    }

    /** Whether at least one example has a hard label (a non-negative class index). */
    public boolean hasHardLabels() {
        return Arrays.stream(this.hardLabels).anyMatch(label -> label >= 0);
    }

    int[] lengths() {
        int[] lengths = new int[this.ids.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = this.ids[i].length;
        }
        return lengths;
    }

    /** The class an example should get: its hard label, or the teacher's argmax. */
    int target(int index) {
        return this.hardLabels[index] != DistillationLoss.NO_LABEL ? (int) this.hardLabels[index]
                : argmax(this.teacher.row(index));
    }

    /**
     * The rows named by {@code batch} as {@code {ids, mask}}, padded with id 0 and mask 0 to the longest
     * of them: the input of {@link StudentModel#predict}.
     */
    public long[][][] padded(int[] batch) {
        int length = 0;
        for (int index : batch) {
            length = Math.max(length, this.ids[index].length);
        }
        long[][] ids = new long[batch.length][length];
        long[][] mask = new long[batch.length][length];
        for (int i = 0; i < batch.length; i++) {
            long[] row = this.ids[batch[i]];
            System.arraycopy(row, 0, ids[i], 0, row.length);
            Arrays.fill(mask[i], 0, row.length, 1);
        }
        return new long[][][] {ids, mask};
    }

    NDList inputs(NDManager manager, int[] batch) {
        long[][][] padded = padded(batch);
        Shape shape = new Shape(batch.length, padded[0][0].length);
        return new NDList(manager.create(flatten(padded[0]), shape), manager.create(flatten(padded[1]), shape));
    }

    /** The teacher's rows, then (for classification) the hard labels. */
    NDList labels(NDManager manager, int[] batch, Objective objective) {
        float[] rows = new float[batch.length * this.teacher.width()];
        this.teacher.rows(batch, rows);
        NDArray teacherRows = manager.create(rows, new Shape(batch.length, this.teacher.width()));
        if (objective.isEmbedding()) {
            return new NDList(teacherRows);
        }
        long[] hard = new long[batch.length];
        for (int i = 0; i < batch.length; i++) {
            hard[i] = this.hardLabels[batch[i]];
        }
        return new NDList(teacherRows, manager.create(hard));
    }

    private static long[] flatten(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }

    /** The index of the largest value, the first of equal ones. */
    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
