package io.distill4j.pipeline.data;

import java.nio.file.Path;
import java.util.Locale;

import io.distill4j.api.exception.InvalidInputException;

/**
 * The file formats {@link DatasetReader} reads. All are UTF-8.
 *
 * <pre>{@code
 * DataFormat format = DataFormat.fromFileName(Path.of("train.tsv")); // TSV
 * }</pre>
 */
public enum DataFormat {

    /** Comma-separated values; fields may be quoted as in RFC 4180 ({@code .csv}). */
    CSV,

    /** Tab-separated values with the same quoting rules as {@link #CSV} ({@code .tsv}, {@code .tab}). */
    TSV,

    /** One JSON object per line; columns are field names or JSON Pointers ({@code .jsonl}, {@code .ndjson}). */
    JSON_LINES;

    /**
     * The format named by a file's extension, case-insensitively.
     *
     * @throws InvalidInputException if the extension is none of {@code .csv}, {@code .tsv}, {@code .tab},
     *     {@code .jsonl}, {@code .ndjson}
     */
    public static DataFormat fromFileName(Path file) {
        Path fileName = file.getFileName();
        String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSON_LINES;
        }
        throw new InvalidInputException(null, "format", "cannot infer the data format of '" + file
                + "' from its extension; expected .csv, .tsv, .tab, .jsonl or .ndjson, or set the format explicitly");
    }
}
