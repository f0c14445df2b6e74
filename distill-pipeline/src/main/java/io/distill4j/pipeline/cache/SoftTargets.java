package io.distill4j.pipeline.cache;

import io.distill4j.api.distill.SoftTargetPrecision;

/**
 * The teacher's outputs for one split: a {@link #rows()} × {@link #width()} matrix of floats, one row
 * per example in data order (the logits of a classifier, or the pooled embedding of an encoder).
 *
 * <p>Instances from {@link SoftTargetCache#open} are memory-mapped, read only and safe for concurrent
 * reads from many threads. The caller owns them and closes them; close is idempotent and any read after
 * it throws {@link IllegalStateException}. Java 17 has no public way to unmap a file: close drops this
 * object's references to the mapping, and the operating system releases it once the garbage collector
 * has collected them (so on Windows the file cannot be deleted before that).
 *
 * <pre>{@code
 * try (SoftTargets targets = cache.open(key).orElseThrow()) {
 *     float[] batch = new float[32 * targets.width()];
 *     targets.rows(0, 32, batch);                 // rows 0..31, row-major
 *     float[] first = targets.row(0);
 * }
 * }</pre>
 */
public interface SoftTargets extends AutoCloseable {

    /** Rows, one per example of the split. */
    int rows();

    /** Values per row: classes for logits, dimensions for embeddings. */
    int width();

    /** How the values are stored; reads return {@code float} either way. */
    SoftTargetPrecision precision();

    /**
     * A copy of row {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, rows())}
     * @throws IllegalStateException if closed
     */
    float[] row(int index);

    /**
     * Copies rows {@code from} (inclusive) to {@code to} (exclusive), row-major, into
     * {@code into[0 .. (to - from) * width())}.
     *
     * @throws IndexOutOfBoundsException if the range is not within {@code [0, rows()]} or
     *     {@code into} is shorter than {@code (to - from) * width()}
     * @throws IllegalStateException if closed
     */
    void rows(int from, int to, float[] into);

    /**
     * Copies the rows named by {@code indices}, in that order, row-major, into
     * {@code into[0 .. indices.length * width())}: a shuffled mini-batch.
     *
     * @throws IndexOutOfBoundsException if an index is not in {@code [0, rows())} or {@code into} is
     *     shorter than {@code indices.length * width()}
     * @throws IllegalStateException if closed
     */
    void rows(int[] indices, float[] into);

    /** Releases this view; idempotent. */
    @Override
    void close();

    /**
     * Soft targets held in memory, FP32, for teachers small enough to run beside the student (the
     * online mode) and for tests. The rows are copied; all rows must have the same, non-zero length.
     */
    static SoftTargets of(float[][] rows) {
        return ArraySoftTargets.copyOf(rows);
    }
}
