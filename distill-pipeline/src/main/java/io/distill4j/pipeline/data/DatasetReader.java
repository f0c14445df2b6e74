package io.distill4j.pipeline.data;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.distill4j.api.Checks;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.distill.Quoting;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.data.ColumnMapping.Column;

/**
 * Reads a CSV, TSV or JSON Lines file into a {@link TextDataset} through a {@link ColumnMapping}.
 *
 * <ul>
 *   <li>CSV and TSV follow RFC 4180 (Apache Commons CSV): a field in double quotes may hold the
 *       delimiter, line breaks and doubled quotes ({@code ""}). {@link Builder#quoting(Quoting)} says how
 *       strictly: by default a TSV file that breaks RFC 4180 (a plain tab-separated export whose text
 *       starts with a quoted name) is read again with {@code "} as an ordinary character, and its {@link
 *       DataReport#readLiterally()} says so; a CSV file that breaks it fails. Blank lines are skipped.</li>
 *   <li>JSON Lines: one object per line; columns are field names or JSON Pointers. A missing or
 *       {@code null} label field means the row is unlabelled; a label may be a string, a number or a
 *       boolean.</li>
 *   <li>UTF-8 is decoded strictly: a row with invalid bytes is a bad row with its line number, never a
 *       crash and never a row with replacement characters. A leading byte-order mark is ignored.</li>
 *   <li>Texts and labels are stripped of surrounding white space. An empty label means unlabelled
 *       (the teacher labels such rows) unless labels are required.</li>
 *   <li>Bad rows (missing column, empty text, unknown or missing label where known labels are given,
 *       invalid UTF-8, wrong JSON type, malformed JSON) are skipped, counted by reason and reported
 *       with their line numbers in {@link TextDataset#report()}. When they are more than {@code
 *       maxBadRowShare} of the rows, the read fails with a {@link DistillationException} that states
 *       the count, the share, the limit and the first bad rows.</li>
 * </ul>
 *
 * <pre>{@code
 * DatasetReader reader = DatasetReader.builder()
 *         .columns(ColumnMapping.ofDefaults())      // header with "text" and "label"
 *         .maxBadRowShare(0.01)
 *         .build();
 * TextDataset train = reader.read(Path.of("banking77/train.tsv"));
 * TextDataset test = reader.toBuilder()
 *         .knownLabels(train.labels())               // a label not seen in training is a bad row
 *         .requireLabels(true)
 *         .build()
 *         .read(Path.of("banking77/test.tsv"));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; each {@code read} opens and closes its own file.
 */
public final class DatasetReader {

    private static final Logger log = LoggerFactory.getLogger(DatasetReader.class);

    /** The default {@link Builder#maxBadRowShare(double)}: one row in a hundred. */
    public static final double DEFAULT_MAX_BAD_ROW_SHARE = 0.01;

    private final DataFormat format;

    private final ColumnMapping columns;

    private final double maxBadRowShare;

    private final List<String> knownLabels;

    private final boolean requireLabels;

    private final boolean singleTexts;

    private final Quoting quoting;

    private final String jobId;

    private DatasetReader(Builder builder) {
        this.format = builder.format;
        this.columns = builder.columns;
        this.maxBadRowShare = builder.maxBadRowShare;
        this.knownLabels = builder.knownLabels;
        this.requireLabels = builder.requireLabels;
        this.singleTexts = builder.singleTexts;
        this.quoting = builder.quoting;
        this.jobId = builder.jobId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with this reader's settings. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.format = this.format;
        builder.columns = this.columns;
        builder.maxBadRowShare = this.maxBadRowShare;
        builder.knownLabels = this.knownLabels;
        builder.requireLabels = this.requireLabels;
        builder.singleTexts = this.singleTexts;
        builder.quoting = this.quoting;
        builder.jobId = this.jobId;
        return builder;
    }

