package io.distill4j.pipeline.vocab;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.distill4j.api.exception.InvalidInputException;

/**
 * A student's embedding table restricted to the tokens its training data uses. A tokenizer has tens of
 * thousands of ids (30,522 for BERT's WordPiece) of which a team's data often uses a few thousand; the rows of
 * the others are never trained and only cost memory. This class keeps a row for every id seen in the training
 * texts plus the ids that must always stay (the special tokens), in ascending tokenizer-id order, and maps
 * every other id to the row of the unknown token, which is what the tokenizer would have produced for a word
 * it has no piece for.
 *
 * <pre>{@code
 * VocabularyPruning pruning = VocabularyPruning.fitBert(trainIds, 30522);      // keeps [PAD] [UNK] [CLS] [SEP]
 * TextCnnConfig config = TextCnnConfig.builder().vocabSize(pruning.prunedVocabSize())...build();
 * ... train the student on pruning.apply(trainIds) ...
 * StudentExporter.write(student, ExportOptions.builder().vocabularyRemap(pruning.remap()).build(), file);
 * // the exported model takes the tokenizer's ids and maps them with Gather(token_id_remap, input_ids)
 * }</pre>
 *
 * <p>The result depends only on the set of ids seen, never on their order or frequency. Immutable and
 * thread-safe; arrays returned are copies.
 */
public final class VocabularyPruning {

    /** The largest tokenizer vocabulary accepted (the students' largest embedding table). */
    public static final int MAX_VOCAB_SIZE = 4_000_000;

    /** The id of {@code [PAD]} in BERT-family WordPiece vocabularies. */
    public static final long BERT_PAD_ID = 0;

    /** The id of {@code [UNK]} in BERT-family WordPiece vocabularies. */
    public static final long BERT_UNK_ID = 100;

    /** The id of {@code [CLS]} in BERT-family WordPiece vocabularies. */
    public static final long BERT_CLS_ID = 101;

    /** The id of {@code [SEP]} in BERT-family WordPiece vocabularies. */
    public static final long BERT_SEP_ID = 102;

    /** The special ids every BERT-family student keeps: {@code [PAD]} 0, {@code [UNK]} 100, {@code [CLS]} 101, {@code [SEP]} 102. */
    public static final List<Long> BERT_SPECIAL_IDS = List.of(BERT_PAD_ID, BERT_UNK_ID, BERT_CLS_ID, BERT_SEP_ID);

    private final long[] remap;

    private final long[] keptIds;

    private final long unknownId;

    private final int seenCount;

    private VocabularyPruning(long[] remap, long[] keptIds, long unknownId, int seenCount) {
        this.remap = remap;
        this.keptIds = keptIds;
        this.unknownId = unknownId;
        this.seenCount = seenCount;
    }

    /**
     * Keeps the ids of a BERT-family WordPiece tokenizer seen in {@code tokenIds}, plus {@link #BERT_SPECIAL_IDS};
     * unseen ids map to {@code [UNK]} (100).
     *
     * @see #fit(long[][], int, long, long...)
     */
    public static VocabularyPruning fitBert(long[][] tokenIds, int tokenizerVocabSize) {
        return fit(tokenIds, tokenizerVocabSize, BERT_UNK_ID, BERT_PAD_ID, BERT_CLS_ID, BERT_SEP_ID);
    }

    /**
     * Keeps every id seen in {@code tokenIds}, the unknown token and {@code alwaysKept}.
     *
     * @param tokenIds the token ids of the training texts, one row per text (rows may differ in length; padding
     *     ids count as seen)
     * @param tokenizerVocabSize the tokenizer's vocabulary size, 1 to {@value #MAX_VOCAB_SIZE}; valid ids are
     *     {@code 0 .. tokenizerVocabSize - 1}
     * @param unknownId the tokenizer's unknown token, always kept; every id not kept maps to its row
     * @param alwaysKept ids kept whether seen or not, for example padding, {@code [CLS]} and {@code [SEP]}
     * @throws IllegalArgumentException if the vocabulary size is out of range, or {@code unknownId} or an
     *     entry of {@code alwaysKept} is not an id of it
     * @throws InvalidInputException if {@code tokenIds} or one of its rows is missing, or an id is outside
     *     {@code 0 .. tokenizerVocabSize - 1}; the field names the text and the position
     */
    public static VocabularyPruning fit(long[][] tokenIds, int tokenizerVocabSize, long unknownId, long... alwaysKept) {
        if (tokenizerVocabSize < 1 || tokenizerVocabSize > MAX_VOCAB_SIZE) {
            throw new IllegalArgumentException("tokenizerVocabSize must be between 1 and " + MAX_VOCAB_SIZE + ", was "
                    + tokenizerVocabSize);
        }
        requireConfigId("unknownId", unknownId, tokenizerVocabSize);
        Objects.requireNonNull(alwaysKept, "alwaysKept");
        for (int i = 0; i < alwaysKept.length; i++) {
            requireConfigId("alwaysKept[" + i + "]", alwaysKept[i], tokenizerVocabSize);
        }
        requireRows("tokenIds", tokenIds);
        boolean[] seen = new boolean[tokenizerVocabSize];
        for (int i = 0; i < tokenIds.length; i++) {
            long[] row = requireRow("tokenIds", tokenIds, i);
            for (int t = 0; t < row.length; t++) {
                seen[checkId("tokenIds", i, t, row[t], tokenizerVocabSize)] = true;
            }
        }
        int seenCount = 0;
        for (boolean s : seen) {
            seenCount += s ? 1 : 0;
        }
        boolean[] kept = seen.clone();
        kept[(int) unknownId] = true;
        for (long id : alwaysKept) {
            kept[(int) id] = true;
        }
        long[] remap = new long[tokenizerVocabSize];
        long[] keptIds = new long[tokenizerVocabSize];
        int rows = 0;
        for (int id = 0; id < tokenizerVocabSize; id++) {
            if (kept[id]) {
                keptIds[rows] = id;
                remap[id] = rows++;
            }
        }
        long unknownRow = remap[(int) unknownId];
        for (int id = 0; id < tokenizerVocabSize; id++) {
            if (!kept[id]) {
                remap[id] = unknownRow;
            }
        }
        return new VocabularyPruning(remap, Arrays.copyOf(keptIds, rows), unknownId, seenCount);
    }

