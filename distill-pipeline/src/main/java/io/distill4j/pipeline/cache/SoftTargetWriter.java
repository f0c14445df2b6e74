package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;

/**
 * Writes one cache entry: exactly the declared number of rows, in data order, then {@link #commit()}.
 * Rows go to a temporary file beside the entry; commit checks the count, writes the checksum, forces
 * the file to disk and renames it onto the entry's name in one atomic step, so a reader sees either no
 * entry or a complete one. Closing without commit (an exception in the teacher, a cancelled job)
 * deletes the temporary file; a crashed process leaves it behind for the next writer in the same
 * folder to delete.
 *
 * <p>Values must be finite; with {@link SoftTargetPrecision#FLOAT16} their magnitude must also be below 65520
 * (they round to at most 65504). A bad value throws {@link InvalidInputException} naming its row and
 * column. One thread at a time; obtained from {@link SoftTargetCache#create}, closed by the caller.
 *
 * <pre>{@code
 * try (SoftTargetWriter writer = cache.create(key, texts.size(), 384, SoftTargetPrecision.FLOAT16)) {
 *     for (List<String> batch : batches) {
 *         writer.append(teacher.embed(batch));      // float[batch][384]
 *     }
 *     writer.commit();
 * }
 * }</pre>
 */
public final class SoftTargetWriter implements AutoCloseable {

    private static final int BUFFER_BYTES = 1 << 20;

    private final DirectorySoftTargetCache cache;

    private final CacheKey key;

    private final int rows;

    private final int width;

    private final SoftTargetPrecision precision;

    private final Path temporary;

    private final FileChannel channel;

    private final FileLock lock;

    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);

    private final CRC32C checksum = new CRC32C();

    private final AtomicBoolean closed = new AtomicBoolean();

    private int written;

    private boolean committed;

    SoftTargetWriter(DirectorySoftTargetCache cache, CacheKey key, int rows, int width, SoftTargetPrecision precision,
            Path temporary) throws IOException {
        this.cache = cache;
        this.key = key;
        this.rows = rows;
        this.width = width;
        this.precision = precision;
        this.temporary = temporary;
        FileChannel opened = FileChannel.open(temporary, StandardOpenOption.WRITE);
        try {
            this.lock = tryLock(opened);
            byte[] header = CacheFile.header(key, rows, width, precision);
            this.checksum.update(header);
            writeFully(opened, ByteBuffer.wrap(header));
        }
        catch (IOException | RuntimeException ex) {
            opened.close();
            throw ex;
        }
        this.channel = opened;
    }

    /** The lock marks the file as in use, so that another writer's sweep leaves it alone. */
    private static FileLock tryLock(FileChannel channel) {
        try {
            return channel.tryLock();
        }
        catch (IOException ex) {
            // Some file systems do not support locks; the sweep then also cannot lock, and keeps the file.
            return null;
        }
    }

    /** Rows declared for this entry. */
    public int rows() {
        return this.rows;
    }

    /** Values per row. */
    public int width() {
        return this.width;
    }

    /** Rows appended so far. */
    public int written() {
        return this.written;
    }

    /**
     * Appends one row.
     *
     * @throws IllegalArgumentException if {@code row} does not hold exactly {@link #width()} values
     * @throws IllegalStateException if all declared rows were written, or the writer is committed or closed
     * @throws InvalidInputException if a value is not finite, or too large for FP16
     */
    public void append(float[] row) {
        checkWritable();
        if (row == null || row.length != this.width) {
            throw new IllegalArgumentException("row " + this.written + " has " + (row == null ? "no" : row.length)
                    + " values, the entry's width is " + this.width);
        }
        if (this.written == this.rows) {
            throw new IllegalStateException("rows: all " + this.rows + " declared rows are written already");
        }
        for (int k = 0; k < row.length; k++) {
            // Check the whole row before writing any of it, so that a rejected row leaves nothing behind.
            float value = row[k];
            if (!Float.isFinite(value)) {
                throw new InvalidInputException(null, "row " + this.written + ", column " + k,
                        value + " is not finite; soft targets must be finite numbers");
            }
            if (this.precision == SoftTargetPrecision.FLOAT16 && Math.abs(value) >= HalfFloats.OVERFLOW_THRESHOLD) {
                throw new InvalidInputException(null, "row " + this.written + ", column " + k, value
                        + " is beyond FP16's largest value " + HalfFloats.MAX_VALUE + "; store FP32");
            }
        }
        for (float value : row) {
            if (this.buffer.remaining() < this.precision.bytesPerValue()) {
                flush();
            }
            if (this.precision == SoftTargetPrecision.FLOAT32) {
                this.buffer.putFloat(value);
            }
            else {
                this.buffer.putShort(HalfFloats.toHalf(value));
            }
        }
        this.written++;
    }

    /** Appends a batch of rows, as {@link #append(float[])} each. */
    public void append(float[][] batch) {
        for (float[] row : batch) {
            append(row);
        }
    }

    /**
     * Publishes the entry: from now on {@link SoftTargetCache#lookup} finds it. If another writer
     * committed the same key first, its entry stays and this one is dropped (both hold the same targets).
     *
     * @return the entry's file
     * @throws IllegalStateException if fewer rows than declared were written, or already committed or closed
     * @throws DistillationException if the file cannot be written or moved into place
     */
    public Path commit() {
        checkWritable();
        if (this.written != this.rows) {
            throw new IllegalStateException("rows: " + this.written + " of " + this.rows
                    + " declared rows written; commit needs all of them");
        }
        long size;
        try {
            flush();
            ByteBuffer crc = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            crc.putInt((int) this.checksum.getValue()).flip();
            while (crc.hasRemaining()) {
                this.channel.write(crc, CacheFile.CHECKSUM_OFFSET + crc.position());
            }
            this.channel.force(true);
            size = this.channel.size();
            release();
        }
        catch (IOException ex) {
            close();
            throw new DistillationException(null, "Cannot write soft-target cache file " + this.temporary + ": " + ex,
                    ex);
        }
        this.committed = true;
        this.closed.set(true);
        return this.cache.publish(this.key, this.temporary, size);
    }

    /** Abandons the entry unless committed: deletes the temporary file. Idempotent. */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        try {
            release();
        }
        catch (IOException ex) {
            // Deleting the file below is what matters.
        }
        try {
            Files.deleteIfExists(this.temporary);
        }
        catch (IOException ex) {
            DirectorySoftTargetCache.LOG.warn("Cannot delete the abandoned soft-target file {}: {}", this.temporary,
                    ex.toString());
        }
    }

    private void release() throws IOException {
        try {
            if (this.lock != null && this.lock.isValid()) {
                this.lock.release();
            }
        }
        finally {
            this.channel.close();
        }
    }

    private void flush() throws DistillationException {
        this.buffer.flip();
        this.checksum.update(this.buffer.array(), 0, this.buffer.limit());
        try {
            writeFully(this.channel, this.buffer);
        }
        catch (IOException ex) {
            close();
            throw new DistillationException(null, "Cannot write soft-target cache file " + this.temporary + ": " + ex,
                    ex);
        }
        this.buffer.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void checkWritable() {
        if (this.committed) {
            throw new IllegalStateException("This soft-target writer is committed already");
        }
        if (this.closed.get()) {
            throw new IllegalStateException("This soft-target writer is closed");
        }
    }

    @Override
    public String toString() {
        return "SoftTargetWriter[" + this.key.hex() + ", " + this.written + "/" + this.rows + " x " + this.width
                + ", " + this.precision + "]";
    }
}
