package io.distill4j.pipeline.labelling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;
import io.distill4j.engine.digest.Sha256;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every answer a labelling model gave for one conversation — one model, one set of options, one label set —
 * kept on disk, so that a second job, a tuning trial or a job resumed after a crash never asks the same
 * question again.
 *
 * <pre>{@code
 * try (ExchangeJournal journal = ExchangeJournal.open(directory, model.id(), labels, options)) {
 *     Optional<LabelledText> known = journal.answer(prompt);
 *     ... journal.record(prompt, model.label(request).texts().get(0));
 * }
 * }</pre>
 *
 * <p><b>Format.</b> One JSON Lines file per conversation, {@code <directory>/<fingerprint>.jsonl}, where the
 * fingerprint is a SHA-256 over the model's id, every option and the labels with their descriptions and
 * examples. Each line is one answer: {@code {"prompt": <SHA-256 of the prompt>, "source": ..., "probabilities":
 * [...], "outOfSet": n, "requests": n, "promptTokens": n, "completionTokens": n}}. The file can be read, and
 * deleted to ask again.
 *
 * <p><b>Crash safety.</b> An answer is appended as one line in one write, as soon as it arrives; the file is
 * forced to disk every {@value #FORCE_EVERY} answers and on {@link #close()}. A process killed mid-write leaves
 * at most a partial last line, which {@link #open} cuts off (that one answer is asked again); a line that
 * does not parse, or whose distribution does not fit the label set, is skipped with a warning. Answers are
 * never overwritten: the first answer recorded for a prompt is the one returned.
 *
 * <p>Thread-safe: {@link #answer} and {@link #record} may be called from many threads at once. The journal
 * owns an open file channel; {@link #close()} is idempotent and {@link #record} after it throws
 * {@link IllegalStateException}.
 */
public final class ExchangeJournal implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ExchangeJournal.class);

    /** Answers appended between two forces to disk. */
    static final int FORCE_EVERY = 256;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Path file;

    private final int labelCount;

    private final Map<String, LabelledText> answers;

    private final FileChannel channel;

    private final AtomicBoolean closed = new AtomicBoolean();

    private int unforced;

    private ExchangeJournal(Path file, int labelCount, Map<String, LabelledText> answers, FileChannel channel) {
        this.file = file;
        this.labelCount = labelCount;
        this.answers = answers;
        this.channel = channel;
    }

    /**
     * Opens (creating it if needed) the journal of this conversation under {@code directory}, reading the
     * answers it already holds.
     *
     * @throws UncheckedIOException naming the file if it cannot be read or written
     */
    public static ExchangeJournal open(Path directory, String modelId, LabelSet labels, LabellingOptions options) {
        Path file = directory.resolve(fingerprint(modelId, labels, options) + ".jsonl");
        try {
            Files.createDirectories(directory);
            Map<String, LabelledText> answers = new ConcurrentHashMap<>();
            long keep = read(file, labels.size(), answers);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.size() > keep) {
                    logger.warn("Labelling journal {}: cut a partial last line ({} bytes) left by an interrupted write",
                            file, channel.size() - keep);
                    channel.truncate(keep);
                }
                channel.position(keep);
            }
            catch (IOException | RuntimeException ex) {
                channel.close();
                throw ex;
            }
            return new ExchangeJournal(file, labels.size(), answers, channel);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Labelling journal " + file + ": " + ex.getMessage(), ex);
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
    public Optional<LabelledText> answer(String prompt) {
        return Optional.ofNullable(this.answers.get(Sha256.hexOf(prompt)));
    }

    /**
     * Records the answer to {@code prompt}, unless one is recorded already.
     *
     * @throws IllegalArgumentException if the answer's distribution does not have one value per label
     * @throws IllegalStateException after {@link #close()}
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public void record(String prompt, LabelledText answer) {
        if (answer.answered() && answer.probabilities().size() != this.labelCount) {
            throw new IllegalArgumentException("answer has " + answer.probabilities().size()
                    + " probabilities for " + this.labelCount + " labels");
        }
        String key = Sha256.hexOf(prompt);
        if (this.answers.putIfAbsent(key, answer) != null) {
            return;
        }
        byte[] line = (toJson(key, answer) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (this.closed.get()) {
                throw new IllegalStateException("Labelling journal " + this.file + " is closed");
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
                throw new UncheckedIOException("Labelling journal " + this.file + ": " + ex.getMessage(), ex);
            }
        }
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
            throw new UncheckedIOException("Labelling journal " + this.file + ": " + ex.getMessage(), ex);
        }
    }

    /** The conversation's fingerprint: model, options and labels. */
    static String fingerprint(String modelId, LabelSet labels, LabellingOptions options) {
        Sha256 sha = Sha256.start();
        field(sha, "format", "1");
        field(sha, "model", modelId);
        field(sha, "template", options.promptTemplate());
        field(sha, "temperature", Double.toString(options.temperature()));
        field(sha, "samples", Integer.toString(options.samples()));
        field(sha, "logProbabilities", Boolean.toString(options.logProbabilities()));
        field(sha, "attempts", Integer.toString(options.attempts()));
        for (LabelDefinition label : labels.labels()) {
            field(sha, "label", label.name());
            field(sha, "description", label.description());
            for (String example : label.examples()) {
                field(sha, "example", example);
            }
        }
        return Sha256.hex(sha.digest());
    }

    private static void field(Sha256 sha, String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(name).update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array()).update(bytes);
    }

    /** Reads the complete lines of {@code file} into {@code answers}; returns the bytes to keep. */
    private static long read(Path file, int labelCount, Map<String, LabelledText> answers) throws IOException {
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
                answers.putIfAbsent(node.get("prompt").asString(), fromJson(node, labelCount));
            }
            catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
                skipped++;
                if (skipped <= 3) {
                    logger.warn("Labelling journal {}: line {} skipped ({}); that answer will be asked again", file,
                            number, ex.getMessage());
                }
            }
        }
        if (skipped > 3) {
            logger.warn("Labelling journal {}: {} lines skipped in all", file, skipped);
        }
        return lineStart;
    }

    private static String toJson(String key, LabelledText answer) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("prompt", key);
        node.put("source", answer.source().name());
        ArrayNode probabilities = node.putArray("probabilities");
        answer.probabilities().forEach(probabilities::add);
        node.put("outOfSet", answer.outOfSetAnswers());
        node.put("requests", answer.usage().requests());
        node.put("promptTokens", answer.usage().promptTokens());
        node.put("completionTokens", answer.usage().completionTokens());
        return MAPPER.writeValueAsString(node);
    }

    private static LabelledText fromJson(JsonNode node, int labelCount) {
        TargetSource source = TargetSource.valueOf(node.get("source").asString().toUpperCase(Locale.ROOT));
        List<Double> probabilities = new ArrayList<>();
        node.get("probabilities").forEach(value -> probabilities.add(value.asDouble()));
        if (source != TargetSource.NONE && probabilities.size() != labelCount) {
            throw new IllegalArgumentException(probabilities.size() + " probabilities for " + labelCount + " labels");
        }
        LabellingUsage usage = new LabellingUsage(node.get("requests").asLong(), node.get("promptTokens").asLong(),
                node.get("completionTokens").asLong());
        return new LabelledText(probabilities, source, node.get("outOfSet").asInt(), usage);
    }
}
