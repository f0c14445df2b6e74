package io.distill4j.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.distill4j.pipeline.student.StudentModel;

/**
 * What happens inside a teacher for a batch of the student's inputs: the hidden states and the attention
 * probabilities that {@link IntermediateDistillationLoss} pulls the student towards. The teacher is frozen:
 * inference mode, no dropout, no gradient.
 *
 * <p>{@link #of(StudentModel, long[])} serves any full-size teacher held as a DJL model whose block is a
 * {@link io.distill4j.pipeline.student.LayeredBlock} (a BERT-family encoder read into a
 * {@code TransformerStudent} with all its layers and its whole vocabulary by
 * {@code BertEncoderWeights.internals}, or a teacher fine-tuned in the JVM). When the student's vocabulary
 * was pruned, the student's token ids are mapped back to the teacher's through the kept-ids table before the
 * teacher runs.
 *
 * <p>The instance owns the teacher's model and frees it on {@link #close()} (idempotent); a forward pass
 * after it throws {@link IllegalStateException}. Not for several threads at once.
 */
public interface TeacherInternals extends AutoCloseable {

    /** The teacher's encoder layers {@code N}. */
    int layers();

    /** The width {@code H_t} of its hidden states. */
    int hiddenSize();

    /** Its attention heads per layer. */
    int heads();

    /**
     * The teacher's internals for a batch of the student's inputs.
     * @param manager receives every array returned (and the intermediate ones)
     * @param studentIds {@code [B, T]} int64, the student's token ids (pruned ids when the vocabulary was pruned)
     * @param attentionMask {@code [B, T]}, 1 for a real token
     * @return {@code N + 1} hidden states {@code [B, T, H_t]} (embeddings, then each layer), then {@code N}
     *     attention probabilities {@code [B, heads, T, T]}
     */
    NDList forward(NDManager manager, NDArray studentIds, NDArray attentionMask);

    /** Frees the teacher's model; idempotent. */
    @Override
    void close();

    /**
     * The internals of a teacher held as a model; the returned instance owns {@code teacher} and closes it.
     * @param teacher an open model whose block is a {@link io.distill4j.pipeline.student.LayeredBlock}
     * @param keptIds the teacher id of each student id (the kept ids of vocabulary pruning), or {@code null}
     *     when the student uses the teacher's ids
     * @throws IllegalArgumentException if the block has no internals to give, or a kept id is outside the
     *     teacher's vocabulary
     */
    static TeacherInternals of(StudentModel teacher, long[] keptIds) {
        return new ModelTeacherInternals(teacher, keptIds);
    }
}
