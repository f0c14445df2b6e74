package io.distill4j.pipeline.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link GenerationReport} as JSON (and reads it back) and as one self-contained HTML page, by the
 * same rules as {@link DistillationReportWriter}: JSON is one pretty-printed object, {@code "reportVersion": }
 * {@value #REPORT_VERSION} then the report's components in declaration order, ISO-8601 times and durations, the
 * string {@code "NaN"} for a number that is not known, {@code null} for an absent optional, read back strictly;
 * the HTML page has inline CSS, loads nothing (a {@code Content-Security-Policy} forbids it) and escapes every
 * text. Both files are written atomically (temporary file, forced, moved over the target). Stateless and
 * thread-safe.
 *
 * <pre>{@code
 * GenerationReportWriter.writeJson(report, out.resolve("generation-report.json"));
 * GenerationReportWriter.writeHtml(report, out.resolve("generation-report.html"));
 * }</pre>
 */
public final class GenerationReportWriter {

    /** The version of the JSON layout, written as {@code reportVersion}. */
    public static final int REPORT_VERSION = 1;

    private GenerationReportWriter() {
    }

    /** The report as JSON text. */
    public static String toJson(GenerationReport report) {
        return DistillationReportWriter.versioned(Objects.requireNonNull(report, "report"), REPORT_VERSION);
    }

    /**
     * Parses a report written by {@link #toJson}.
     *
     * @throws IllegalArgumentException if the text is not JSON, has another {@code reportVersion}, has an unknown
     *     or missing key, or describes an invalid report
     */
    public static GenerationReport fromJson(String json) {
        ObjectNode fields = DistillationReportWriter.object(Objects.requireNonNull(json, "json"),
                "The generation report");
        JsonNode version = fields.remove(DistillationReportWriter.VERSION_FIELD);
        if (version == null || !version.isInt() || version.intValue() != REPORT_VERSION) {
            throw new IllegalArgumentException("The generation report's " + DistillationReportWriter.VERSION_FIELD
                    + " must be " + REPORT_VERSION + ", was " + version);
        }
        return DistillationReportWriter.bind(fields, GenerationReport.class, "The generation report");
    }

    /** The report as one self-contained HTML page. */
    public static String toHtml(GenerationReport report) {
        return new GenerationHtmlReport(Objects.requireNonNull(report, "report")).render();
    }

    /**
     * Writes {@link #toJson} to {@code file} atomically, creating its folder if needed.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeJson(GenerationReport report, Path file) throws IOException {
        DistillationReportWriter.writeAtomically(toJson(report), file);
    }

    /**
     * Writes {@link #toHtml} to {@code file} atomically, creating its folder if needed.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeHtml(GenerationReport report, Path file) throws IOException {
        DistillationReportWriter.writeAtomically(toHtml(report), file);
    }

    /**
     * Reads a report that {@link #writeJson} wrote.
     *
     * @throws IOException if the file cannot be read, or does not hold a valid report (the cause then says why)
     */
    public static GenerationReport readJson(Path file) throws IOException {
        String json = Files.readString(Objects.requireNonNull(file, "file"), StandardCharsets.UTF_8);
        try {
            return fromJson(json);
        }
        catch (IllegalArgumentException ex) {
            throw new IOException(file + " does not hold a valid Distill4j generation report: " + ex.getMessage(), ex);
        }
    }
}
