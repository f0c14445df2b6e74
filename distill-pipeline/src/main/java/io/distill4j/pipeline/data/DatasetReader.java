package io.distill4j.pipeline.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.data.ColumnMapping.Column;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a CSV, TSV or JSON Lines file into a {@link TextDataset} through a {@link ColumnMapping}.
 *
 * <ul>
 *   <li>CSV and TSV follow RFC 4180 (Apache Commons CSV): a field in double quotes may hold the
 *       delimiter, line breaks and doubled quotes ({@code ""}). Quoting can be turned off for TSV files
 *       in which {@code "} is an ordinary character. Blank lines are skipped.</li>
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

    /** How many bad rows a failure message lists. */
    static final int MESSAGE_EXAMPLES = 5;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final DataFormat format;

    private final ColumnMapping columns;

    private final double maxBadRowShare;

    private final List<String> knownLabels;

    private final boolean requireLabels;

    private final boolean singleTexts;

    private final boolean quoting;

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
     * Reads a file; its format is the one set on the builder, else the one its extension names.
     *
     * @throws DistillationException if the file cannot be read, cannot be parsed (unbalanced quotes),
     *     has no data rows, or has more bad rows than {@code maxBadRowShare} allows
     * @throws InvalidInputException if the format cannot be inferred or a named column is not in the header
     */
    public TextDataset read(Path file) {
        DataFormat fileFormat = this.format != null ? this.format : DataFormat.fromFileName(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), fileFormat);
        } catch (NoSuchFileException e) {
            throw new DistillationException(this.jobId, "data file not found: " + file, e);
        } catch (IOException e) {
            throw new DistillationException(this.jobId, "cannot read data file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a stream in the given format; the caller closes the stream.
     *
     * @param in the bytes, UTF-8
     * @param source the name used in the report and in messages
     * @param streamFormat the format of the bytes
     */
    public TextDataset read(InputStream in, String source, DataFormat streamFormat) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(streamFormat, "format");
        Rows rows = new Rows(source, streamFormat);
        try {
            if (streamFormat == DataFormat.JSON_LINES) {
                readJsonLines(in, rows);
            } else {
                readDelimited(in, streamFormat, rows);
            }
        } catch (IOException e) {
            throw new DistillationException(this.jobId, "cannot read data file " + source + ": " + e.getMessage(), e);
        }
        return rows.finish();
    }

    private void readDelimited(InputStream in, DataFormat delimited, Rows rows) throws IOException {
        CSVFormat.Builder csv = CSVFormat.RFC4180.builder()
                .setDelimiter(delimited == DataFormat.TSV ? '\t' : ',')
                .setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(false);
        if (!this.quoting) {
            csv.setQuote(null);
        }
        StrictUtf8Reader utf8 = new StrictUtf8Reader(in);
        try (CSVParser parser = CSVParser.builder().setReader(utf8).setFormat(csv.get()).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            boolean headerPending = this.columns.header();
            int[] indices = headerPending ? null : indicesOf(Map.of(), rows.source);
            long previousEnd = 0;
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException e) {
                    throw parseFailure(rows.source, previousEnd, e.getCause());
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
                        throw new DistillationException(this.jobId, rows.source + ": the header (line " + start
                                + ") is not valid UTF-8", null);
                    }
                    indices = indicesOf(headerIndex(record), rows.source);
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

    private DistillationException parseFailure(String source, long previousEnd, Throwable cause) {
        if (cause instanceof CSVException) {
            return new DistillationException(this.jobId, source + ": malformed record after line " + previousEnd + ": "
                    + cause.getMessage() + (this.quoting
                            ? "; quote fields as RFC 4180 says (\"a \"\"quoted\"\" word\"), or turn quoting off"
                            : ""), cause);
        }
        return new DistillationException(this.jobId, "cannot read data file " + source + " after line " + previousEnd
                + ": " + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }

    private void readJsonLines(InputStream in, Rows rows) throws IOException {
        Column text = requireNamed("columns.text", this.columns.text());
        Optional<Column> textPair = this.columns.textPair().map(column -> requireNamed("columns.textPair", column));
        Optional<Column> label = this.columns.label().map(column -> requireNamed("columns.label", column));
        StrictUtf8Reader utf8 = new StrictUtf8Reader(in);
        try (BufferedReader lines = new BufferedReader(utf8)) {
            long number = 0;
            String line;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (utf8.hasInvalidBytes(number, number)) {
                    rows.bad(number, BadRow.Reason.INVALID_UTF8, "invalid UTF-8");
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JacksonException e) {
                    rows.bad(number, BadRow.Reason.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage());
                    continue;
                }
                if (!node.isObject()) {
                    rows.bad(number, BadRow.Reason.MALFORMED_JSON, "not a JSON object but " + describe(node));
                    continue;
                }
                JsonNode textNode = lookup(node, text);
                if (textNode.isMissingNode() || textNode.isNull()) {
                    rows.bad(number, BadRow.Reason.MISSING_COLUMN, "field '" + text.name() + "' missing");
                    continue;
                }
                if (!textNode.isString()) {
                    rows.bad(number, BadRow.Reason.WRONG_TYPE, "field '" + text.name() + "' is "
                            + describe(textNode) + ", not a string");
                    continue;
                }
                String pairValue = null;
                if (textPair.isPresent()) {
                    JsonNode pairNode = lookup(node, textPair.get());
                    if ((pairNode.isMissingNode() || pairNode.isNull()) && this.singleTexts) {
                        pairNode = null;
                    }
                    else if (pairNode.isMissingNode() || pairNode.isNull()) {
                        rows.bad(number, BadRow.Reason.MISSING_COLUMN, "field '" + textPair.get().name() + "' missing");
                        continue;
                    }
                    if (pairNode != null && !pairNode.isString()) {
                        rows.bad(number, BadRow.Reason.WRONG_TYPE, "field '" + textPair.get().name() + "' is "
                                + describe(pairNode) + ", not a string");
                        continue;
                    }
                    pairValue = pairNode == null ? null : pairNode.stringValue();
                }
                String labelValue = null;
                if (label.isPresent()) {
                    JsonNode labelNode = lookup(node, label.get());
                    if (labelNode.isString() || labelNode.isNumber() || labelNode.isBoolean()) {
                        labelValue = labelNode.asString();
                    } else if (!labelNode.isMissingNode() && !labelNode.isNull()) {
                        rows.bad(number, BadRow.Reason.WRONG_TYPE, "field '" + label.get().name() + "' is "
                                + describe(labelNode) + ", not a string, number or boolean");
                        continue;
                    }
                }
                rows.row(number, textNode.stringValue(), pairValue, labelValue);
            }
        }
    }

    private Column requireNamed(String field, Column column) {
        if (!column.isNamed()) {
            throw new InvalidInputException(this.jobId, field, column
                    + " is given by index, but JSON Lines columns are field names or JSON Pointers");
        }
        return column;
    }

    private static JsonNode lookup(JsonNode node, Column column) {
        String name = column.name();
        if (name.startsWith("/")) {
            return node.at(JsonPointer.compile(name));
        }
        return node.path(name);
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** Collects the rows of one read: validation of kept rows, counts, the first bad rows. */
    private final class Rows {

        private final String source;

        private final DataFormat format;

        private final Set<String> known;

        private final List<TextExample> examples = new ArrayList<>();

        private final EnumMap<BadRow.Reason, Long> badByReason = new EnumMap<>(BadRow.Reason.class);

        private final List<BadRow> firstBad = new ArrayList<>();

        private long rows;

        private long labeled;

        Rows(String source, DataFormat format) {
            this.source = source;
            this.format = format;
            this.known = DatasetReader.this.knownLabels == null ? null : Set.copyOf(DatasetReader.this.knownLabels);
        }

        void row(long line, String rawText, String rawPair, String rawLabel) {
            this.rows++;
            String text = rawText.strip();
            if (text.isEmpty()) {
                reject(line, BadRow.Reason.EMPTY_TEXT, "empty text");
                return;
            }
            Optional<String> textPair = Optional.empty();
            if (rawPair != null) {
                textPair = Optional.of(rawPair.strip()).filter(pair -> !pair.isEmpty() || !DatasetReader.this.singleTexts);
                if (textPair.isPresent() && textPair.get().isEmpty()) {
                    reject(line, BadRow.Reason.EMPTY_TEXT, "empty second text");
                    return;
                }
            }
            Optional<String> label = Optional.ofNullable(rawLabel).map(String::strip).filter(value -> !value.isEmpty());
            if (label.isEmpty() && DatasetReader.this.requireLabels) {
                reject(line, BadRow.Reason.MISSING_LABEL, "no label");
                return;
            }
            if (label.isPresent() && this.known != null && !this.known.contains(label.get())) {
                reject(line, BadRow.Reason.UNKNOWN_LABEL, "unknown label '" + label.get() + "' (not among the "
                        + this.known.size() + " known labels)");
                return;
            }
            if (label.isPresent()) {
                this.labeled++;
            }
            this.examples.add(new TextExample(text, textPair, label, line, false));
        }

        void bad(long line, BadRow.Reason reason, String detail) {
            this.rows++;
            reject(line, reason, detail);
        }

        private void reject(long line, BadRow.Reason reason, String detail) {
            this.badByReason.merge(reason, 1L, Long::sum);
            if (this.firstBad.size() < DataReport.MAX_EXAMPLES) {
                this.firstBad.add(new BadRow(line, reason, detail));
            }
        }

        TextDataset finish() {
            DatasetReader reader = DatasetReader.this;
            DataReport report = new DataReport(this.source, this.format, this.rows, this.labeled,
                    this.examples.size() - this.labeled, this.badByReason, this.firstBad, reader.maxBadRowShare);
            if (this.rows == 0) {
                throw new DistillationException(reader.jobId, this.source + ": no data rows"
                        + (this.format != DataFormat.JSON_LINES && reader.columns.header() ? " after the header" : ""),
                        null);
            }
            long bad = report.badRows();
            if (bad > reader.maxBadRowShare * this.rows || this.examples.isEmpty()) {
                throw new DistillationException(reader.jobId, tooManyBadRows(report), null);
            }
            if (bad > 0) {
                log.warn("Skipped bad rows: {}", report.summary());
            } else {
                log.info("Read {}", report.summary());
            }
            List<String> labels = reader.knownLabels != null ? reader.knownLabels
                    : TextDataset.sortLabels(this.examples.stream().flatMap(example -> example.label().stream())
                            .collect(Collectors.toCollection(LinkedHashSet::new)));
            return new TextDataset(this.source, this.examples, labels, report);
        }

        private String tooManyBadRows(DataReport report) {
            DatasetReader reader = DatasetReader.this;
            return this.source + ": " + report.badRows() + " of " + report.rows() + " rows are bad ("
                    + DataReport.percent(report.badRowShare()) + "), over the limit maxBadRowShare="
                    + reader.maxBadRowShare + " (" + DataReport.percent(reader.maxBadRowShare) + "); by reason: "
                    + report.badRowsByReason().entrySet().stream()
                            .map(entry -> entry.getKey().name().toLowerCase(Locale.ROOT) + " " + entry.getValue())
                            .collect(Collectors.joining(", "))
                    + "; first bad rows: "
                    + report.firstBadRows().stream().limit(MESSAGE_EXAMPLES).map(BadRow::toString)
                            .collect(Collectors.joining("; "))
                    + (report.badRows() > MESSAGE_EXAMPLES ? "; ..." : "")
                    + ". Fix the file or the column mapping, or raise maxBadRowShare";
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

        private boolean quoting = true;

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
            if (!(maxBadRowShare >= 0.0 && maxBadRowShare <= 1.0)) {
                throw new IllegalArgumentException("maxBadRowShare must be in [0, 1], was " + maxBadRowShare);
            }
            this.maxBadRowShare = maxBadRowShare;
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
         * Whether CSV and TSV fields may be quoted as RFC 4180 says; default {@code true}. Turn it off for
         * TSV files in which a double quote is an ordinary character.
         */
        public Builder quoting(boolean quoting) {
            this.quoting = quoting;
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
