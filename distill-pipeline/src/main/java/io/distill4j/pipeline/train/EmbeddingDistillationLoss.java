package io.distill4j.pipeline.train;

import java.util.Locale;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import io.distill4j.api.exception.InvalidInputException;

/**
 * Distils a sentence embedding: pulls the student's embedding {@code [B, D]} towards the teacher's
 * {@code [B, D]}, by mean squared error or by cosine distance.
 *
 * <ul>
 * <li>{@link Distance#MSE}: mean over all {@code B * D} elements of {@code (student - teacher)^2}
 * (PyTorch's {@code MSELoss()}). Matches scale as well as direction.</li>
 * <li>{@link Distance#COSINE}: mean over rows of {@code 1 - cos(student, teacher)}, each norm
 * clamped to at least {@code 1e-8} (DistilBERT's cosine loss). Ignores scale; use it when the
 * embeddings are L2-normalised at inference.</li>
 * </ul>
 *
 * <p><b>Arrays.</b> {@code labels} holds one array, the teacher's embeddings {@code [B, D]};
 * {@code predictions} holds one array, the student's {@code [B, D]} of the same width {@code D}.
 *
 * <p><b>Different widths.</b> A DJL loss has no parameters, so when the student is narrower than the
 * teacher (say 128 vs 384) the learned projection lives in a block: put a {@link ProjectionHead} after
 * the student in the block being trained, and export the student without it.
 *
 * <pre>{@code
 * Block trained = new SequentialBlock().add(student).add(new ProjectionHead(384));
 * Loss loss = EmbeddingDistillationLoss.cosine();
 * // labels = new NDList(teacherEmbeddings [B, 384]); predictions = trained's output [B, 384]
 * }</pre>
 */
public final class EmbeddingDistillationLoss extends Loss {

    /** How the distance between the two embeddings is measured. */
    public enum Distance {

        /** Mean squared error over all elements. */
        MSE,

        /** One minus the cosine similarity, averaged over rows. */
        COSINE

    }

    private static final float NORM_EPSILON = 1e-8f;

    private final Distance distance;

    private EmbeddingDistillationLoss(String name, Distance distance) {
        super(name);
        this.distance = distance;
    }

    /** Mean squared error between student and teacher embeddings. */
    public static EmbeddingDistillationLoss mse() {
        return of(Distance.MSE);
    }

    /** Mean cosine distance {@code 1 - cos} between student and teacher embeddings. */
    public static EmbeddingDistillationLoss cosine() {
        return of(Distance.COSINE);
    }

    /** A loss with the given distance, named e.g. {@code EmbeddingDistillationLoss(cosine)}. */
    public static EmbeddingDistillationLoss of(Distance distance) {
        Objects.requireNonNull(distance, "distance");
        return new EmbeddingDistillationLoss("EmbeddingDistillationLoss(" + distance.name().toLowerCase(Locale.ROOT) + ")",
                distance);
    }

    public Distance distance() {
        return this.distance;
    }

    /**
     * Computes the loss as a scalar.
     * @param labels the teacher's embeddings {@code [B, D]}
     * @param predictions the student's (projected) embeddings {@code [B, D]}
     * @throws InvalidInputException if an array is missing or the shapes differ
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray student = single(predictions, "predictions", "the student's embeddings");
        NDArray teacher = single(labels, "labels", "the teacher's embeddings");
        Shape s = student.getShape();
        Shape t = teacher.getShape();
        if (s.dimension() != 2 || !student.getDataType().isFloating()) {
            throw new InvalidInputException(null, "predictions[0]", "student embeddings must be floating point [batch, width], got "
                    + student.getDataType() + " " + s);
        }
        if (t.dimension() != 2 || t.get(0) != s.get(0) || !teacher.getDataType().isFloating()) {
            throw new InvalidInputException(null, "labels[0]", "teacher embeddings must be floating point [" + s.get(0)
                    + ", width], got " + teacher.getDataType() + " " + t);
        }
        if (t.get(1) != s.get(1)) {
            throw new InvalidInputException(null, "predictions[0]", "student width " + s.get(1) + " differs from the teacher's "
                    + t.get(1) + "; train with a ProjectionHead(" + t.get(1) + ") after the student");
        }
        if (teacher.getDataType() != student.getDataType()) {
            teacher = teacher.toType(student.getDataType(), false);
        }
        if (this.distance == Distance.MSE) {
            return student.sub(teacher).square().mean();
        }
        NDArray dot = student.mul(teacher).sum(new int[] { 1 });
        NDArray studentNorm = student.square().sum(new int[] { 1 }).sqrt().maximum(Scalars.of(student, NORM_EPSILON));
        NDArray teacherNorm = teacher.square().sum(new int[] { 1 }).sqrt().maximum(Scalars.of(teacher, NORM_EPSILON));
        NDArray cos = dot.div(studentNorm.mul(teacherNorm));
        return cos.neg().add(Scalars.of(cos, 1f)).mean();
    }

    private static NDArray single(NDList list, String field, String what) {
        if (list == null || list.size() != 1) {
            throw new InvalidInputException(null, field, "expected one array, " + what + " [batch, width], got "
                    + (list == null ? "none" : list.size() + " arrays"));
        }
        return list.get(0);
    }
}
