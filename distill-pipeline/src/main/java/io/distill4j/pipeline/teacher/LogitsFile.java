package io.distill4j.pipeline.teacher;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.distill4j.api.exception.DistillationException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and checks a file of precomputed teacher outputs (the JSON Lines format documented on
 * {@code TeacherSpec.precomputedLogits}): one object per data row with {@code file} (default
 * {@code train}), {@code line}, and {@code logits} or {@code probabilities}. Each row becomes logits in
 * the data's label order: columns are reordered by {@code columns}, and probabilities become their
 * logarithms (floored at {@value #MIN_PROBABILITY}), which the softmax maps back to the same
 * distribution. Every fault — invalid JSON, a missing or non-integer line, an unknown file, a duplicate
 * or unknown row, a wrong width, a value that is not a finite number, probabilities out of range or not
 * summing to one — is a {@link DistillationException} naming the file and its line; a data row without
 * an object names the data file's line.
 */
final class LogitsFile {

    /** The smallest probability whose logarithm is taken; zeros become this. */
    static final double MIN_PROBABILITY = 1e-12;

    /** How far a row of probabilities may sum from one. */
    static final double SUM_TOLERANCE = 1e-3;

    /** The data files a row may name. */
    static final List<String> FILES = List.of("train", "validation", "test");

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private LogitsFile() {
    }

    /**
     * The logits of every expected row.
     *
     * @param file the JSON Lines file
     * @param expected per data file name, the lines of its rows the job reads
     * @param columns for each column of the file, the index of its label in the data's label order
     * @param jobId for the errors
     * @return per data file name, per line, the row's logits in label order
     */
    static Map<String, Map<Long, float[]>> read(Path file, Map<String, Set<Long>> expected, int[] columns,
            String jobId) {
        Objects.requireNonNull(expected, "expected");
        Map<String, Map<Long, float[]>> rows = new HashMap<>();
        Map<String, Map<Long, Long>> seenAt = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            long number = 0;
            String text;
            while (true) {
                try {
                    text = reader.readLine();
                }
                catch (CharacterCodingException ex) {
                    throw error(jobId, file, number + 1, "is not valid UTF-8");
                }
                if (text == null) {
                    break;
                }
                number++;
                if (text.isBlank()) {
                    continue;
                }
                Row row = parse(text, file, number, columns, jobId);
                Set<Long> lines = expected.get(row.file());
                if (lines == null || !lines.contains(row.line())) {
                    throw error(jobId, file, number, row.file() + " line " + row.line() + " is not a row of the data"
                            + (lines == null ? " (the spec has no " + row.file() + " file)"
                                    : " (no such line, or one the data reader skipped)"));
                }
                Long earlier = seenAt.computeIfAbsent(row.file(), f -> new HashMap<>()).putIfAbsent(row.line(), number);
                if (earlier != null) {
                    throw error(jobId, file, number, row.file() + " line " + row.line() + " appears twice (first on "
                            + "line " + earlier + ")");
                }
                rows.computeIfAbsent(row.file(), f -> new HashMap<>()).put(row.line(), row.logits());
            }
        }
        catch (IOException ex) {
            throw new DistillationException(jobId, "teacher.file: cannot read " + file + ": " + ex.getMessage(), ex);
        }
        for (String name : FILES) {
            Set<Long> lines = expected.get(name);
            if (lines == null) {
                continue;
            }
            Map<Long, float[]> found = rows.getOrDefault(name, Map.of());
            lines.stream().filter(line -> !found.containsKey(line)).sorted().findFirst().ifPresent(line -> {
                long missing = lines.stream().filter(l -> !found.containsKey(l)).count();
                throw new DistillationException(jobId, String.format(Locale.ROOT, "teacher.file %s: no row for %s "
                        + "line %d of the data (%d %s rows missing)", file, name, line, missing, name), null);
            });
        }
        return rows;
    }

    private static Row parse(String text, Path file, long number, int[] columns, String jobId) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        }
        catch (JacksonException ex) {
            throw error(jobId, file, number, "is not valid JSON: " + ex.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw error(jobId, file, number, "must be a JSON object");
        }
        String dataFile = "train";
        JsonNode fileNode = node.get("file");
        if (fileNode != null) {
            if (!fileNode.isString() || !FILES.contains(fileNode.asString())) {
                throw error(jobId, file, number, "'file' must be one of " + FILES + ", was " + fileNode);
            }
            dataFile = fileNode.asString();
        }
        JsonNode lineNode = node.get("line");
        if (lineNode == null || !lineNode.isIntegralNumber() || !lineNode.canConvertToLong() || lineNode.asLong() < 1) {
            throw error(jobId, file, number, "'line' must be a whole number >= 1 (the data row's line), was "
                    + lineNode);
        }
        JsonNode logits = node.get("logits");
        JsonNode probabilities = node.get("probabilities");
        if ((logits == null) == (probabilities == null)) {
            throw error(jobId, file, number, "needs exactly one of 'logits' and 'probabilities'");
        }
        boolean probability = probabilities != null;
        String field = probability ? "probabilities" : "logits";
        JsonNode values = probability ? probabilities : logits;
        if (!values.isArray()) {
            throw error(jobId, file, number, "'" + field + "' must be an array of numbers");
        }
        if (values.size() != columns.length) {
            throw error(jobId, file, number, String.format(Locale.ROOT, "'%s' has %d values; the data has %d labels",
                    field, values.size(), columns.length));
        }
        float[] row = new float[columns.length];
        double sum = 0;
        for (int i = 0; i < columns.length; i++) {
            JsonNode value = values.get(i);
            if (!value.isNumber()) {
                throw error(jobId, file, number, field + "[" + i + "] is not a number: " + value);
            }
            double v = value.asDouble();
            if (!Double.isFinite(v) || !Float.isFinite((float) v)) {
                throw error(jobId, file, number, field + "[" + i + "] is not a finite number: " + value);
            }
            if (probability) {
                if (v < 0 || v > 1) {
                    throw error(jobId, file, number, field + "[" + i + "] must be in [0, 1], was " + value);
                }
                sum += v;
                v = Math.log(Math.max(v, MIN_PROBABILITY));
            }
            row[columns[i]] = (float) v;
        }
        if (probability && Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw error(jobId, file, number, String.format(Locale.ROOT, "the probabilities sum to %.6f, not 1 "
                    + "(tolerance %.0e)", sum, SUM_TOLERANCE));
        }
        return new Row(dataFile, lineNode.asLong(), row);
    }

    private static DistillationException error(String jobId, Path file, long line, String detail) {
        return new DistillationException(jobId, "teacher.file " + file + " line " + line + ": " + detail, null);
    }

    private record Row(String file, long line, float[] logits) {
    }
}
