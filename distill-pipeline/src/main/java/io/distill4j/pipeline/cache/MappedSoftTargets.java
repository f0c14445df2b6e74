package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

import io.distill4j.api.distill.SoftTargetPrecision;

/**
 * {@link SoftTargets} over a read-only mapping of a validated cache file. A single mapping is limited
 * to 2 GiB, so the data is mapped in chunks of whole rows; a row never spans two chunks. Reads use
 * absolute gets only, so concurrent readers need no locking.
 */
final class MappedSoftTargets implements SoftTargets {

    /** Default chunk size: 1 GiB of rows per mapping. */
    static final long DEFAULT_CHUNK_BYTES = 1L << 30;

    private final Path path;

    private final int rows;

    private final int width;

    private final SoftTargetPrecision precision;

    private final int rowsPerChunk;

    /** {@code FloatBuffer}s for FP32, {@code ShortBuffer}s for FP16; {@code null} once closed. */
    private volatile Buffer[] chunks;

    private MappedSoftTargets(Path path, int rows, int width, SoftTargetPrecision precision, int rowsPerChunk, Buffer[] chunks) {
        this.path = path;
        this.rows = rows;
        this.width = width;
        this.precision = precision;
        this.rowsPerChunk = rowsPerChunk;
        this.chunks = chunks;
    }

    /**
     * Maps the data of a validated file. The mapping stays valid after {@code channel} is closed.
     *
     * @param chunkBytes the most bytes one mapping covers (at least one row is always mapped together)
     */
    static MappedSoftTargets map(FileChannel channel, Path path, CacheFile.Header header, long chunkBytes)
            throws IOException {
        long rowBytes = (long) header.width() * header.precision().bytesPerValue();
        int rowsPerChunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.min(chunkBytes, Integer.MAX_VALUE) / rowBytes));
        int chunkCount = (int) ((header.rows() + (long) rowsPerChunk - 1) / rowsPerChunk);
        Buffer[] chunks = new Buffer[chunkCount];
        for (int c = 0; c < chunkCount; c++) {
            long firstRow = (long) c * rowsPerChunk;
            long chunkRows = Math.min(rowsPerChunk, header.rows() - firstRow);
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY,
                    header.dataOffset() + firstRow * rowBytes, chunkRows * rowBytes);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            chunks[c] = header.precision() == SoftTargetPrecision.FLOAT32 ? mapped.asFloatBuffer() : mapped.asShortBuffer();
        }
        return new MappedSoftTargets(path, header.rows(), header.width(), header.precision(), rowsPerChunk, chunks);
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
        return this.precision;
    }

    /** The mapped file. */
    Path path() {
        return this.path;
    }

    @Override
    public float[] row(int index) {
        Buffer[] mapped = open();
        Objects.checkIndex(index, this.rows);
        float[] row = new float[this.width];
        read(mapped, index, row, 0);
        return row;
    }

    @Override
    public void rows(int from, int to, float[] into) {
        Buffer[] mapped = open();
        Objects.checkFromToIndex(from, to, this.rows);
        Objects.checkFromIndexSize(0, Math.multiplyExact(to - from, this.width), into.length);
        for (int r = from; r < to; r++) {
            read(mapped, r, into, (r - from) * this.width);
        }
    }

    @Override
    public void rows(int[] indices, float[] into) {
        Buffer[] mapped = open();
        Objects.checkFromIndexSize(0, Math.multiplyExact(indices.length, this.width), into.length);
        for (int i = 0; i < indices.length; i++) {
            read(mapped, Objects.checkIndex(indices[i], this.rows), into, i * this.width);
        }
    }

    private void read(Buffer[] mapped, int row, float[] into, int offset) {
        Buffer chunk = mapped[row / this.rowsPerChunk];
        int start = (row % this.rowsPerChunk) * this.width;
        if (this.precision == SoftTargetPrecision.FLOAT32) {
            ((FloatBuffer) chunk).get(start, into, offset, this.width);
        }
        else {
            ShortBuffer halves = (ShortBuffer) chunk;
            for (int k = 0; k < this.width; k++) {
                into[offset + k] = HalfFloats.toFloat(halves.get(start + k));
            }
        }
    }

    private Buffer[] open() {
        Buffer[] mapped = this.chunks;
        if (mapped == null) {
            throw new IllegalStateException("Soft targets " + this.path + " are closed");
        }
        return mapped;
    }

    /** Drops the mappings; the operating system unmaps them when they are garbage collected. */
    @Override
    public void close() {
        this.chunks = null;
    }

    @Override
    public String toString() {
        return "SoftTargets[" + this.path + ", " + this.rows + " x " + this.width + ", " + this.precision
                + (this.chunks == null ? ", closed]" : "]");
    }
}