    /**
     * Reads a file; its format is the one set on the builder, else the one its extension names
     * ({@link DataFormat#fromPath(Path)}). A TSV file read with {@link Quoting#AUTO} that breaks RFC 4180
     * is opened a second time and read literally.
     *
     * @throws DistillationException if the file cannot be read, cannot be parsed (a record that breaks
     *     RFC 4180 where quoting is {@link Quoting#RFC_4180}, or a CSV file's under {@link Quoting#AUTO}),
     *     has no data rows, or has more bad rows than {@code maxBadRowShare} allows
     * @throws InvalidInputException if the format cannot be inferred or a named column is not in the header
     */
    public TextDataset read(Path file) {
        DataFormat fileFormat = this.format != null ? this.format : formatOf(file);
        return read(() -> Files.newInputStream(file), file.toString(), fileFormat);
    }

    /**
     * Reads a stream in the given format; the caller closes the stream. A TSV stream read with {@link
     * Quoting#AUTO} is held in memory, so that it can be read again literally if it breaks RFC 4180.
     *
     * @param in the bytes, UTF-8
     * @param source the name used in the report and in messages
     * @param streamFormat the format of the bytes
     */
    public TextDataset read(InputStream in, String source, DataFormat streamFormat) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(streamFormat, "format");
        if (!mayReadTwice(streamFormat)) {
            return read(() -> new FilterInputStream(in) {
                @Override
                public void close() {
                    // the caller's stream stays open
                }
            }, source, streamFormat);
        }
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new DistillationException(this.jobId, "cannot read data file " + source + ": " + e.getMessage(), e);
        }
        return read(() -> new ByteArrayInputStream(bytes), source, streamFormat);
    }

    /** Opens the bytes of one read; called once per attempt. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    private TextDataset read(Opener opener, String source, DataFormat fileFormat) {
        if (fileFormat == DataFormat.JSON_LINES) {
            RowCollector rows = rows(source, fileFormat);
            readAll(opener, source, in -> JsonLinesParser.read(in, this.columns, this.singleTexts, this.jobId, rows));
            return rows.finish(false);
        }
        boolean rfc4180 = this.quoting != Quoting.NONE;
        RowCollector rows = rows(source, fileFormat);
        try {
            readAll(opener, source, in -> readDelimited(in, fileFormat, rfc4180, rows));
            return rows.finish(false);
        } catch (MalformedRecord malformed) {
            if (!mayReadTwice(fileFormat)) {
                throw parseFailure(source, fileFormat, malformed);
            }
            log.warn("{} does not follow RFC 4180 (malformed record after line {}: {}); reading it again with double "
                    + "quotes as text (data.quoting: AUTO)", source, malformed.afterLine, malformed.getMessage());
            RowCollector literal = rows(source, fileFormat);
            readAll(opener, source, in -> readDelimited(in, fileFormat, false, literal));
            return literal.finish(true);
        }
    }

    /** Whether a record that breaks RFC 4180 makes the reader read the file again with quoting off. */
    private boolean mayReadTwice(DataFormat fileFormat) {
        return this.quoting == Quoting.AUTO && fileFormat == DataFormat.TSV;
    }

    private RowCollector rows(String source, DataFormat fileFormat) {
        return new RowCollector(source, fileFormat, new RowCollector.Settings(this.knownLabels, this.requireLabels,
                this.singleTexts, this.maxBadRowShare, this.columns.header(), this.jobId));
    }

    @FunctionalInterface
    private interface Parse {
        void from(InputStream in) throws IOException;
    }

    private void readAll(Opener opener, String source, Parse parse) {
        try (InputStream in = opener.open()) {
            parse.from(in);
        } catch (NoSuchFileException e) {
            throw new DistillationException(this.jobId, "data file not found: " + source, e);
        } catch (IOException e) {
            throw new DistillationException(this.jobId, "cannot read data file " + source + ": " + e.getMessage(), e);
        }
    }

    private DataFormat formatOf(Path file) {
        try {
            return DataFormat.fromPath(file);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(this.jobId, "data.format", e.getMessage());
        }
    }



    private void readDelimited(InputStream in, DataFormat delimited, boolean rfc4180, RowCollector rows)
            throws IOException {
        CSVFormat.Builder csv = CSVFormat.RFC4180.builder()
                .setDelimiter(delimited == DataFormat.TSV ? '\t' : ',')
                .setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(false);
        if (!rfc4180) {
            csv.setQuote(null);
        }
        StrictUtf8Reader utf8 = new StrictUtf8Reader(in);
        try (CSVParser parser = CSVParser.builder().setReader(utf8).setFormat(csv.get()).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            boolean headerPending = this.columns.header();
            int[] indices = headerPending ? null : indicesOf(Map.of(), rows.source());
            long previousEnd = 0;
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException e) {
                    throw failure(rows.source(), previousEnd, e.getCause());
                }
                // Commons CSV counts line breaks read so far, so after a record it stands on the record's
                // last line; quoted fields are the only place a record can hold line breaks.
                long end = parser.getCurrentLineNumber();
                long start = end - lineBreaks(record);
                previousEnd = end;
                if (record.size() == 1 && record.get(0).isBlank()) {
                    continue;
                }
                if (headerPending) {
                    headerPending = false;
                    if (utf8.hasInvalidBytes(start, end)) {
                        throw new DistillationException(this.jobId, rows.source() + ": the header (line " + start
                                + ") is not valid UTF-8", null);
                    }
                    indices = indicesOf(headerIndex(record), rows.source());
                    continue;
                }
                if (utf8.hasInvalidBytes(start, end)) {
                    rows.bad(start, BadRow.Reason.INVALID_UTF8, "invalid UTF-8");
                    continue;
                }
                String text = field(record, indices[0]);
                String textPair = indices[1] < 0 ? null : field(record, indices[1]);
                String label = indices[2] < 0 ? null : field(record, indices[2]);
                Column missing = text == null ? this.columns.text()
                        : indices[1] >= 0 && textPair == null && !this.singleTexts ? this.columns.textPair().orElseThrow()
                        : indices[2] >= 0 && label == null && !this.singleTexts ? this.columns.label().orElseThrow()
                        : null;
                if (missing != null) {
                    rows.bad(start, BadRow.Reason.MISSING_COLUMN, missing + " missing (the record has "
                            + record.size() + (record.size() == 1 ? " field)" : " fields)"));
                    continue;
                }
                rows.row(start, text, textPair, label);
            }
        }
    }

    private static String field(CSVRecord record, int index) {
        return index < record.size() ? record.get(index) : null;
    }

    private static long lineBreaks(CSVRecord record) {
        long breaks = 0;
        for (String value : record.values()) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || (c == '\n' && (i == 0 || value.charAt(i - 1) != '\r'))) {
                    breaks++;
                }
            }
        }
        return breaks;
    }

    private Map<String, Integer> headerIndex(CSVRecord header) {
        Map<String, Integer> index = new HashMap<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            if (index.putIfAbsent(name, i) != null) {
                duplicates.add(name);
            }
        }
        for (String name : duplicates) {
            index.put(name, -2);
        }
        return index;
    }

    /** Indices of text, text pair and label ({@code -1} when not mapped), resolved against a header. */
    private int[] indicesOf(Map<String, Integer> header, String source) {
        return new int[] {
            indexOf("columns.text", this.columns.text(), header, source),
            this.columns.textPair().filter(column -> !absentSingleTextColumn(column, header))
                    .map(column -> indexOf("columns.textPair", column, header, source)).orElse(-1),
            this.columns.label().filter(column -> !absentSingleTextColumn(column, header))
                    .map(column -> indexOf("columns.label", column, header, source)).orElse(-1)
        };
    }

    /** A named second-text or label column a file of single texts leaves out of its header. */
    private boolean absentSingleTextColumn(Column column, Map<String, Integer> header) {
        return this.singleTexts && column.isNamed() && !header.containsKey(column.name());
    }

    private int indexOf(String field, Column column, Map<String, Integer> header, String source) {
        if (!column.isNamed()) {
            return column.index();
        }
        Integer index = header.get(column.name());
        if (index == null) {
            throw new InvalidInputException(this.jobId, field, column + " is not in the header of " + source
                    + "; the header has " + header.keySet().stream().sorted().collect(Collectors.toList()));
        }
        if (index == -2) {
            throw new InvalidInputException(this.jobId, field, column + " appears more than once in the header of "
                    + source + "; give the column by index instead");
        }
        return index;
    }

    private RuntimeException failure(String source, long previousEnd, Throwable cause) {
        if (cause instanceof CSVException) {
            return new MalformedRecord(previousEnd, cause);
        }
        return new DistillationException(this.jobId, "cannot read data file " + source + " after line " + previousEnd
                + ": " + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }

    private DistillationException parseFailure(String source, DataFormat fileFormat, MalformedRecord malformed) {
        String advice = fileFormat == DataFormat.CSV
                ? "; quote fields as RFC 4180 says (\"a \"\"quoted\"\" word\"), or, if no field holds a comma, set "
                        + "data.quoting: NONE (DataSpec.quoting(Quoting.NONE)) to read double quotes as text"
                : "; quote fields as RFC 4180 says (\"a \"\"quoted\"\" word\"), or set data.quoting: NONE "
                        + "(DataSpec.quoting(Quoting.NONE)) to read double quotes as text, or AUTO to do so whenever "
                        + "the file breaks RFC 4180";
        return new DistillationException(this.jobId, source + ": malformed record after line " + malformed.afterLine
                + ": " + malformed.getMessage() + advice, malformed.getCause());
    }

    /** A record that breaks RFC 4180, found by Commons CSV after a given line. */
    private static final class MalformedRecord extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final long afterLine;

        MalformedRecord(long afterLine, Throwable cause) {
            super(cause.getMessage(), cause, false, false);
            this.afterLine = afterLine;
        }
    }



    /** Builder of {@link DatasetReader}. */
    public static final class Builder {

        private DataFormat format;

        private ColumnMapping columns = ColumnMapping.ofDefaults();

        private double maxBadRowShare = DEFAULT_MAX_BAD_ROW_SHARE;

        private List<String> knownLabels;

        private boolean requireLabels;

        private boolean singleTexts;

        private Quoting quoting = Quoting.AUTO;

        private String jobId;

        private Builder() {
        }

        /** The file format; default: inferred from the file's extension. */
        public Builder format(DataFormat format) {
            this.format = format;
            return this;
        }

        /** Which columns hold text, second text and label; default {@link ColumnMapping#ofDefaults()}. */
        public Builder columns(ColumnMapping columns) {
            this.columns = Objects.requireNonNull(columns, "columns");
            return this;
        }

        /**
         * The largest share of bad rows a read accepts, in {@code [0, 1]}; default {@code 0.01}. Over it,
         * the read fails; at or under it, bad rows are skipped and reported.
         */
        public Builder maxBadRowShare(double maxBadRowShare) {
            this.maxBadRowShare = Checks.probability(maxBadRowShare, "maxBadRowShare");
            return this;
        }

        /**
         * The labels a label must be one of (the training labels, when reading a validation or test file);
         * a row with another label is a bad row. The data set read carries this vocabulary in this order.
         * Default: any label, and the vocabulary is the sorted set of labels read.
         */
        public Builder knownLabels(Collection<String> knownLabels) {
            List<String> labels = List.copyOf(new LinkedHashSet<>(knownLabels));
            if (labels.isEmpty()) {
                throw new IllegalArgumentException("knownLabels must not be empty");
            }
            if (labels.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("knownLabels must not contain a blank label");
            }
            this.knownLabels = labels;
            return this;
        }

        /** Whether an unlabelled row is a bad row (for validation and test files); default {@code false}. */
        public Builder requireLabels(boolean requireLabels) {
            this.requireLabels = requireLabels;
            return this;
        }

        /**
         * Whether rows may be single texts although a second-text column is mapped (the training file of an
         * embedding distillation, which mixes pairs and plain sentences); default {@code false}. When on, a
         * missing or empty second text means the row has none, and a record too short to hold the label
         * column is unlabelled; when off, each is a bad row.
         */
        public Builder singleTexts(boolean singleTexts) {
            this.singleTexts = singleTexts;
            return this;
        }

        /**
         * How double quotes in CSV and TSV files are read; default {@link Quoting#AUTO}: RFC 4180, except
         * that a TSV file that breaks it is read again with quotes as text, and its report says so.
         */
        public Builder quoting(Quoting quoting) {
            this.quoting = Objects.requireNonNull(quoting, "quoting");
            return this;
        }

        /** The distillation job the read belongs to, named in errors; default none. */
        public Builder jobId(String jobId) {
            this.jobId = jobId;
            return this;
        }

        public DatasetReader build() {
            return new DatasetReader(this);
        }
    }
}
