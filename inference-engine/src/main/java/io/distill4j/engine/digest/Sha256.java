package io.distill4j.engine.digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, written as 64 lower-case hex digits. Text is hashed as its UTF-8 bytes, with nothing added;
 * files are read in 64 KiB chunks, never whole into memory.
 *
 * <p>One-shot: {@link #hexOf(byte[])}, {@link #hexOf(String)}, {@link #hexOf(Path)}. Incremental, over
 * several pieces: {@link #start()}, then {@code update} calls in order, then {@link #hex()} or
 * {@link #digest()}, which finish the hash and reset it. An instance is not thread-safe.
 *
 * <pre>{@code
 * String file = Sha256.hexOf(Path.of("model.onnx"));
 * String parts = Sha256.start().update("teacher").update(modelBytes).hex();
 * }</pre>
 */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();

    private static final int CHUNK = 1 << 16;

    private final MessageDigest digest;

    private Sha256() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            // java.security.MessageDigest requires every Java platform to provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available on this Java platform", ex);
        }
    }

    /** A fresh hash to feed with {@code update} calls. */
    public static Sha256 start() {
        return new Sha256();
    }

    /** The hash of {@code bytes}. */
    public static String hexOf(byte[] bytes) {
        return start().update(bytes).hex();
    }

    /** The hash of {@code text}'s UTF-8 bytes. */
    public static String hexOf(String text) {
        return start().update(text).hex();
    }

    /**
     * The hash of the file's bytes, read as a stream.
     *
     * @throws IOException if the file cannot be read
     */
    public static String hexOf(Path file) throws IOException {
        return start().update(file).hex();
    }

    /** Adds {@code bytes}. */
    public Sha256 update(byte[] bytes) {
        this.digest.update(bytes);
        return this;
    }

    /** Adds the bytes from the buffer's position to its limit, and moves the position to the limit. */
    public Sha256 update(ByteBuffer bytes) {
        this.digest.update(bytes);
        return this;
    }

    /** Adds {@code text}'s UTF-8 bytes, without a length or a terminator. */
    public Sha256 update(String text) {
        this.digest.update(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Adds the file's bytes, read as a stream.
     *
     * @throws IOException if the file cannot be read; the bytes read so far stay added
     */
    public Sha256 update(Path file) throws IOException {
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                this.digest.update(buffer, 0, n);
            }
        }
        return this;
    }

    /** The 32 bytes of the hash of everything added; the hash starts again empty. */
    public byte[] digest() {
        return this.digest.digest();
    }

    /** The hash of everything added as 64 lower-case hex digits; the hash starts again empty. */
    public String hex() {
        return HEX.formatHex(this.digest.digest());
    }

    /** {@code bytes} as lower-case hex digits, two per byte: the encoding of every digest here. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
