package io.distill4j.pipeline.vocab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.distill4j.api.exception.InvalidInputException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What vocabulary pruning needs to know of a Hugging Face {@code tokenizer.json}: how many ids the
 * tokenizer can produce, the id of its unknown token, and the ids of its special tokens (which must keep
 * their rows even when the data never shows them on its own).
 *
 * <pre>{@code
 * TokenizerVocabulary vocabulary = TokenizerVocabulary.read(Path.of("minilm/tokenizer.json"));
 * VocabularyPruning pruning = VocabularyPruning.fit(trainIds, vocabulary.size(), vocabulary.unknownId(),
 *         vocabulary.specialIds());
 * }</pre>
 *
 * @param size one more than the largest id of the vocabulary and the added tokens
 * @param unknownId the id of {@code model.unk_token}
 * @param specialIds the ids of the added tokens marked {@code special}
 */
public record TokenizerVocabulary(int size, long unknownId, long[] specialIds) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * Reads a {@code tokenizer.json} whose model has a {@code vocab} object (WordPiece, as BERT-family
     * tokenizers) and an {@code unk_token}.
     *
     * @throws InvalidInputException naming the field that is missing or wrong
     */
    public static TokenizerVocabulary read(Path tokenizerJson) {
        JsonNode root;
        try {
            root = MAPPER.readTree(tokenizerJson.toFile());
        }
        catch (RuntimeException ex) {
            throw new InvalidInputException(null, "tokenizer", "cannot read " + tokenizerJson + " as JSON: "
                    + ex.getMessage());
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new InvalidInputException(null, "tokenizer.model.vocab", tokenizerJson + " has no token-to-id "
                    + "vocabulary object (WordPiece tokenizers have one); vocabulary pruning needs it");
        }
        long max = -1;
        for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
            max = Math.max(max, entry.getValue().asLong());
        }
        List<Long> special = new ArrayList<>();
        for (JsonNode added : root.path("added_tokens")) {
            long id = added.path("id").asLong(-1);
            max = Math.max(max, id);
            if (added.path("special").asBoolean(false) && id >= 0) {
                special.add(id);
            }
        }
        String unk = root.path("model").path("unk_token").asString(null);
        JsonNode unkId = unk == null ? null : vocab.get(unk);
        if (unkId == null) {
            throw new InvalidInputException(null, "tokenizer.model.unk_token", tokenizerJson + " names no unknown "
                    + "token in its vocabulary (unk_token " + unk + "); pruned ids need one to map to");
        }
        return new TokenizerVocabulary((int) (max + 1), unkId.asLong(),
                special.stream().mapToLong(Long::longValue).toArray());
    }
}
