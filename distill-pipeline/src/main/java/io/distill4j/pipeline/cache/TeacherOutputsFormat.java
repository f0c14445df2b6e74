package io.distill4j.pipeline.cache;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.distill4j.engine.digest.Sha256;

/**
 * The layout of a teacher-outputs folder: a teacher's outputs computed elsewhere (the Spark teacher pass of
 * {@code distill4j-spark}), keyed by text, which the teacher stage reads instead of running the teacher.
 *
 * <pre>
 * &lt;folder&gt;/manifest.json        written last: its presence means every shard is complete
 *                                ({@link TeacherOutputsManifest})
 * &lt;folder&gt;/part-00000.d4jto     shard 0 … shard n-1
 * &lt;folder&gt;/rejected/            (optional) the input rows that were not texts, as JSON Lines
 * </pre>
 *
 * A text's key is the SHA-256 of its UTF-8 bytes; it lives in shard {@link #shardOf} of the key. A shard
 * file, all numbers little-endian:
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "D4J-TOUT"
 *      8     4  format version (1)
 *     12     4  width (float32 values per row)
 *     16     4  this shard's index
 *     20     4  shard count
 *     24     8  reserved (zero)
 *     32     …  rows × (32-byte key, width × float32), keys strictly ascending as unsigned bytes
 *  end-16    8  rows
 *  end-8     4  CRC32C of every byte before this field
 *  end-4     4  end magic "DEND"
 * </pre>
 *
 * Rows are sorted by key so a reader finds a text by binary search in the memory-mapped shard, with no
 * index on the heap; each text appears once.
 */
public final class TeacherOutputsFormat {

    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT_NAME = "distill4j-teacher-outputs";

    /** The format version, in the manifest and in every shard. */
    public static final int VERSION = 1;

    /** Bytes of a row's key. */
    public static final int KEY_BYTES = 32;

    static final byte[] MAGIC = "D4J-TOUT".getBytes(StandardCharsets.US_ASCII);

    static final byte[] END_MAGIC = "DEND".getBytes(StandardCharsets.US_ASCII);

    static final int HEADER_BYTES = 32;

    static final int FOOTER_BYTES = 16;

    /** The most shards a folder may have. */
    public static final int MAX_SHARDS = 1 << 16;

    private TeacherOutputsFormat() {
    }

    /** The key of a text: SHA-256 of its UTF-8 bytes. */
    public static byte[] key(String text) {
        return Sha256.start().update(text.getBytes(StandardCharsets.UTF_8)).digest();
    }

    /** The key as 64 lowercase hex digits (the order of hex strings is the order of the keys). */
    public static String hex(byte[] key) {
        return HexFormat.of().formatHex(key);
    }

    /** The key of 64 hex digits. */
    public static byte[] fromHex(String hex) {
        if (hex.length() != KEY_BYTES * 2) {
            throw new IllegalArgumentException("key: 64 hex digits expected, was " + hex.length() + " characters");
        }
        return HexFormat.of().parseHex(hex);
    }

    /** The shard a key lives in: its first four bytes as an unsigned number, modulo the shard count. */
    public static int shardOf(byte[] key, int shards) {
        long prefix = ((key[0] & 0xFFL) << 24) | ((key[1] & 0xFFL) << 16) | ((key[2] & 0xFFL) << 8) | (key[3] & 0xFFL);
        return (int) (prefix % shards);
    }

    /** The same as {@link #shardOf(byte[], int)} for a key in hex. */
    public static int shardOf(String hexKey, int shards) {
        return (int) (Long.parseLong(hexKey.substring(0, 8), 16) % shards);
    }

    /** The file name of shard {@code index}: {@code part-00000.d4jto}. */
    public static String shardFileName(int index) {
        return String.format(java.util.Locale.ROOT, "part-%05d.d4jto", index);
    }

    /** Bytes of one row of {@code width} values. */
    static long rowBytes(int width) {
        return KEY_BYTES + 4L * width;
    }

    /** Bytes of a shard of {@code rows} rows. */
    public static long shardBytes(long rows, int width) {
        return HEADER_BYTES + rows * rowBytes(width) + FOOTER_BYTES;
    }
}
