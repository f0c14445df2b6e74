package io.distill4j.engine.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;

/**
 * Replaces a file's content so that readers see the old content or the new, never part of either.
 *
 * <p>Every method writes to a new temporary file {@code .<name>.<random>.part} in the target's folder
 * (so the rename below stays on one file system; it is created with the file system's default
 * permissions, not owner-only ones, since models and reports are meant to be read), forces it to the
 * device, and then renames it over the target with {@link StandardCopyOption#ATOMIC_MOVE}. Where the
 * file system refuses an atomic rename ({@link AtomicMoveNotSupportedException}), it falls back to a
 * plain {@link StandardCopyOption#REPLACE_EXISTING} move, which on such file systems may briefly show
 * readers no file at all, but still never a partial one. When anything fails, including the caller's
 * writer, the temporary file is deleted, the target keeps its old content (or stays absent), and the
 * exception reaches the caller.
 *
 * <p>The target's folder must exist: it is not created here. Concurrent writers of one target do not
 * corrupt it; the last rename wins.
 *
 * <pre>{@code
 * AtomicFiles.writeString(folder.resolve("report.json"), json);
 * AtomicFiles.write(folder.resolve("data.csv"), out -> csv.printTo(out));
 * AtomicFiles.writeFile(folder.resolve("model.json"), temporary -> mapper.writeValue(temporary.toFile(), manifest));
 * }</pre>
 */
public final class AtomicFiles {

    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {
    }

    /** Writes the content of the temporary file through a stream. */
    @FunctionalInterface
    public interface StreamWriter {

        /**
         * Writes the whole content to {@code out}. Closing {@code out} is allowed and only flushes it.
         *
         * @throws IOException to abandon the write; the target keeps its old content
         */
        void write(OutputStream out) throws IOException;
    }

    /** Writes the content of the temporary file by its path, for APIs that open files themselves. */
    @FunctionalInterface
    public interface PathWriter {

        /**
         * Writes the whole content to the existing, empty file {@code temporary}, closing whatever it
         * opens on it before it returns.
         *
         * @throws IOException to abandon the write; the target keeps its old content
         */
        void write(Path temporary) throws IOException;
    }

    /**
     * Replaces {@code target}'s content with {@code bytes}.
     *
     * @throws IOException if the file cannot be written or renamed
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        replace(target, temporary -> {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
        });
    }

    /**
     * Replaces {@code target}'s content with {@code text} encoded as UTF-8.
     *
     * @throws IOException if the file cannot be written or renamed
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code target}'s content with what {@code writer} writes to a buffered stream.
     *
     * @throws IOException if the writer fails or the file cannot be written or renamed
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        replace(target, temporary -> {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                };
                writer.write(out);
                out.flush();
                channel.force(true);
            }
        });
    }

    /**
     * Replaces {@code target}'s content with the file {@code writer} writes at the temporary path.
     *
     * @throws IOException if the writer fails or the file cannot be written or renamed
     */
    public static void writeFile(Path target, PathWriter writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        replace(target, temporary -> {
            writer.write(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        });
    }

    private static void replace(Path target, PathWriter fill) throws IOException {
        Path absolute = Objects.requireNonNull(target, "target").toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null) {
            throw new IllegalArgumentException("target must name a file inside a folder, was " + target);
        }
        Path temporary = Files.createFile(folder.resolve("." + absolute.getFileName() + "." + UUID.randomUUID()
                + ".part"));
        try {
            fill.write(temporary);
            move(temporary, absolute);
        }
        catch (IOException | RuntimeException | Error ex) {
            try {
                Files.deleteIfExists(temporary);
            }
            catch (IOException cleanup) {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
    }

    private static void move(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException ex) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
