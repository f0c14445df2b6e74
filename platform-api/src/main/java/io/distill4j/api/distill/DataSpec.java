package io.distill4j.api.distill;

import java.nio.file.Path;
import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * Where the training data is and how to read it. Immutable: every {@code with}-style method returns a
 * changed copy, so a spec reads as one expression:
 *
 * <pre>{@code
 * DataSpec banking = DataSpec.tsv(Path.of("banking77/train.tsv"))      // header: text<TAB>label
 *         .validation(Path.of("banking77/dev.tsv"))
 *         .test(Path.of("banking77/test.tsv"));
 * DataSpec stsb = DataSpec.csv(Path.of("stsb/train.csv"))             // no header: sentence1,sentence2,score
 *         .header(false).textColumn(0).textPairColumn(1).labelColumn(2)
 *         .test(Path.of("stsb/test.csv"));
 * }</pre>
 *
 * <p>All files share the format and the columns of the training file. Without a validation file,
 * {@link #validationShare()} of the training rows (chosen with the spec's seed) are held out. Rows
 * that cannot be read (a missing column, an empty text, an unparsable score) are skipped and counted;
 * if more than {@link #maxBadRowShare()} of a file's rows are bad, the job fails naming the first bad
 * line. Paths are not checked here: the distiller checks them when the job starts, so a spec can be
 * built where the files are not.
 *
 * @param format file format of every file
 * @param train training data (also the source of the validation split when {@code validation} is empty)
 * @param validation held-out data for early stopping and tuning
 * @param test data on which the final teacher and student metrics are reported; without it they are
 *        reported on the validation split
 * @param textColumn the column holding the text
 * @param textPairColumn a second text column, for pairs (STS-B style embedding evaluation, pair classification)
 * @param labelColumn the column holding the class label ({@link DistillationTask#TEXT_CLASSIFICATION})
 *        or the similarity score of a text pair ({@link DistillationTask#TEXT_EMBEDDING}); empty when
 *        the data is unlabeled (the student then learns from the teacher alone)
 * @param header whether CSV/TSV files start with a header row; without one, columns are addressed by index
 * @param validationShare share of training rows held out for validation when no validation file is given
 * @param maxBadRowShare largest share of unreadable rows tolerated per file
 * @param quoting how double quotes in CSV/TSV files are read; {@link Quoting#AUTO} unless set
 */
public record DataSpec(DataFormat format, Path train, Optional<Path> validation, Optional<Path> test,
        Column textColumn, Optional<Column> textPairColumn, Optional<Column> labelColumn, boolean header,
        double validationShare, double maxBadRowShare, Quoting quoting) {

    /** Default {@link #textColumn()}: {@code text}. */
    public static final String DEFAULT_TEXT_COLUMN = "text";

    /** Default {@link #labelColumn()}: {@code label}. */
    public static final String DEFAULT_LABEL_COLUMN = "label";

    /** Default {@link #validationShare()}: 10 % of the training rows. */
    public static final double DEFAULT_VALIDATION_SHARE = 0.1;

    /** Largest {@link #validationShare()}: half of the training rows. */
    public static final double MAX_VALIDATION_SHARE = 0.5;

    /** Default {@link #maxBadRowShare()}: 1 % of a file's rows. */
    public static final double DEFAULT_MAX_BAD_ROW_SHARE = 0.01;

    public DataSpec {
        Checks.notNull(format, "data.format");
        Checks.path(train, "data.train");
        Checks.notNull(validation, "data.validation");
        validation.ifPresent(p -> Checks.path(p, "data.validation"));
        Checks.notNull(test, "data.test");
        test.ifPresent(p -> Checks.path(p, "data.test"));
        Checks.notNull(textColumn, "data.textColumn");
        Checks.notNull(textPairColumn, "data.textPairColumn");
        Checks.notNull(labelColumn, "data.labelColumn");
        Checks.notNull(quoting, "data.quoting");
        if (format == DataFormat.JSON_LINES) {
            if (!header) {
                throw new IllegalArgumentException("data.header must be true for JSON Lines: its rows are objects with named fields");
            }
            requireNamed(textColumn, "data.textColumn");
            textPairColumn.ifPresent(c -> requireNamed(c, "data.textPairColumn"));
            labelColumn.ifPresent(c -> requireNamed(c, "data.labelColumn"));
            if (quoting != Quoting.AUTO) {
                throw new IllegalArgumentException("data.quoting applies to CSV and TSV files; JSON Lines has its own "
                        + "string syntax, so leave it AUTO, was " + quoting);
            }
        }
        if (textPairColumn.isPresent() && textPairColumn.get().equals(textColumn)) {
            throw new IllegalArgumentException("data.textPairColumn must differ from data.textColumn, both are " + textColumn);
        }
        if (labelColumn.isPresent() && (labelColumn.get().equals(textColumn) || labelColumn.equals(textPairColumn))) {
            throw new IllegalArgumentException("data.labelColumn must differ from the text columns, was " + labelColumn.get());
        }
        if (!(validationShare > 0.0 && validationShare <= MAX_VALIDATION_SHARE)) {
            throw new IllegalArgumentException("data.validationShare must be in (0, " + MAX_VALIDATION_SHARE + "], was " + validationShare);
        }
        if (!(maxBadRowShare >= 0.0 && maxBadRowShare < 1.0)) {
            throw new IllegalArgumentException("data.maxBadRowShare must be in [0, 1), was " + maxBadRowShare);
        }
    }

    /** CSV training data with a header row, a {@code text} and a {@code label} column. */
    public static DataSpec csv(Path train) {
        return of(train, DataFormat.CSV);
    }

    /** TSV training data with a header row, a {@code text} and a {@code label} column. */
    public static DataSpec tsv(Path train) {
        return of(train, DataFormat.TSV);
    }

    /** JSON Lines training data whose objects have a {@code text} and a {@code label} field. */
    public static DataSpec jsonLines(Path train) {
        return of(train, DataFormat.JSON_LINES);
    }

    /**
     * Training data in the format its extension names ({@link DataFormat#fromPath(Path)}).
     * @throws IllegalArgumentException if the extension names no known format
     */
    public static DataSpec of(Path train) {
        return of(train, DataFormat.fromPath(train));
    }

    /** Training data in the given format, with the default columns and shares. */
    public static DataSpec of(Path train, DataFormat format) {
        return new DataSpec(format, train, Optional.empty(), Optional.empty(), Column.named(DEFAULT_TEXT_COLUMN),
                Optional.empty(), Optional.of(Column.named(DEFAULT_LABEL_COLUMN)), true, DEFAULT_VALIDATION_SHARE,
                DEFAULT_MAX_BAD_ROW_SHARE, Quoting.AUTO);
    }

    /** A copy that reads validation data from this file instead of splitting the training data. */
    public DataSpec validation(Path file) {
        return new DataSpec(this.format, this.train, Optional.of(Checks.path(file, "data.validation")), this.test,
                this.textColumn, this.textPairColumn, this.labelColumn, this.header, this.validationShare,
                this.maxBadRowShare, this.quoting);
    }

    /** A copy that reports final metrics on this file. */
    public DataSpec test(Path file) {
        return new DataSpec(this.format, this.train, this.validation, Optional.of(Checks.path(file, "data.test")),
                this.textColumn, this.textPairColumn, this.labelColumn, this.header, this.validationShare,
                this.maxBadRowShare, this.quoting);
    }

    /** A copy that reads the text from the named column (header row or JSON field). */
    public DataSpec textColumn(String name) {
        return withTextColumn(Column.named(name, "data.textColumn"));
    }

    /** A copy that reads the text from the column at this 0-based index (CSV/TSV). */
    public DataSpec textColumn(int index) {
        return withTextColumn(Column.at(index, "data.textColumn"));
    }

    /** A copy that reads a second text of each row from the named column. */
    public DataSpec textPairColumn(String name) {
        return withTextPairColumn(Column.named(name, "data.textPairColumn"));
    }

    /** A copy that reads a second text of each row from the column at this 0-based index (CSV/TSV). */
    public DataSpec textPairColumn(int index) {
        return withTextPairColumn(Column.at(index, "data.textPairColumn"));
    }

    /** A copy that reads labels (or pair scores) from the named column. */
    public DataSpec labelColumn(String name) {
        return withLabelColumn(Optional.of(Column.named(name, "data.labelColumn")));
    }

    /** A copy that reads labels (or pair scores) from the column at this 0-based index (CSV/TSV). */
    public DataSpec labelColumn(int index) {
        return withLabelColumn(Optional.of(Column.at(index, "data.labelColumn")));
    }

    /**
     * A copy that reads no labels from the training and validation files: the student learns from the
     * teacher's outputs alone. A test file, which is always scored on labels, is then read with a header column
     * {@value #DEFAULT_LABEL_COLUMN}.
     */
    public DataSpec unlabeled() {
        return withLabelColumn(Optional.empty());
    }

    /** Whether the data has a label column. */
    public boolean isLabeled() {
        return this.labelColumn.isPresent();
    }

    /**
     * A copy that says whether CSV/TSV files start with a header row (default true). Without a header,
     * every column must be given by index.
     */
    public DataSpec header(boolean present) {
        return new DataSpec(this.format, this.train, this.validation, this.test, this.textColumn, this.textPairColumn,
                this.labelColumn, present, this.validationShare, this.maxBadRowShare, this.quoting);
    }

    /** A copy that holds out this share of training rows, in (0, 0.5], when no validation file is given. */
    public DataSpec validationShare(double share) {
        return new DataSpec(this.format, this.train, this.validation, this.test, this.textColumn, this.textPairColumn,
                this.labelColumn, this.header, share, this.maxBadRowShare, this.quoting);
    }

    /** A copy that tolerates this share of unreadable rows per file, in [0, 1). */
    public DataSpec maxBadRowShare(double share) {
        return new DataSpec(this.format, this.train, this.validation, this.test, this.textColumn, this.textPairColumn,
                this.labelColumn, this.header, this.validationShare, share, this.quoting);
    }

    /**
     * A copy that reads double quotes in CSV/TSV files this way (default {@link Quoting#AUTO}: RFC 4180,
     * except a TSV file that breaks its rules is read literally). {@link Quoting#NONE} reads quotes as
     * text; {@link Quoting#RFC_4180} makes a record that breaks RFC 4180 fail the read.
     */
    public DataSpec quoting(Quoting quoting) {
        return new DataSpec(this.format, this.train, this.validation, this.test, this.textColumn, this.textPairColumn,
                this.labelColumn, this.header, this.validationShare, this.maxBadRowShare, quoting);
    }

    /**
     * Checks what a single copy cannot: that a file without a header addresses every column by index.
     * Called when the {@link DistillationSpec} is built, after all copies are made.
     */
    void checkColumnsAddressable() {
        if (this.header) {
            return;
        }
        requireIndexed(this.textColumn, "data.textColumn");
        this.textPairColumn.ifPresent(c -> requireIndexed(c, "data.textPairColumn"));
        this.labelColumn.ifPresent(c -> requireIndexed(c, "data.labelColumn"));
    }

    private DataSpec withTextColumn(Column column) {
        return new DataSpec(this.format, this.train, this.validation, this.test, column, this.textPairColumn,
                this.labelColumn, this.header, this.validationShare, this.maxBadRowShare,
                this.quoting);
    }

    private DataSpec withTextPairColumn(Column column) {
        return new DataSpec(this.format, this.train, this.validation, this.test, this.textColumn, Optional.of(column),
                this.labelColumn, this.header, this.validationShare, this.maxBadRowShare,
                this.quoting);
    }

    private DataSpec withLabelColumn(Optional<Column> column) {
        return new DataSpec(this.format, this.train, this.validation, this.test, this.textColumn, this.textPairColumn,
                column, this.header, this.validationShare, this.maxBadRowShare,
                this.quoting);
    }

    private static void requireNamed(Column column, String field) {
        if (!column.isNamed()) {
            throw new IllegalArgumentException(field + " must be a field name for JSON Lines, was index " + column.index());
        }
    }

    private static void requireIndexed(Column column, String field) {
        if (column.isNamed()) {
            throw new IllegalArgumentException(field + " is the name " + column + " but data.header is false: give the column by index, e.g. "
                    + field.substring(field.indexOf('.') + 1) + "(0)");
        }
    }

    /**
     * One column of a row: by name (header row, JSON field) or by 0-based index (CSV/TSV).
     * @param name the column name, or {@code null} when addressed by index
     * @param index the 0-based index, or {@code -1} when addressed by name
     */
    public record Column(String name, int index) {

        /** Most columns a row may have; an index at or past it is a typo, not a data set. */
        public static final int MAX_INDEX = 1023;

        public Column {
            if (name == null) {
                Checks.inRange(index, 0, MAX_INDEX, "column index");
            }
            else {
                Checks.notBlank(name, "column name");
                if (index != -1) {
                    throw new IllegalArgumentException("column index must be -1 for a named column, was " + index);
                }
            }
        }

        /** The column with this name. */
        public static Column named(String name) {
            return named(name, "column name");
        }

        /** The column at this 0-based index. */
        public static Column at(int index) {
            return at(index, "column index");
        }

        static Column named(String name, String field) {
            return new Column(Checks.notBlank(name, field), -1);
        }

        static Column at(int index, String field) {
            return new Column(null, Checks.inRange(index, 0, MAX_INDEX, field));
        }

        /** Whether the column is addressed by name. */
        public boolean isNamed() {
            return this.name != null;
        }

        /** {@code 'name'} or {@code #index}. */
        @Override
        public String toString() {
            return isNamed() ? "'" + this.name + "'" : "#" + this.index;
        }
    }
}
