package io.distill4j.pipeline.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distill4j.engine.digest.Sha256;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers of a model kept on disk by the prompt that was sent, so that no prompt is asked twice across runs.
 * Which file holds which conversation (model, options) is the caller's choice; this class owns the file.
 *
 * <pre>{@code
 * try (JsonLinesJournal<Answer> journal = JsonLinesJournal.open(file, "Generation journal", codec)) {
 *     Optional<Answer> known = journal.get(prompt);
 *     ... journal.record(prompt, answer);
 * }
 * }</pre>
 *
 * <p><b>Format.</b> One JSON object per line: {@code {"prompt": <SHA-256 of the prompt, hex>, ...}}, then the
 * fields the {@link Codec} writes. The file can be read, and deleted to ask again.
 *
 * <p><b>Crash safety.</b> An answer is appended as one line in one write, as soon as it is recorded; the file is
 * forced to disk every {@value #FORCE_EVERY} answers and on {@link #close()}. A process killed mid-write leaves
 * at most a partial last line, which {@link #open} cuts off (that one answer is asked again); a line that does
 * not parse, or that the codec refuses, is skipped with a warning. Answers are never overwritten: the first
 * answer recorded for a prompt is the one returned.
 *
 * <p>Thread-safe: {@link #get} and {@link #record} may be called from many threads at once. The journal owns an
 * open file channel; {@link #close()} is idempotent and {@link #record} after it throws
 * {@link IllegalStateException}.
 *
 * @param <V> the answer
 */
public final class JsonLinesJournal<V> implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(JsonLinesJournal.class);

    /** Answers appended between two forces to disk. */
    public static final int FORCE_EVERY = 256;

    /** The field holding the SHA-256 of the prompt. */
    public static final String KEY_FIELD = "prompt";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * How one answer becomes the fields of a line and back.
     *
     * @param <V> the answer
     */
    public interface Codec<V> {

        /** Puts the answer's fields into {@code line}, which already holds the key field {@code prompt}. */
        void write(V answer, ObjectNode line);

        /**
         * The answer a line holds.
         *
         * @throws RuntimeException (an {@link IllegalArgumentException}, a {@link NullPointerException} for a
         *     missing field, a {@link JacksonException}) when the line does not hold a valid answer; it is skipped
         */
        V read(JsonNode line);
    }

    private final Path file;

    private final String title;

    private final Codec<V> codec;

    private final Map<String, V> answers;

    private final FileChannel channel;

    private final AtomicBoolean closed = new AtomicBoolean();

    private int unforced;

    private JsonLinesJournal(Path file, String title, Codec<V> codec, Map<String, V> answers, FileChannel channel) {
        this.file = file;
        this.title = title;
        this.codec = codec;
        this.answers = answers;
        this.channel = channel;
    }

    /**
     * Opens (creating it and its folder if needed) the journal {@code file}, reading the answers it already
     * holds.
     *
     * @param title what the journal is, for messages, e.g. {@code "Labelling journal"}
     * @throws UncheckedIOException naming the file if it cannot be read or written
     */
    public static <V> JsonLinesJournal<V> open(Path file, String title, Codec<V> codec) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(codec, "codec");
        try {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            Map<String, V> answers = new ConcurrentHashMap<>();
            long keep = read(file, title, codec, answers);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.size() > keep) {
                    logger.warn("{} {}: cut a partial last line ({} bytes) left by an interrupted write", title, file,
                            channel.size() - keep);
                    channel.truncate(keep);
                }
                channel.position(keep);
            }
            catch (IOException | RuntimeException ex) {
                channel.close();
                throw ex;
            }
            return new JsonLinesJournal<>(file, title, codec, answers, channel);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(title + " " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** The journal's file. */
    public Path file() {
        return this.file;
    }

    /** How many answers it holds. */
    public int size() {
        return this.answers.size();
    }

    /** The answer recorded for {@code prompt}, if any. */
    public Optional<V> get(String prompt) {
        return Optional.ofNullable(this.answers.get(Sha256.hexOf(prompt)));
    }

    /**
     * Records the answer to {@code prompt}, unless one is recorded already.
     *
     * @return whether it was recorded (false when the prompt had an answer)
     * @throws IllegalStateException after {@link #close()}
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public boolean record(String prompt, V answer) {
        Objects.requireNonNull(answer, "answer");
        String key = Sha256.hexOf(prompt);
        if (this.answers.putIfAbsent(key, answer) != null) {
            return false;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put(KEY_FIELD, key);
        this.codec.write(answer, node);
        byte[] line = (MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (this.closed.get()) {
                throw new IllegalStateException(this.title + " " + this.file + " is closed");
            }
            try {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    this.channel.write(buffer);
                }
                if (++this.unforced >= FORCE_EVERY) {
                    this.channel.force(false);
                    this.unforced = 0;
                }
            }
            catch (IOException ex) {
                throw new UncheckedIOException(this.title + " " + this.file + ": " + ex.getMessage(), ex);
            }
        }
        return true;
    }

    /** Forces what was written to disk and closes the file; idempotent. */
    @Override
    public synchronized void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        try (FileChannel c = this.channel) {
            c.force(false);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(this.title + " " + this.file + ": " + ex.getMessage(), ex);
        }
    }

    /** Reads the complete lines of {@code file} into {@code answers}; returns the bytes to keep. */
    private static <V> long read(Path file, String title, Codec<V> codec, Map<String, V> answers) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        int lineStart = 0;
        int number = 0;
        int skipped = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            number++;
            String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8).strip();
            lineStart = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = MAPPER.readTree(line);
                answers.putIfAbsent(node.get(KEY_FIELD).asString(), Objects.requireNonNull(codec.read(node)));
            }
            catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
                skipped++;
                if (skipped <= 3) {
                    logger.warn("{} {}: line {} skipped ({}); that answer will be asked again", title, file, number,
                            ex.getMessage());
                }
            }
        }
        if (skipped > 3) {
            logger.warn("{} {}: {} lines skipped in all", title, file, skipped);
        }
        return lineStart;
    }
}
