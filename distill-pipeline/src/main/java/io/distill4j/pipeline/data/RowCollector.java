package io.distill4j.pipeline.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.exception.DistillationException;

/**
 * Collects the rows of one read of one file: checks each kept row (empty text, missing or unknown
 * label), counts bad rows by reason with the first few as examples, and at the end either builds the
 * {@link TextDataset} with its {@link DataReport} or fails past the bad-row limit. One instance per read;
 * not thread-safe.
 */
final class RowCollector {

    private static final Logger log = LoggerFactory.getLogger(DatasetReader.class);

    /** How many bad rows a failure message lists. */
    static final int MESSAGE_EXAMPLES = 5;

    private final String source;

    private final DataFormat format;

    private final Settings settings;

    private final Set<String> known;

    private final List<TextExample> examples = new ArrayList<>();

    private final EnumMap<BadRow.Reason, Long> badByReason = new EnumMap<>(BadRow.Reason.class);

    private final List<BadRow> firstBad = new ArrayList<>();

    private long rows;

    private long labeled;

    /**
     * What a read checks rows against.
     *
     * @param knownLabels the labels a label must be one of, or {@code null} for any
     * @param requireLabels whether an unlabelled row is bad
     * @param singleTexts whether an empty second text means the row has none
     * @param maxBadRowShare the largest share of bad rows accepted
     * @param header whether the file had a header row (named in the message of an empty file)
     * @param jobId the job named in errors, or {@code null}
     */
    record Settings(List<String> knownLabels, boolean requireLabels, boolean singleTexts, double maxBadRowShare,
            boolean header, String jobId) {
    }

    RowCollector(String source, DataFormat format, Settings settings) {
        this.source = source;
        this.format = format;
        this.settings = settings;
        this.known = settings.knownLabels() == null ? null : Set.copyOf(settings.knownLabels());
    }

    String source() {
        return this.source;
    }

    /** A record that was read: kept, or rejected for an empty text, a missing or an unknown label. */
    void row(long line, String rawText, String rawPair, String rawLabel) {
        this.rows++;
        String text = rawText.strip();
        if (text.isEmpty()) {
            reject(line, BadRow.Reason.EMPTY_TEXT, "empty text");
            return;
        }
        Optional<String> textPair = Optional.empty();
        if (rawPair != null) {
            textPair = Optional.of(rawPair.strip()).filter(pair -> !pair.isEmpty() || !this.settings.singleTexts());
            if (textPair.isPresent() && textPair.get().isEmpty()) {
                reject(line, BadRow.Reason.EMPTY_TEXT, "empty second text");
                return;
            }
        }
        Optional<String> label = Optional.ofNullable(rawLabel).map(String::strip).filter(value -> !value.isEmpty());
        if (label.isEmpty() && this.settings.requireLabels()) {
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

    /** A record that could not be read at all. */
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

    /**
     * The data set read.
     *
     * @param readLiterally whether the file's double quotes were read as text because it does not follow
     *     RFC 4180
     * @throws DistillationException if the file had no data rows, or more bad rows than allowed
     */
    TextDataset finish(boolean readLiterally) {
        DataReport report = new DataReport(this.source, this.format, this.rows, this.labeled,
                this.examples.size() - this.labeled, this.badByReason, this.firstBad, this.settings.maxBadRowShare(),
                readLiterally);
        if (this.rows == 0) {
            throw new DistillationException(this.settings.jobId(), this.source + ": no data rows"
                    + (this.format != DataFormat.JSON_LINES && this.settings.header() ? " after the header" : ""),
                    null);
        }
        long bad = report.badRows();
        if (bad > this.settings.maxBadRowShare() * this.rows || this.examples.isEmpty()) {
            throw new DistillationException(this.settings.jobId(), tooManyBadRows(report), null);
        }
        if (bad > 0) {
            log.warn("Skipped bad rows: {}", report.summary());
        } else {
            log.info("Read {}", report.summary());
        }
        List<String> labels = this.settings.knownLabels() != null ? this.settings.knownLabels()
                : TextDataset.sortLabels(this.examples.stream().flatMap(example -> example.label().stream())
                        .collect(Collectors.toCollection(LinkedHashSet::new)));
        return new TextDataset(this.source, this.examples, labels, report);
    }

    private String tooManyBadRows(DataReport report) {
        double limit = this.settings.maxBadRowShare();
        return this.source + ": " + report.badRows() + " of " + report.rows() + " rows are bad ("
                + DataReport.percent(report.badRowShare()) + "), over the limit maxBadRowShare="
                + limit + " (" + DataReport.percent(limit) + "); by reason: "
                + report.badRowsByReason().entrySet().stream()
                        .map(entry -> entry.getKey().name().toLowerCase(Locale.ROOT) + " " + entry.getValue())
                        .collect(Collectors.joining(", "))
                + "; first bad rows: "
                + report.firstBadRows().stream().limit(MESSAGE_EXAMPLES).map(BadRow::toString)
                        .collect(Collectors.joining("; "))
                + (report.badRows() > MESSAGE_EXAMPLES ? "; ..." : "")
                + ". Fix the file or the column mapping, or raise data.maxBadRowShare (DataSpec.maxBadRowShare)";
    }
}
