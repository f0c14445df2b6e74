package io.distill4j.pipeline.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import io.distill4j.engine.files.AtomicFiles;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link DistillationReport} as JSON (and reads it back) and as one self-contained HTML page.
 *
 * <pre>{@code
 * DistillationReportWriter.writeJson(report, out.resolve("report.json"));
 * DistillationReportWriter.writeHtml(report, out.resolve("report.html"));
 * DistillationReport again = DistillationReportWriter.readJson(out.resolve("report.json"));
 * }</pre>
 *
 * <p><b>JSON.</b> One object: {@code "reportVersion": }{@value #REPORT_VERSION}, then the report's
 * components in declaration order (nested records likewise), pretty-printed. Maps keep the report's
 * order (hyper-parameters sorted by name, splits and providers in the caller's order); times are ISO-8601
 * ({@code "2025-03-01T10:15:30.123Z"}, durations {@code "PT12.5S"}); a number that is not known is the
 * string {@code "NaN"}; an absent optional is {@code null}. Reading is strict: an unknown or missing key,
 * or another {@code reportVersion}, is an error; older layouts are read without what they predate (a
 * version 3 report without {@code data.augmentation}, a version 2 report without that and without
 * {@code teacherChoice}).
 *
 * <p><b>HTML.</b> A single UTF-8 file with inline CSS and inline SVG charts (training loss and the
 * validation metric per epoch, with ticked axes), and tables for the model comparison, the gates, the
 * stages, the hyper-parameters, the trials, the data, quantization and compatibility. It loads nothing:
 * no scripts, fonts, style sheets or images, and a {@code Content-Security-Policy} that forbids them, so
 * it can be mailed, archived or opened offline. Every text from the report is HTML-escaped; numbers are
 * formatted with {@link java.util.Locale#ROOT}.
 *
 * <p>Both files are written atomically: to a temporary file in the target's folder (created if missing),
 * forced to disk, then moved over the target, so a reader sees the old file or the new one, never part
 * of one. Stateless and thread-safe.
 */
public final class DistillationReportWriter {

    /**
     * The version of the JSON layout, written as {@code reportVersion}: 3 added {@code teacherChoice}, 4
     * added {@code data.augmentation}, 5 {@code labelling}. Versions 2 to 4 are read too, without what they
     * predate.
     */
    public static final int REPORT_VERSION = 5;

    /** The layout before {@code labelling}, which {@link #fromJson} still reads. */
    private static final int REPORT_VERSION_WITHOUT_LABELLING = 4;

    /** The layout before {@code data.augmentation}, which {@link #fromJson} still reads. */
    private static final int REPORT_VERSION_WITHOUT_AUGMENTATION = 3;

    /** The layout before {@code teacherChoice}, which {@link #fromJson} still reads. */
    private static final int REPORT_VERSION_WITHOUT_TEACHER_CHOICE = 2;

    /** The name of the JSON field carrying {@link #REPORT_VERSION}. */
    public static final String VERSION_FIELD = "reportVersion";

    /** Indented, in declaration order, ISO dates and durations; reading fails on unknown or missing fields. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();

    private DistillationReportWriter() {
    }

    /** The report as JSON text. */
    public static String toJson(DistillationReport report) {
        return versioned(Objects.requireNonNull(report, "report"), REPORT_VERSION);
    }

    /** {@code report}'s fields after a {@value #VERSION_FIELD} field of {@code version}, as one JSON text. */
    static String versioned(Object report, int version) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(VERSION_FIELD, version);
        root.setAll((ObjectNode) MAPPER.valueToTree(report));
        return MAPPER.writeValueAsString(root) + "\n";
    }

    /**
     * {@code json} as an object, or an {@link IllegalArgumentException} saying that {@code what} ("The report")
     * is not JSON or not an object.
     */
    static ObjectNode object(String json, String what) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + ex.getOriginalMessage(), ex);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return (ObjectNode) root;
    }

    /**
     * {@code fields} bound to {@code type} strictly, or an {@link IllegalArgumentException} saying why
     * {@code what} is invalid (the record's own check first).
     */
    static <T> T bind(ObjectNode fields, Class<T> type, String what) {
        try {
            return MAPPER.treeToValue(fields, type);
        }
        catch (JacksonException ex) {
            Throwable cause = ex.getCause();
            String reason = cause instanceof IllegalArgumentException ? cause.getMessage() : ex.getOriginalMessage();
            throw new IllegalArgumentException(what + " is invalid: " + reason, ex);
        }
    }

    /**
     * Parses a report written by {@link #toJson}.
     *
     * @throws IllegalArgumentException if the text is not JSON, has another {@code reportVersion}, has an
     *     unknown or missing key, or describes an invalid report
     */
    public static DistillationReport fromJson(String json) {
        ObjectNode root = object(Objects.requireNonNull(json, "json"), "The report");
        JsonNode version = root.get(VERSION_FIELD);
        int layout = version != null && version.isInt() ? version.intValue() : -1;
        if (layout < REPORT_VERSION_WITHOUT_TEACHER_CHOICE || layout > REPORT_VERSION) {
            throw new IllegalArgumentException("The report's " + VERSION_FIELD + " must be " + REPORT_VERSION
                    + " (or " + REPORT_VERSION_WITHOUT_TEACHER_CHOICE + " to " + REPORT_VERSION_WITHOUT_LABELLING
                    + "), was " + version);
        }
        ObjectNode fields = root.deepCopy();
        fields.remove(VERSION_FIELD);
        if (layout <= REPORT_VERSION_WITHOUT_TEACHER_CHOICE) {
            absentBefore(fields, "teacherChoice", layout);
        }
        if (layout <= REPORT_VERSION_WITHOUT_AUGMENTATION && fields.get("data") instanceof ObjectNode data) {
            absentBefore(data, "augmentation", layout);
        }
        if (layout <= REPORT_VERSION_WITHOUT_LABELLING) {
            absentBefore(fields, "labelling", layout);
        }
        return bind(fields, DistillationReport.class, "The report");
    }

    /** Sets {@code field}, which a report of version {@code layout} predates, to absent; present is an error. */
    private static void absentBefore(ObjectNode fields, String field, int layout) {
        if (fields.has(field)) {
            throw new IllegalArgumentException("The report is invalid: a version " + layout + " report has no "
                    + field);
        }
        fields.putNull(field);
    }

    /** The report as one self-contained HTML page. */
    public static String toHtml(DistillationReport report) {
        Objects.requireNonNull(report, "report");
        return new HtmlReport(report).render();
    }

    /**
     * Writes {@link #toJson} to {@code file} atomically.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeJson(DistillationReport report, Path file) throws IOException {
        writeAtomically(toJson(report), file);
    }

    /**
     * Writes {@link #toHtml} to {@code file} atomically.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeHtml(DistillationReport report, Path file) throws IOException {
        writeAtomically(toHtml(report), file);
    }

    /**
     * Reads a report that {@link #writeJson} wrote.
     *
     * @throws IOException if the file cannot be read, or does not hold a valid report (the cause then says why)
     */
    public static DistillationReport readJson(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String json = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return fromJson(json);
        }
        catch (IllegalArgumentException ex) {
            throw new IOException(file + " does not hold a valid Distill4j report: " + ex.getMessage(), ex);
        }
    }

    /** Creates the file's folder if needed, then replaces the file through {@link AtomicFiles}. */
    static void writeAtomically(String text, Path file) throws IOException {
        Path target = Objects.requireNonNull(file, "file").toAbsolutePath();
        Files.createDirectories(target.getParent());
        AtomicFiles.writeString(target, text);
    }
}
