package io.distill4j.pipeline.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.data.ColumnMapping.Column;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON Lines half of {@link DatasetReader}: one object per line, columns as field names or JSON
 * Pointers. A line that is not an object, has a duplicate key or trailing tokens, lacks the text, or
 * holds a value of the wrong type is a bad row with its line number; a missing or {@code null} label
 * means the row is unlabelled. Stateless.
 */
final class JsonLinesParser {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonLinesParser() {
    }

    /**
     * Reads every line of {@code in} into {@code rows}; the caller closes the stream.
     *
     * @throws InvalidInputException if a column is given by index
     */
    static void read(InputStream in, ColumnMapping columns, boolean singleTexts, String jobId, RowCollector rows)
            throws IOException {
        Column text = requireNamed(jobId, "columns.text", columns.text());
        Optional<Column> textPair = columns.textPair().map(column -> requireNamed(jobId, "columns.textPair", column));
        Optional<Column> label = columns.label().map(column -> requireNamed(jobId, "columns.label", column));
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
                    if ((pairNode.isMissingNode() || pairNode.isNull()) && singleTexts) {
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

    private static Column requireNamed(String jobId, String field, Column column) {
        if (!column.isNamed()) {
            throw new InvalidInputException(jobId, field, column
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

}
