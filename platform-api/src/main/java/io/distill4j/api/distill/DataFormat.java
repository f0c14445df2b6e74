package io.distill4j.api.distill;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.distill4j.api.Checks;

/**
 * File formats a {@link DataSpec} reads, all UTF-8. CSV and TSV follow RFC 4180 quoting (a quoted field
 * may hold the delimiter, doubled quotes and line breaks) as {@link DataSpec#quoting()} says; JSON Lines
 * holds one JSON object per line. {@link #fromPath(Path)} is the one rule that maps a file name to a
 * format.
 */
public enum DataFormat {
    /** Comma-separated values; extension {@code .csv}. */
    CSV(List.of("csv")),
    /** Tab-separated values; extensions {@code .tsv}, {@code .tab}. */
    TSV(List.of("tsv", "tab")),
    /** One JSON object per line; extensions {@code .jsonl}, {@code .ndjson}, {@code .jsonlines}. */
    JSON_LINES(List.of("jsonl", "ndjson", "jsonlines"));

    private final List<String> extensions;

    DataFormat(List<String> extensions) {
        this.extensions = extensions;
    }

    /** File name extensions (lower case, without the dot) that select this format. */
    public List<String> extensions() {
        return this.extensions;
    }

    /**
     * The format of a file, from its extension (case-insensitive).
     * @throws IllegalArgumentException naming the file and the known extensions if none matches
     */
    public static DataFormat fromPath(Path file) {
        Checks.path(file, "data file");
        Path fileName = file.getFileName();
        String name = fileName == null ? "" : fileName.toString();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (DataFormat format : values()) {
            if (format.extensions.contains(extension)) {
                return format;
            }
        }
        throw new IllegalArgumentException("Cannot tell the format of data file '" + file + "' from its extension"
                + (extension.isEmpty() ? "" : " '." + extension + "'")
                + ": expected .csv, .tsv, .tab, .jsonl, .ndjson or .jsonlines, or name the format with DataSpec.of(path, format)");
    }
}
