package io.distill4j.pipeline.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.Checks;
import io.distill4j.pipeline.data.BadRow;
import io.distill4j.pipeline.data.DataReport;

/**
 * The data a job used: rows per split, the bad rows skipped while reading, counted by reason, with at
 * most {@value #MAX_EXAMPLES} examples of the form {@code "train.tsv line 12: the text is empty"}, and
 * notes on how files were read (a TSV file read literally because it does not follow RFC 4180), and the
 * augmented copies made per training example with the reason, when the spec asked for augmentation.
 *
 * <pre>{@code
 * DataSummary data = DataSummary.fromReports(Map.of("train", 8000L, "validation", 1000L, "test", 1000L),
 *         List.of(trainFile.report().orElseThrow(), testFile.report().orElseThrow()));
 * }</pre>
 *
 * @param rowsPerSplit rows per split, in the caller's order (train, validation, test)
 * @param badRowsByReason skipped rows by reason, in the caller's order
 * @param badRowExamples the first skipped rows, one line each, at most {@value #MAX_EXAMPLES}
 * @param notes one sentence per file whose reading a user should know about, in the files' order
 * @param augmentation the copies per training example and why; empty when the spec asked for none
 */
public record DataSummary(Map<String, Long> rowsPerSplit, Map<String, Long> badRowsByReason,
        List<String> badRowExamples, List<String> notes, Optional<AugmentationChoice> augmentation) {

    /** How many bad-row examples a summary keeps. */
    public static final int MAX_EXAMPLES = DataReport.MAX_EXAMPLES;

    public DataSummary {
        rowsPerSplit = Checks.orderedCopy(rowsPerSplit, "data.rowsPerSplit");
        rowsPerSplit.forEach((split, rows) -> Checks.atLeast(rows, 0, "data.rowsPerSplit['" + split + "']"));
        badRowsByReason = Checks.orderedCopy(badRowsByReason, "data.badRowsByReason");
        badRowsByReason.forEach((reason, rows) -> Checks.atLeast(rows, 0,
                "data.badRowsByReason['" + reason + "']"));
        badRowExamples = List.copyOf(Checks.notNull(badRowExamples, "data.badRowExamples"));
        if (badRowExamples.size() > MAX_EXAMPLES) {
            throw new IllegalArgumentException("data.badRowExamples holds at most " + MAX_EXAMPLES + " lines, was "
                    + badRowExamples.size() + "; use DataSummary.of to keep the first ones");
        }
        notes = List.copyOf(Checks.notNull(notes, "data.notes"));
        Checks.notNull(augmentation, "data.augmentation");
    }

    /** A summary without augmentation. */
    public DataSummary(Map<String, Long> rowsPerSplit, Map<String, Long> badRowsByReason, List<String> badRowExamples,
            List<String> notes) {
        this(rowsPerSplit, badRowsByReason, badRowExamples, notes, Optional.empty());
    }

    /** A summary with no splits and no bad rows. */
    public static DataSummary empty() {
        return new DataSummary(Map.of(), Map.of(), List.of(), List.of());
    }

    /** A summary without notes that keeps the first {@value #MAX_EXAMPLES} of {@code badRowExamples}. */
    public static DataSummary of(Map<String, Long> rowsPerSplit, Map<String, Long> badRowsByReason,
            List<String> badRowExamples) {
        Checks.notNull(badRowExamples, "data.badRowExamples");
        return new DataSummary(rowsPerSplit, badRowsByReason,
                badRowExamples.subList(0, Math.min(MAX_EXAMPLES, badRowExamples.size())), List.of());
    }

    /**
     * A summary of the files {@code DatasetReader} read: their bad rows added up by reason (in
     * lower case, e.g. {@code empty_text}), and the first examples of the files in order, each prefixed
     * with its file's name; each file's {@link DataReport#note()} becomes a note.
     */
    public static DataSummary fromReports(Map<String, Long> rowsPerSplit, List<DataReport> reports) {
        Checks.notNull(reports, "reports");
        Map<String, Long> byReason = new LinkedHashMap<>();
        List<String> examples = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (DataReport report : reports) {
            report.note().ifPresent(notes::add);
            report.badRowsByReason().forEach((reason, count) -> byReason.merge(
                    reason.name().toLowerCase(Locale.ROOT), count, Long::sum));
            for (BadRow row : report.firstBadRows()) {
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add(report.source() + " " + row);
                }
            }
        }
        return new DataSummary(rowsPerSplit, byReason, examples, notes);
    }

    /** A copy that records the augmentation {@code choice}. */
    public DataSummary withAugmentation(AugmentationChoice choice) {
        return new DataSummary(this.rowsPerSplit, this.badRowsByReason, this.badRowExamples, this.notes,
                Optional.of(Checks.notNull(choice, "data.augmentation")));
    }

    /** All skipped rows. */
    public long badRows() {
        return this.badRowsByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All rows in the splits. */
    public long totalRows() {
        return this.rowsPerSplit.values().stream().mapToLong(Long::longValue).sum();
    }
}
