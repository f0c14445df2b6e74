package io.distill4j.pipeline.data;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.distill.Quoting;

/**
 * What {@link DatasetReader} read from one file: how many rows, how many were kept (labelled and
 * unlabelled), and the bad rows it skipped, counted by reason, with the first few kept as examples.
 *
 * <pre>{@code
 * DataReport report = dataset.report().orElseThrow();
 * log.info(report.summary());  // "train.tsv (TSV): 10003 rows, 10003 kept (10003 labelled, 0 unlabelled), 0 bad"
 * report.badRowsByReason().get(BadRow.Reason.EMPTY_TEXT);
 * }</pre>
 *
 * @param source the file name (or the name given for a stream)
 * @param format the format it was read as
 * @param rows the data records read (header and blank lines not counted)
 * @param labeled the rows kept with a label
 * @param unlabeled the rows kept without a label
 * @param badRowsByReason how many rows were skipped, by reason (reasons with none are absent)
 * @param firstBadRows the first bad rows, in file order, at most {@link #MAX_EXAMPLES}
 * @param maxBadRowShare the limit the read was held to
 * @param readLiterally whether {@link Quoting#AUTO} found that the file does not follow RFC 4180 and read
 *     its double quotes as ordinary characters
 */
public record DataReport(String source, DataFormat format, long rows, long labeled, long unlabeled,
        Map<BadRow.Reason, Long> badRowsByReason, List<BadRow> firstBadRows, double maxBadRowShare,
        boolean readLiterally) {

    /** How many bad rows a report keeps as examples. */
    public static final int MAX_EXAMPLES = 20;

    public DataReport {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        EnumMap<BadRow.Reason, Long> byReason = new EnumMap<>(BadRow.Reason.class);
        byReason.putAll(badRowsByReason);
        badRowsByReason = Collections.unmodifiableMap(byReason);
        firstBadRows = List.copyOf(firstBadRows);
    }

    /** The rows kept. */
    public long keptRows() {
        return labeled + unlabeled;
    }

    /** The rows skipped as bad. */
    public long badRows() {
        return badRowsByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Bad rows over all rows, {@code 0} for an empty file. */
    public double badRowShare() {
        return rows == 0 ? 0.0 : (double) badRows() / rows;
    }

    /**
     * What a reader of the job report should know about how the file was read, beyond its counts: that
     * its double quotes were read as text, and which setting says so up front or makes it an error.
     */
    public Optional<String> note() {
        if (!readLiterally) {
            return Optional.empty();
        }
        return Optional.of(source + " was read literally: it does not follow RFC 4180 quoting, so its double quotes "
                + "are part of the text (data.quoting: AUTO; set NONE to say so up front, or RFC_4180 to make it an "
                + "error)");
    }

    /** One line for a log or a job report. */
    public String summary() {
        StringBuilder text = new StringBuilder()
                .append(source).append(" (").append(format).append("): ")
                .append(rows).append(" rows, ").append(keptRows()).append(" kept (")
                .append(labeled).append(" labelled, ").append(unlabeled).append(" unlabelled), ")
                .append(badRows()).append(" bad");
        if (badRows() > 0) {
            text.append(" (").append(percent(badRowShare())).append("; ")
                    .append(badRowsByReason.entrySet().stream()
                            .map(entry -> entry.getKey().name().toLowerCase(Locale.ROOT) + " " + entry.getValue())
                            .collect(Collectors.joining(", ")))
                    .append("; first: ").append(firstBadRows.get(0)).append(')');
        }
        if (readLiterally) {
            text.append("; read literally, double quotes are text");
        }
        return text.toString();
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100.0);
    }
}
