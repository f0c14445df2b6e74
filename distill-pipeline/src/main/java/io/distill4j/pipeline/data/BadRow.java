package io.distill4j.pipeline.data;

import java.util.Objects;

/**
 * A row {@link DatasetReader} skipped, with the line it starts on and why.
 *
 * @param line the 1-based physical line of the source file the row starts on
 * @param reason why the row was skipped
 * @param detail a short human-readable explanation, e.g. {@code "column 'label' missing (the record has 1 field)"}
 */
public record BadRow(long line, Reason reason, String detail) {

    public BadRow {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return "line " + line + ": " + detail;
    }

    /** Why a row is bad. */
    public enum Reason {
        /** A mapped column is absent from the record (too few fields, or a JSON field missing). */
        MISSING_COLUMN,
        /** The text (or the second text of a pair) is empty or blank. */
        EMPTY_TEXT,
        /** The label is not among the known labels (validation and test files). */
        UNKNOWN_LABEL,
        /** The row has no label although labels are required (validation and test files). */
        MISSING_LABEL,
        /** The row's bytes are not valid UTF-8. */
        INVALID_UTF8,
        /** A JSON field has the wrong type, e.g. a number where the text should be. */
        WRONG_TYPE,
        /** A JSON Lines line is not one well-formed JSON object. */
        MALFORMED_JSON
    }
}
