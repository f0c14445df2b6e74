package io.distill4j.pipeline.data;

import java.util.Objects;
import java.util.Optional;

/**
 * Which columns of a file hold the text, an optional second text (sentence-pair tasks) and an
 * optional label, and whether the first record is a header. A column is named (a header name in CSV
 * and TSV, a field name or a JSON Pointer such as {@code /meta/text} in JSON Lines) or given by its
 * zero-based index (CSV and TSV only).
 *
 * <pre>{@code
 * ColumnMapping banking77 = ColumnMapping.ofDefaults();            // header "text", "label"
 * ColumnMapping stsb = ColumnMapping.builder()                     // headerless sentence1,sentence2,score
 *         .text(0).textPair(1).label(2)
 *         .build();
 * }</pre>
 *
 * @param text the column with the text; required
 * @param textPair the column with the second text of a pair, if any
 * @param label the column with the label, if any; a row whose label is empty is unlabelled
 * @param header whether the first record of a CSV or TSV file is a header (ignored for JSON Lines)
 */
public record ColumnMapping(Column text, Optional<Column> textPair, Optional<Column> label, boolean header) {

    public ColumnMapping {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(textPair, "textPair");
        Objects.requireNonNull(label, "label");
        if (!header) {
            requireIndexed("text", text);
            textPair.ifPresent(column -> requireIndexed("textPair", column));
            label.ifPresent(column -> requireIndexed("label", column));
        }
        if (textPair.isPresent() && textPair.get().equals(text)) {
            throw new IllegalArgumentException("textPair: " + textPair.get() + " is also the text column");
        }
        if (label.isPresent() && (label.get().equals(text) || label.equals(textPair))) {
            throw new IllegalArgumentException("label: " + label.get() + " is also a text column");
        }
    }

    /** A header with columns {@code text} and {@code label}, as in Banking77 and SST-2 TSV exports. */
    public static ColumnMapping ofDefaults() {
        return builder().text("text").label("label").build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether any column is given by name (and so needs a header in CSV and TSV). */
    boolean hasNamedColumn() {
        return text.isNamed() || textPair.map(Column::isNamed).orElse(false)
                || label.map(Column::isNamed).orElse(false);
    }

    private static void requireIndexed(String field, Column column) {
        if (column.isNamed()) {
            throw new IllegalArgumentException(field + ": " + column
                    + " is named but header is false; name columns only in files with a header, else give an index");
        }
    }

    /**
     * One column, by name or by zero-based index.
     *
     * @param name the header or field name, or {@code null} when the column is given by index
     * @param index the zero-based index, or {@code -1} when the column is given by name
     */
    public record Column(String name, int index) {

        public Column {
            if ((name == null) == (index < 0)) {
                throw new IllegalArgumentException("a column has either a name or an index >= 0, was name="
                        + name + ", index=" + index);
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("a column name must not be blank");
            }
        }

        /** The column with this header or field name. */
        public static Column named(String name) {
            return new Column(Objects.requireNonNull(name, "name"), -1);
        }

        /** The column at this zero-based index. */
        public static Column at(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("a column index must be >= 0, was " + index);
            }
            return new Column(null, index);
        }

        /** Whether the column is given by name. */
        public boolean isNamed() {
            return name != null;
        }

        @Override
        public String toString() {
            return isNamed() ? "column '" + name + "'" : "column " + index;
        }
    }

    /** Builder of {@link ColumnMapping}; {@code text} is required. */
    public static final class Builder {

        private Column text;

        private Column textPair;

        private Column label;

        private Boolean header;

        private Builder() {
        }

        /** The text column by header or field name. */
        public Builder text(String name) {
            this.text = Column.named(name);
            return this;
        }

        /** The text column by zero-based index. */
        public Builder text(int index) {
            this.text = Column.at(index);
            return this;
        }

        /** The second text of a pair by header or field name. */
        public Builder textPair(String name) {
            this.textPair = Column.named(name);
            return this;
        }

        /** The second text of a pair by zero-based index. */
        public Builder textPair(int index) {
            this.textPair = Column.at(index);
            return this;
        }

        /** The label column by header or field name. */
        public Builder label(String name) {
            this.label = Column.named(name);
            return this;
        }

        /** The label column by zero-based index. */
        public Builder label(int index) {
            this.label = Column.at(index);
            return this;
        }

        /**
         * Whether the first CSV or TSV record is a header. Default: {@code true} when any column is named,
         * else {@code false}; set it to {@code true} to skip a header while addressing columns by index.
         */
        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        public ColumnMapping build() {
            if (this.text == null) {
                throw new IllegalArgumentException("text: the text column is required");
            }
            ColumnMapping draft = new ColumnMapping(this.text, Optional.ofNullable(this.textPair),
                    Optional.ofNullable(this.label), true);
            boolean resolvedHeader = this.header != null ? this.header : draft.hasNamedColumn();
            return resolvedHeader ? draft : new ColumnMapping(this.text, Optional.ofNullable(this.textPair),
                    Optional.ofNullable(this.label), false);
        }
    }
}
