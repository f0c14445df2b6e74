package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.engine.digest.Sha256;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The layout of a cache file (format version 1), all numbers little-endian:
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "D4J-SOFT"
 *      8     4  format version (1)
 *     12     4  precision: 1 = FLOAT32, 2 = FLOAT16 (see {@link #precisionCode})
 *     16     4  rows
 *     20     4  width (values per row)
 *     24    32  the cache key, SHA-256 (the file is named after its hex)
 *     56     4  length of the info block in bytes
 *     60     4  CRC32C of the whole file, computed with these four bytes as zero
 *     64     n  info: UTF-8 JSON {"producer", "created", "key", "components"}, for people and tools
 *      …     …  zero padding up to the data offset, the next multiple of 64
 *      …     …  rows × width values, row-major: float32 or binary16
 * </pre>
 *
 * The file ends exactly after the last value. Readers check every field, the size and the checksum
 * before they use a file; a file that fails any check is not a cache entry.
 */
final class CacheFile {

    static final byte[] MAGIC = "D4J-SOFT".getBytes(StandardCharsets.US_ASCII);

    static final int FIXED_HEADER_BYTES = 64;

    static final int CHECKSUM_OFFSET = 60;

    static final int ALIGNMENT = 64;

    /** Largest width accepted: 2^20 values a row (the logits of a very large vocabulary). */
    static final int MAX_WIDTH = 1 << 20;

    /** Largest info block a reader accepts. */
    static final int MAX_INFO_BYTES = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CacheFile() {
    }

    /** The code a precision is stored under in the header; fixed by the format, whatever the enum's order. */
    static int precisionCode(SoftTargetPrecision precision) {
        return switch (precision) {
            case FLOAT32 -> 1;
            case FLOAT16 -> 2;
        };
    }

    /** The precision stored under {@code code}, or {@code null} if no precision is. */
    static SoftTargetPrecision precision(int code) {
        return switch (code) {
            case 1 -> SoftTargetPrecision.FLOAT32;
            case 2 -> SoftTargetPrecision.FLOAT16;
            default -> null;
        };
    }

    /** The fields of a header. */
    record Header(int version, SoftTargetPrecision precision, int rows, int width, byte[] key, long dataOffset) {

        long dataBytes() {
            return (long) this.rows * this.width * this.precision.bytesPerValue();
        }

        long fileBytes() {
            return this.dataOffset + dataBytes();
        }
    }

    /** A file that is not a valid entry for the key it was opened for; the message says why. */
    static final class InvalidEntryException extends Exception {

        private static final long serialVersionUID = 1L;

        InvalidEntryException(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The header and info block of a new file, up to the data offset, with a zero checksum field.
     */
    static byte[] header(CacheKey key, int rows, int width, SoftTargetPrecision precision) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("producer", "distill4j");
        info.put("created", Instant.now().toString());
        info.put("key", key.hex());
        info.put("components", key.components());
        byte[] json = JSON.writeValueAsBytes(info);
        int dataOffset = align(FIXED_HEADER_BYTES + json.length);
        ByteBuffer header = ByteBuffer.allocate(dataOffset).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC)
                .putInt(CacheKey.FORMAT_VERSION)
                .putInt(precisionCode(precision))
                .putInt(rows)
                .putInt(width)
                .put(key.digest())
                .putInt(json.length)
                .putInt(0)
                .put(json);
        return header.array();
    }

    /**
     * Reads and checks a whole file against {@code key}: header fields, size, and checksum (which reads
     * every byte once, so the data is in the page cache when it is mapped).
     *
     * @throws InvalidEntryException if any check fails; the message is the reason
     */
    static Header read(FileChannel channel, CacheKey key) throws IOException, InvalidEntryException {
        long size = channel.size();
        if (size < FIXED_HEADER_BYTES) {
            throw new InvalidEntryException("truncated: " + size + " bytes, shorter than the " + FIXED_HEADER_BYTES
                    + "-byte header");
        }
        ByteBuffer fixed = ByteBuffer.allocate(FIXED_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, fixed, 0);
        fixed.flip();
        byte[] magic = new byte[MAGIC.length];
        fixed.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new InvalidEntryException("not a soft-target cache file (wrong magic bytes)");
        }
        int version = fixed.getInt();
        if (version != CacheKey.FORMAT_VERSION) {
            throw new InvalidEntryException("format version " + version + ", this reader reads version "
                    + CacheKey.FORMAT_VERSION);
        }
        int precisionCode = fixed.getInt();
        SoftTargetPrecision precision = precision(precisionCode);
        if (precision == null) {
            throw new InvalidEntryException("unknown precision code " + precisionCode);
        }
        int rows = fixed.getInt();
        int width = fixed.getInt();
        if (rows < 0 || width < 1 || width > MAX_WIDTH) {
            throw new InvalidEntryException("header says " + rows + " rows of width " + width
                    + "; rows must be >= 0 and width in [1, " + MAX_WIDTH + "]");
        }
        byte[] stored = new byte[32];
        fixed.get(stored);
        if (!Arrays.equals(stored, key.digest())) {
            throw new InvalidEntryException("written for key " + Sha256.hex(stored) + ", not "
                    + key.hex());
        }
        int infoLength = fixed.getInt();
        if (infoLength < 0 || infoLength > MAX_INFO_BYTES) {
            throw new InvalidEntryException("info block of " + infoLength + " bytes, the limit is " + MAX_INFO_BYTES);
        }
        int storedChecksum = fixed.getInt();
        Header header = new Header(version, precision, rows, width, stored, align(FIXED_HEADER_BYTES + infoLength));
        if (size != header.fileBytes()) {
            throw new InvalidEntryException((size < header.fileBytes() ? "truncated: " : "size mismatch: ") + size
                    + " bytes, the header implies " + header.fileBytes() + " (" + rows + " x " + width + " "
                    + precision + ")");
        }
        ByteBuffer info = ByteBuffer.allocate(infoLength);
        readFully(channel, info, FIXED_HEADER_BYTES);
        checkInfo(info.array(), key);
        int actualChecksum = checksum(channel, size);
        if (actualChecksum != storedChecksum) {
            throw new InvalidEntryException("checksum mismatch: stored " + Integer.toHexString(storedChecksum)
                    + ", computed " + Integer.toHexString(actualChecksum));
        }
        return header;
    }

    private static void checkInfo(byte[] info, CacheKey key) throws InvalidEntryException {
        JsonNode node;
        try {
            node = JSON.readTree(info);
        }
        catch (JacksonException ex) {
            throw new InvalidEntryException("info block is not JSON: " + ex.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !key.hex().equals(node.path("key").asString(""))) {
            throw new InvalidEntryException("info block does not name key " + key.hex());
        }
    }

    /** CRC32C of the file with the checksum field read as zero. */
    private static int checksum(FileChannel channel, long size) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long position = 0;
        while (position < size) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while being read, at byte " + position);
            }
            buffer.flip();
            for (long i = Math.max(position, CHECKSUM_OFFSET); i < Math.min(position + n, CHECKSUM_OFFSET + 4); i++) {
                buffer.put((int) (i - position), (byte) 0);
            }
            crc.update(buffer);
            position += n;
        }
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    static int align(long offset) {
        return (int) ((offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
    }
}
