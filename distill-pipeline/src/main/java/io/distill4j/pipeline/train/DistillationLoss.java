package io.distill4j.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import io.distill4j.api.exception.InvalidInputException;

/**
 * The knowledge-distillation loss of Hinton et al. for classifiers:
 *
 * <pre>
 * loss = alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T))  +  (1 - alpha) * CE(student, hardLabel)
 * </pre>
 *
 * The {@code T^2} factor keeps the soft term's gradient on the scale of the hard term's as {@code T}
 * grows ({@code d/ds [T^2 KL] = T (softmax(s/T) - softmax(t/T))}).
 *
 * <p><b>Arrays.</b> {@code predictions} holds one array, the student's logits {@code [B, C]}.
 * {@code labels} holds, in this order:
 * <ol>
 * <li>the teacher's logits {@code [B, C]} (required; cast to the student's data type);</li>
 * <li>the hard labels {@code [B]}, class indices of any integer type (optional). A negative index,
 * e.g. {@link #NO_LABEL}, marks a row that has no hard label: it contributes only the soft term.
 * Leaving the array out marks every row so.</li>
 * </ol>
 *
 * <p><b>Reduction.</b> The soft term is the mean of the per-row KL over all {@code B} rows (PyTorch's
 * {@code reduction="batchmean"}). The hard term is the mean of the per-row cross-entropy over the
 * labelled rows only, as PyTorch's {@code ignore_index}; a batch with no labelled row adds 0. So the
 * weight of each term does not depend on how many rows of a batch happen to be labelled. With
 * {@code alpha = 1} the hard labels are not read; with {@code alpha = 0} the teacher is not read (but
 * its logits still fix the shape) and hard labels are required.
 *
 * <pre>{@code
 * Loss loss = DistillationLoss.builder().temperature(2).alpha(0.5f).build();
 * TrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(Optimizer.adamW().build());
 * // labels = new NDList(teacherLogits, hardLabels), predictions = new NDList(studentLogits)
 * }</pre>
 *
 * <p><b>Schedule.</b> Built with {@link #builder()}, {@code T} and {@code alpha} are the same for every
 * batch. A {@link StudentTrainer} whose {@link TrainerConfig} anneals the temperature or warms up on the hard
 * labels builds its loss on a {@link DistillationSchedule} that it moves to each epoch before its first
 * batch, so {@code T} and {@code alpha} are those of the epoch.
 *
 * <p>A loss has no parameters and holds no native memory; its results are attached to the manager of
 * the student's logits. Its constants live in PyTorch's memory, not in Java buffers, so that the
 * backward pass never reads a buffer the garbage collector has freed (see {@code Scalars}).
 */
public final class DistillationLoss extends Loss {

    /** Hard-label value of a row without a hard label (any negative value works). */
    public static final long NO_LABEL = -1;

    private final DistillationSchedule schedule;

    private DistillationLoss(String name, DistillationSchedule schedule) {
        super(name);
        this.schedule = schedule;
    }

    /**
     * A loss whose temperature and alpha follow {@code schedule}, epoch by epoch, as the trainer advances
     * it; see {@link DistillationSchedule}.
     */
    static DistillationLoss scheduled(DistillationSchedule schedule) {
        return new DistillationLoss("DistillationLoss", schedule);
    }

    /** A builder with {@code temperature = 2}, {@code alpha = 0.5}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The softmax temperature {@code T > 0} (of the current epoch, when the trainer schedules it). */
    public float temperature() {
        return this.schedule.temperature();
    }

    /**
     * Weight of the soft (teacher) term, in {@code [0, 1]}; the hard term gets {@code 1 - alpha} (of the
     * current epoch, when the trainer schedules it).
     */
    public float alpha() {
        return this.schedule.alpha();
    }