    /** The tokenizer's vocabulary size: the length of {@link #remap()}. */
    public int tokenizerVocabSize() {
        return this.remap.length;
    }

    /** Rows of the pruned embedding table: the student's {@code vocabSize}. */
    public int prunedVocabSize() {
        return this.keptIds.length;
    }

    /** The tokenizer ids that have a row, ascending; row {@code r} belongs to id {@code keptIds()[r]}. */
    public long[] keptIds() {
        return this.keptIds.clone();
    }

    /** How many distinct ids the training texts used (before the always-kept ids were added). */
    public int seenCount() {
        return this.seenCount;
    }

    /** The tokenizer's unknown token, which every id without a row of its own maps to. */
    public long unknownId() {
        return this.unknownId;
    }

    /** The row of the unknown token. */
    public long unknownRow() {
        return this.remap[(int) this.unknownId];
    }

    /**
     * The row of every tokenizer id, {@code remap()[id]}, of length {@link #tokenizerVocabSize()}; ids without a
     * row of their own get {@link #unknownRow()}. This is what {@code ExportOptions.vocabularyRemap} takes.
     */
    public long[] remap() {
        return this.remap.clone();
    }

    /**
     * The row of one tokenizer id.
     *
     * @throws InvalidInputException if {@code tokenId} is outside {@code 0 .. tokenizerVocabSize - 1}
     */
    public long row(long tokenId) {
        requireId("tokenId", tokenId, this.remap.length);
        return this.remap[(int) tokenId];
    }

    /**
     * The rows of token ids, for example the training texts before the student sees them; a new array of the
     * same shape (rows may differ in length).
     *
     * @throws InvalidInputException if {@code ids} or one of its rows is missing, or an id is outside
     *     {@code 0 .. tokenizerVocabSize - 1}; the field names the row and the position
     */
    public long[][] apply(long[][] ids) {
        requireRows("ids", ids);
        long[][] rows = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            long[] row = requireRow("ids", ids, i);
            rows[i] = new long[row.length];
            for (int t = 0; t < row.length; t++) {
                rows[i][t] = this.remap[checkId("ids", i, t, row[t], this.remap.length)];
            }
        }
        return rows;
    }

    /** The share of the full table's rows saved, {@code 1 - prunedVocabSize / tokenizerVocabSize}, in {@code [0, 1)}. */
    public double savedShare() {
        return 1.0 - (double) this.keptIds.length / this.remap.length;
    }

    /**
     * One line for logs and reports, for example {@code kept 1,234 of 30,522 token ids (1,230 seen in the data),
     * 96.0 % of the embedding table saved; other ids map to the row of id 100}.
     */
    public String summary() {
        return String.format(Locale.ROOT, "kept %,d of %,d token ids (%,d seen in the data), %.1f %% of the "
                + "embedding table saved; other ids map to the row of id %d", prunedVocabSize(), tokenizerVocabSize(),
                this.seenCount, 100 * savedShare(), this.unknownId);
    }

    @Override
    public String toString() {
        return "VocabularyPruning[" + summary() + "]";
    }

    private static void requireRows(String field, long[][] ids) {
        if (ids == null) {
            throw new InvalidInputException(null, field, "must not be null");
        }
    }

    private static long[] requireRow(String field, long[][] ids, int i) {
        if (ids[i] == null) {
            throw new InvalidInputException(null, field + "[" + i + "]", "must not be null");
        }
        return ids[i];
    }

    /** The id as an index, or an error naming {@code field[i][t]} and the limit. */
    private static int checkId(String field, int i, int t, long id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new InvalidInputException(null, field + "[" + i + "][" + t + "]", "token id must be in 0.."
                    + (vocabSize - 1) + " (tokenizer vocabulary size " + vocabSize + "), was " + id);
        }
        return (int) id;
    }

    private static void requireId(String field, long id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new InvalidInputException(null, field, "token id must be in 0.." + (vocabSize - 1)
                    + " (tokenizer vocabulary size " + vocabSize + "), was " + id);
        }
    }

    private static void requireConfigId(String field, long id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(field + " must be a token id, 0.." + (vocabSize - 1) + ", was " + id);
        }
    }
}
