package io.distill4j.pipeline.labelling;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;
import io.distill4j.engine.digest.Sha256;
import io.distill4j.pipeline.journal.JsonLinesJournal;
import tools.jackson.databind.JsonNode;
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
 * <p><b>Crash safety.</b> As for every {@link JsonLinesJournal}: an answer is appended as one line in one write,
 * as soon as it arrives, and forced to disk every {@value JsonLinesJournal#FORCE_EVERY} answers and on
 * {@link #close()}; a partial last line left by a killed process is cut off when the journal is opened (that
 * one answer is asked again); a line that does not parse, or whose distribution does not fit the label set, is
 * skipped with a warning. Answers are never overwritten: the first answer recorded for a prompt is the one
 * returned.
 *
 * <p>Thread-safe: {@link #answer} and {@link #record} may be called from many threads at once. The journal
 * owns an open file channel; {@link #close()} is idempotent and {@link #record} after it throws
 * {@link IllegalStateException}.
 */
public final class ExchangeJournal implements AutoCloseable {

    private final JsonLinesJournal<LabelledText> journal;

    private final int labelCount;

    private ExchangeJournal(JsonLinesJournal<LabelledText> journal, int labelCount) {
        this.journal = journal;
        this.labelCount = labelCount;
    }

    /**
     * Opens (creating it if needed) the journal of this conversation under {@code directory}, reading the
     * answers it already holds.
     *
     * @throws UncheckedIOException naming the file if it cannot be read or written
     */
    public static ExchangeJournal open(Path directory, String modelId, LabelSet labels, LabellingOptions options) {
        Path file = directory.resolve(fingerprint(modelId, labels, options) + ".jsonl");
        return new ExchangeJournal(JsonLinesJournal.open(file, "Labelling journal", new Codec(labels.size())),
                labels.size());
    }

    /** The journal's file. */
    public Path file() {
        return this.journal.file();
    }

    /** How many answers it holds. */
    public int size() {
        return this.journal.size();
    }

    /** The answer recorded for {@code prompt}, if any. */
    public Optional<LabelledText> answer(String prompt) {
        return this.journal.get(prompt);
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
        this.journal.record(prompt, answer);
    }

    /** Forces what was written to disk and closes the file; idempotent. */
    @Override
    public void close() {
        this.journal.close();
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

    /** An answer as the fields of one line, and back; a distribution that does not fit the labels is refused. */
    private record Codec(int labelCount) implements JsonLinesJournal.Codec<LabelledText> {

        @Override
        public void write(LabelledText answer, ObjectNode node) {
            node.put("source", answer.source().name());
            ArrayNode probabilities = node.putArray("probabilities");
            answer.probabilities().forEach(probabilities::add);
            node.put("outOfSet", answer.outOfSetAnswers());
            node.put("requests", answer.usage().requests());
            node.put("promptTokens", answer.usage().promptTokens());
            node.put("completionTokens", answer.usage().completionTokens());
        }

        @Override
        public LabelledText read(JsonNode node) {
            TargetSource source = TargetSource.valueOf(node.get("source").asString().toUpperCase(Locale.ROOT));
            List<Double> probabilities = new ArrayList<>();
            node.get("probabilities").forEach(value -> probabilities.add(value.asDouble()));
            if (source != TargetSource.NONE && probabilities.size() != this.labelCount) {
                throw new IllegalArgumentException(probabilities.size() + " probabilities for " + this.labelCount
                        + " labels");
            }
            LabellingUsage usage = new LabellingUsage(node.get("requests").asLong(), node.get("promptTokens").asLong(),
                    node.get("completionTokens").asLong());
            return new LabelledText(probabilities, source, node.get("outOfSet").asInt(), usage);
        }
    }
}