    /**
     * Computes the loss as a scalar.
     * @param labels teacher logits {@code [B, C]}, then optionally hard labels {@code [B]}
     * @param predictions the student's logits {@code [B, C]}
     * @throws InvalidInputException if an array is missing or its shape or type does not fit
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray student = studentLogits(predictions);
        NDArray teacher = teacherLogits(labels, student);
        float temperature = this.schedule.temperature();
        float alpha = this.schedule.alpha();
        NDArray soft = null;
        if (alpha > 0) {
            NDArray studentLogProbs = student.div(Scalars.of(student, temperature)).logSoftmax(1);
            NDArray teacherLogProbs = teacher.div(Scalars.of(teacher, temperature)).logSoftmax(1);
            NDArray perRow = teacherLogProbs.exp().mul(teacherLogProbs.sub(studentLogProbs)).sum(new int[] { 1 });
            soft = perRow.mean().mul(Scalars.of(perRow, alpha * temperature * temperature));
        }
        if (alpha == 1f) {
            return soft;
        }
        NDArray hard = hardTerm(labels, student);
        if (hard == null) {
            if (soft == null) {
                throw new InvalidInputException(null, "labels[1]",
                        "alpha = 0 (or a hard-label warm-up epoch) trains on hard labels only, but the labels"
                        + " carry no hard-label array");
            }
            return soft;
        }
        hard = hard.mul(Scalars.of(hard, 1f - alpha));
        return (soft != null) ? soft.add(hard) : hard;
    }

    private static NDArray studentLogits(NDList predictions) {
        if (predictions == null || predictions.size() != 1) {
            throw new InvalidInputException(null, "predictions", "expected one array, the student's logits [batch, classes], got "
                    + (predictions == null ? "none" : predictions.size()));
        }
        NDArray student = predictions.get(0);
        Shape shape = student.getShape();
        if (shape.dimension() != 2 || shape.get(1) < 1) {
            throw new InvalidInputException(null, "predictions[0]", "student logits must be [batch, classes], got " + shape);
        }
        if (!student.getDataType().isFloating()) {
            throw new InvalidInputException(null, "predictions[0]", "student logits must be floating point, got "
                    + student.getDataType());
        }
        return student;
    }

    private static NDArray teacherLogits(NDList labels, NDArray student) {
        if (labels == null || labels.isEmpty() || labels.size() > 2) {
            throw new InvalidInputException(null, "labels", "expected teacher logits [batch, classes] and optionally hard labels"
                    + " [batch], got " + (labels == null ? "none" : labels.size() + " arrays"));
        }
        NDArray teacher = labels.get(0);
        if (!teacher.getShape().equals(student.getShape())) {
            throw new InvalidInputException(null, "labels[0]", "teacher logits " + teacher.getShape()
                    + " must have the student's shape " + student.getShape());
        }
        if (!teacher.getDataType().isFloating()) {
            throw new InvalidInputException(null, "labels[0]", "teacher logits must be floating point, got " + teacher.getDataType());
        }
        return (teacher.getDataType() == student.getDataType()) ? teacher : teacher.toType(student.getDataType(), false);
    }

    /** Mean cross-entropy over the labelled rows, or {@code null} when no hard-label array is given. */
    private static NDArray hardTerm(NDList labels, NDArray student) {
        if (labels.size() < 2) {
            return null;
        }
        NDArray hardLabels = labels.get(1);
        long batch = student.getShape().get(0);
        long classes = student.getShape().get(1);
        if (!hardLabels.getDataType().isInteger() || hardLabels.getShape().dimension() != 1
                || hardLabels.getShape().get(0) != batch) {
            throw new InvalidInputException(null, "labels[1]", "hard labels must be integer class indices [" + batch + "], got "
                    + hardLabels.getDataType() + " " + hardLabels.getShape());
        }
        NDArray indices = hardLabels.toType(DataType.INT64, false);
        if (batch > 0) {
            long max = indices.max().getLong();
            if (max >= classes) {
                throw new InvalidInputException(null, "labels[1]", "hard label " + max + " is out of range: the student has "
                        + classes + " classes (0.." + (classes - 1) + "; negative means no label)");
            }
        }
        NDArray isLabelled = indices.gte(0);
        // Unlabelled rows pick class 0 (index * 0), then their term is multiplied by 0.
        NDArray safeIndices = indices.mul(isLabelled.toType(DataType.INT64, false));
        NDArray labelled = isLabelled.toType(student.getDataType(), false);
        NDArray picked = student.logSoftmax(1)
            .get(new NDIndex().addAllDim().addPickDim(safeIndices.reshape(batch, 1)))
            .reshape(batch);
        NDArray sum = picked.neg().mul(labelled).sum();
        return sum.div(labelled.sum().maximum(Scalars.of(labelled, 1f)));
    }

    /** Builder for {@link DistillationLoss}. */
    public static final class Builder {

        private String name = "DistillationLoss";

        private float temperature = 2f;

        private float alpha = 0.5f;

        private Builder() {
        }

        /** @param temperature softmax temperature, finite and {@code > 0}; 1 is the plain softmax */
        public Builder temperature(float temperature) {
            if (!(temperature > 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and > 0, was " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** @param alpha weight of the soft term in {@code [0, 1]} */
        public Builder alpha(float alpha) {
            if (!(alpha >= 0f && alpha <= 1f)) {
                throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** @param name the name DJL shows in training logs and metrics */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        public DistillationLoss build() {
            return new DistillationLoss(this.name, DistillationSchedule.constant(this.temperature, this.alpha));
        }
    }
}
