package io.distill4j.pipeline.cache;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Writes one shard of a teacher-outputs folder ({@link TeacherOutputsFormat}) to a stream — a local file or
 * a Hadoop file system's — row by row, in ascending key order, so that nothing but one row is held in
 * memory. {@link #finish()} writes the footer; a writer closed without it leaves an incomplete shard, which
 * the caller deletes (a reader refuses it).
 *
 * <pre>{@code
 * try (TeacherOutputsShardWriter writer = new TeacherOutputsShardWriter(out, 3, 16, 384)) {
 *     for (...) writer.append(TeacherOutputsFormat.key(text), vector);   // keys ascending
 *     TeacherOutputsManifest.Shard shard = writer.finish();
 * }
 * }</pre>
 *
 * Not thread-safe.
 */
public final class TeacherOutputsShardWriter implements AutoCloseable {

    private final OutputStream out;

    private final int index;

    private final int shards;

    private final int width;

    private final CRC32C crc = new CRC32C();

    private final ByteBuffer row;

    private byte[] previousKey;

    private long rows;

    private long bytes;

    private boolean finished;

    /**
     * Starts shard {@code index} of {@code shards}, rows of {@code width} values; writes the header.
     *
     * @throws IllegalArgumentException if an argument is out of range
     * @throws UncheckedIOException if the stream cannot be written
     */
    public TeacherOutputsShardWriter(OutputStream out, int index, int shards, int width) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 1 << 16);
        if (shards < 1 || shards > TeacherOutputsFormat.MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be in [1, " + TeacherOutputsFormat.MAX_SHARDS + "], was "
                    + shards);
        }
        if (index < 0 || index >= shards) {
            throw new IllegalArgumentException("index must be in [0, " + shards + "), was " + index);
        }
        if (width < 1 || width > CacheFile.MAX_WIDTH) {
            throw new IllegalArgumentException("width must be in [1, " + CacheFile.MAX_WIDTH + "], was " + width);
        }
        this.index = index;
        this.shards = shards;
        this.width = width;
        this.row = ByteBuffer.allocate((int) TeacherOutputsFormat.rowBytes(width)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer header = ByteBuffer.allocate(TeacherOutputsFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(TeacherOutputsFormat.MAGIC).putInt(TeacherOutputsFormat.VERSION).putInt(width).putInt(index)
                .putInt(shards).putLong(0L);
        write(header.array());
    }

    /**
     * Appends the row of {@code key} (a {@link TeacherOutputsFormat#key text's key} belonging to this shard,
     * greater than the previous row's).
     *
     * @throws IllegalArgumentException if the key is not 32 bytes, not this shard's, not ascending, or the
     *     row is not {@code width} values
     */
    public void append(byte[] key, float[] values) {
        if (this.finished) {
            throw new IllegalStateException("shard " + this.index + " is finished");
        }
        if (key.length != TeacherOutputsFormat.KEY_BYTES) {
            throw new IllegalArgumentException("key must be " + TeacherOutputsFormat.KEY_BYTES + " bytes, was "
                    + key.length);
        }
        if (TeacherOutputsFormat.shardOf(key, this.shards) != this.index) {
            throw new IllegalArgumentException("key " + TeacherOutputsFormat.hex(key) + " belongs to shard "
                    + TeacherOutputsFormat.shardOf(key, this.shards) + ", not " + this.index);
        }
        if (this.previousKey != null && Arrays.compareUnsigned(this.previousKey, key) >= 0) {
            throw new IllegalArgumentException("key " + TeacherOutputsFormat.hex(key) + " is not greater than the "
                    + "previous row's " + TeacherOutputsFormat.hex(this.previousKey) + "; rows must be in strictly "
                    + "ascending key order, each text once");
        }
        if (values.length != this.width) {
            throw new IllegalArgumentException("row of " + values.length + " values, the shard's width is "
                    + this.width);
        }
        this.row.clear();
        this.row.put(key);
        for (float value : values) {
            this.row.putFloat(value);
        }
        write(this.row.array());
        this.previousKey = key.clone();
        this.rows++;
    }

    /** Values per row. */
    public int width() {
        return this.width;
    }

    /** Rows appended so far. */
    public long rows() {
        return this.rows;
    }

    /**
     * Writes the footer and flushes; the shard is complete.
     *
     * @return the shard's entry for the manifest, named {@link TeacherOutputsFormat#shardFileName}
     */
    public TeacherOutputsManifest.Shard finish() {
        if (this.finished) {
            throw new IllegalStateException("shard " + this.index + " is finished");
        }
        ByteBuffer rowCount = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(this.rows);
        write(rowCount.array());
        int checksum = (int) this.crc.getValue();
        ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(checksum)
                .put(TeacherOutputsFormat.END_MAGIC);
        write(tail.array());
        try {
            this.out.flush();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot write shard " + this.index, ex);
        }
        this.finished = true;
        return new TeacherOutputsManifest.Shard(TeacherOutputsFormat.shardFileName(this.index), this.rows,
                this.bytes, Integer.toHexString(checksum));
    }

    /** Closes the stream (without {@link #finish()} the shard is incomplete). */
    @Override
    public void close() {
        try {
            this.out.close();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot close shard " + this.index, ex);
        }
    }

    private void write(byte[] bytes) {
        try {
            this.out.write(bytes);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot write shard " + this.index, ex);
        }
        this.crc.update(bytes);
        this.bytes += bytes.length;
    }
}
