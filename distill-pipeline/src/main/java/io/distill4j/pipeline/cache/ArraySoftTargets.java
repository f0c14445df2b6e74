package io.distill4j.pipeline.cache;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.distill4j.api.distill.SoftTargetPrecision;

/** {@link SoftTargets} over one row-major {@code float[]}. */
final class ArraySoftTargets implements SoftTargets {

    private final float[] values;

    private final int rows;

    private final int width;

    private final AtomicBoolean closed = new AtomicBoolean();

    private ArraySoftTargets(float[] values, int rows, int width) {
        this.values = values;
        this.rows = rows;
        this.width = width;
    }

    static ArraySoftTargets copyOf(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("rows must hold at least one row, to fix the width");
        }
        int width = rows[0] == null ? 0 : rows[0].length;
        if (width == 0) {
            throw new IllegalArgumentException("rows[0] must hold at least one value");
        }
        if ((long) rows.length * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rows: " + rows.length + " x " + width
                    + " values exceed the " + (Integer.MAX_VALUE - 8) + " an array can hold; use the file cache");
        }
        float[] values = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != width) {
                throw new IllegalArgumentException("rows[" + i + "] has " + (rows[i] == null ? "no" : rows[i].length)
                        + " values, expected " + width + " like rows[0]");
            }
            System.arraycopy(rows[i], 0, values, i * width, width);
        }
        return new ArraySoftTargets(values, rows.length, width);
    }

    @Override
    public int rows() {
        return this.rows;
    }

    @Override
    public int width() {
        return this.width;
    }

    @Override
    public SoftTargetPrecision precision() {
        return SoftTargetPrecision.FLOAT32;
    }

    @Override
    public float[] row(int index) {
        checkOpen();
        Objects.checkIndex(index, this.rows);
        float[] row = new float[this.width];
        System.arraycopy(this.values, index * this.width, row, 0, this.width);
        return row;
    }

    @Override
    public void rows(int from, int to, float[] into) {
        checkOpen();
        Objects.checkFromToIndex(from, to, this.rows);
        int count = (to - from) * this.width;
        Objects.checkFromIndexSize(0, count, into.length);
        System.arraycopy(this.values, from * this.width, into, 0, count);
    }

    @Override
    public void rows(int[] indices, float[] into) {
        checkOpen();
        Objects.checkFromIndexSize(0, indices.length * this.width, into.length);
        for (int i = 0; i < indices.length; i++) {
            Objects.checkIndex(indices[i], this.rows);
            System.arraycopy(this.values, indices[i] * this.width, into, i * this.width, this.width);
        }
    }

    @Override
    public void close() {
        this.closed.set(true);
    }

    private void checkOpen() {
        if (this.closed.get()) {
            throw new IllegalStateException("These in-memory soft targets are closed");
        }
    }

    @Override
    public String toString() {
        return "SoftTargets[in memory, " + this.rows + " x " + this.width + ", FP32]";
    }
}
