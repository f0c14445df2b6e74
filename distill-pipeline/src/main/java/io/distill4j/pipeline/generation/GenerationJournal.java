package io.distill4j.pipeline.generation;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.generation.GenerationResult;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.engine.digest.Sha256;
import io.distill4j.pipeline.journal.JsonLinesJournal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every answer a text-generation model gave at one temperature, kept on disk by prompt, so that a second run —
 * or a run resumed after a crash, a cancellation or a spent budget — never asks for the same texts again.
 *
 * <p><b>Format.</b> One JSON Lines file per conversation, {@code <directory>/<fingerprint>.jsonl}, the
 * fingerprint a SHA-256 over the model's id and the temperature (everything else that shapes an answer is in
 * the prompt, which keys each line). Each line is one answer: {@code {"prompt": <SHA-256 of the prompt>,
 * "texts": [...], "requests": n, "promptTokens": n, "completionTokens": n}}. Crash safety and concurrency are
 * those of {@link JsonLinesJournal}; a line with a blank text is skipped (that request is asked again).
 */
final class GenerationJournal implements AutoCloseable {

    private final JsonLinesJournal<GenerationResult> journal;

    private GenerationJournal(JsonLinesJournal<GenerationResult> journal) {
        this.journal = journal;
    }

    /**
     * Opens (creating it if needed) the journal of this model and temperature under {@code directory}.
     *
     * @throws UncheckedIOException naming the file if it cannot be read or written
     */
    static GenerationJournal open(Path directory, String modelId, double temperature) {
        return new GenerationJournal(JsonLinesJournal.open(directory.resolve(fingerprint(modelId, temperature)
                + ".jsonl"), "Generation journal", new Codec()));
    }

    Path file() {
        return this.journal.file();
    }

    int size() {
        return this.journal.size();
    }

    Optional<GenerationResult> answer(String prompt) {
        return this.journal.get(prompt);
    }

    void record(String prompt, GenerationResult answer) {
        this.journal.record(prompt, answer);
    }

    @Override
    public void close() {
        this.journal.close();
    }

    /** The conversation's fingerprint: the model and the temperature. */
    static String fingerprint(String modelId, double temperature) {
        Sha256 sha = Sha256.start();
        field(sha, "format", "generation-1");
        field(sha, "model", modelId);
        field(sha, "temperature", Double.toString(temperature));
        return Sha256.hex(sha.digest());
    }

    private static void field(Sha256 sha, String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(name).update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array()).update(bytes);
    }

    private static final class Codec implements JsonLinesJournal.Codec<GenerationResult> {

        @Override
        public void write(GenerationResult answer, ObjectNode node) {
            ArrayNode texts = node.putArray("texts");
            answer.texts().forEach(texts::add);
            node.put("requests", answer.usage().requests());
            node.put("promptTokens", answer.usage().promptTokens());
            node.put("completionTokens", answer.usage().completionTokens());
        }

        @Override
        public GenerationResult read(JsonNode node) {
            List<String> texts = new ArrayList<>();
            JsonNode array = node.get("texts");
            if (!array.isArray()) {
                throw new IllegalArgumentException("texts is not an array");
            }
            array.forEach(text -> texts.add(text.asString()));
            return GenerationResult.of(texts, new LabellingUsage(node.get("requests").asLong(),
                    node.get("promptTokens").asLong(), node.get("completionTokens").asLong()));
        }
    }
}
