package io.distill4j.engine.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.engine.repository.ModelManifest.TensorJson;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the JSON of a {@code model.json} into {@link ModelManifest.Json} with Jackson's streaming parser. The
 * manifest is read on every model load, often the first JSON a process reads: a data-binding mapper would make that
 * first load pay for building one (a quarter of a second in a fresh JVM, more than the rest of a small model's
 * load), where the streaming parser costs a fifth of it.
 *
 * <p>Strict as the manifest's contract is: an unknown or repeated key, or a value of the wrong JSON type, is a
 * {@link ManifestSyntaxException} naming the field (with its index inside arrays) and the line and column.
 */
final class ManifestJsonReader {

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private final JsonParser parser;

    private ManifestJsonReader(JsonParser parser) {
        this.parser = parser;
    }

    /**
     * Reads one manifest object.
     * @return the fields as written, {@code null} for JSON {@code null}
     * @throws ManifestSyntaxException for malformed JSON or a field of the wrong kind
     * @throws tools.jackson.core.JacksonException for malformed JSON the parser itself rejects
     */
    static ModelManifest.Json read(String json) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            ManifestJsonReader reader = new ManifestJsonReader(parser);
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return null;
            }
            ModelManifest.Json manifest = reader.manifest();
            if (parser.nextToken() != null) {
                throw reader.error("(end)", "must be the end of the file: one JSON object is expected");
            }
            return manifest;
        }
    }

    private ModelManifest.Json manifest() {
        expect(JsonToken.START_OBJECT, "(top level)", "must be a JSON object");
        String task = null;
        String description = null;
        String tokenizer = null;
        Integer maxSequenceLength = null;
        String pooling = null;
        Boolean normalize = null;
        List<String> labels = null;
        String output = null;
        Boolean dynamicBatching = null;
        Boolean allowIncompatible = null;
        List<TensorJson> inputs = null;
        List<TensorJson> outputs = null;
        Map<String, String> provenance = null;
        ModelManifest.ServingJson serving = null;
        while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = this.parser.currentName();
            this.parser.nextToken();
            switch (field) {
                case "task" -> task = string(field);
                case "description" -> description = string(field);
                case "tokenizer" -> tokenizer = string(field);
                case "maxSequenceLength" -> maxSequenceLength = integer(field);
                case "pooling" -> pooling = string(field);
                case "normalize" -> normalize = bool(field);
                case "labels" -> labels = strings(field);
                case "output" -> output = string(field);
                case "dynamicBatching" -> dynamicBatching = bool(field);
                case "allowIncompatible" -> allowIncompatible = bool(field);
                case "inputs" -> inputs = tensors(field);
                case "outputs" -> outputs = tensors(field);
                case "provenance" -> provenance = stringMap(field);
                case "serving" -> serving = serving(field);
                default -> throw error(field, "is not a manifest field (known: task, description, tokenizer, "
                        + "maxSequenceLength, pooling, normalize, labels, output, dynamicBatching, allowIncompatible, "
                        + "inputs, outputs, provenance, serving)");
            }
        }
        return new ModelManifest.Json(task, description, tokenizer, maxSequenceLength, pooling, normalize, labels,
                output, dynamicBatching, allowIncompatible, inputs, outputs, provenance, serving);
    }

    private ModelManifest.ServingJson serving(String field) {
        if (isNull()) {
            return null;
        }
        expect(JsonToken.START_OBJECT, field, "must be an object with \"instances\", \"sessions\", \"batching\" "
                + "or \"maxBatchSize\"");
        Integer instances = null;
        String sessions = null;
        String batching = null;
        Integer maxBatchSize = null;
        while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = this.parser.currentName();
            String where = field + "." + key;
            this.parser.nextToken();
            switch (key) {
                case "instances" -> instances = integer(where);
                case "sessions" -> sessions = string(where);
                case "batching" -> batching = string(where);
                case "maxBatchSize" -> maxBatchSize = integer(where);
                default -> throw error(where, "is not a serving field (known: instances, sessions, batching, "
                        + "maxBatchSize)");
            }
        }
        return new ModelManifest.ServingJson(instances, sessions, batching, maxBatchSize);
    }

    private List<TensorJson> tensors(String field) {
        if (isNull()) {
            return null;
        }
        expect(JsonToken.START_ARRAY, field, "must be an array of {\"name\", \"type\", \"shape\"} objects");
        List<TensorJson> tensors = new ArrayList<>();
        while (this.parser.nextToken() != JsonToken.END_ARRAY) {
            String where = field + "[" + tensors.size() + "]";
            if (isNull()) {
                tensors.add(null);
                continue;
            }
            expect(JsonToken.START_OBJECT, where, "must be an object with \"name\", \"type\" and \"shape\"");
            String name = null;
            String type = null;
            List<Long> shape = null;
            while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = this.parser.currentName();
                this.parser.nextToken();
                switch (key) {
                    case "name" -> name = string(where + ".name");
                    case "type" -> type = string(where + ".type");
                    case "shape" -> shape = longs(where + ".shape");
                    default -> throw error(where + "." + key, "is not a tensor field (known: name, type, shape)");
                }
            }
            tensors.add(new TensorJson(name, type, shape));
        }
        return tensors;
    }

    private List<String> strings(String field) {
        if (isNull()) {
            return null;
        }
        expect(JsonToken.START_ARRAY, field, "must be an array of strings");
        List<String> values = new ArrayList<>();
        while (this.parser.nextToken() != JsonToken.END_ARRAY) {
            values.add(string(field + "[" + values.size() + "]"));
        }
        return values;
    }

    private List<Long> longs(String field) {
        if (isNull()) {
            return null;
        }
        expect(JsonToken.START_ARRAY, field, "must be an array of integers");
        List<Long> values = new ArrayList<>();
        while (this.parser.nextToken() != JsonToken.END_ARRAY) {
            String where = field + "[" + values.size() + "]";
            if (this.parser.currentToken() != JsonToken.VALUE_NUMBER_INT
                    || this.parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw error(where, "must be a whole number" + shown());
            }
            values.add(this.parser.getLongValue());
        }
        return values;
    }

    private Map<String, String> stringMap(String field) {
        if (isNull()) {
            return null;
        }
        expect(JsonToken.START_OBJECT, field, "must be an object of string values");
        Map<String, String> values = new LinkedHashMap<>();
        while (this.parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = this.parser.currentName();
            this.parser.nextToken();
            values.put(key, string(field + "." + key));
        }
        return values;
    }

    private String string(String field) {
        JsonToken token = this.parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw error(field, "must be a string" + shown());
        }
        return this.parser.getString();
    }

    private Integer integer(String field) {
        JsonToken token = this.parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_NUMBER_INT || this.parser.getNumberType() != JsonParser.NumberType.INT) {
            throw error(field, "must be a whole number" + shown());
        }
        return this.parser.getIntValue();
    }

    private Boolean bool(String field) {
        JsonToken token = this.parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw error(field, "must be true or false" + shown());
        }
        return token == JsonToken.VALUE_TRUE;
    }

    /** The offending value when it is a scalar, for the message. */
    private String shown() {
        JsonToken token = this.parser.currentToken();
        return token != null && token.isScalarValue() ? ", was " + this.parser.getString() : "";
    }

    private boolean isNull() {
        return this.parser.currentToken() == JsonToken.VALUE_NULL;
    }

    private void expect(JsonToken token, String field, String message) {
        if (this.parser.currentToken() != token) {
            throw error(field, message);
        }
    }

    private ManifestSyntaxException error(String field, String message) {
        TokenStreamLocation at = this.parser.currentTokenLocation();
        return new ManifestSyntaxException(field, message, at == null ? -1 : at.getLineNr(),
                at == null ? -1 : at.getColumnNr());
    }

    /** A field of the wrong kind, or an unknown one; {@link ModelManifest#parse} turns it into a load error. */
    static final class ManifestSyntaxException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String field;

        ManifestSyntaxException(String field, String message, int line, int column) {
            super(message + (line > 0 ? " (line " + line + ", column " + column + ")" : ""));
            this.field = field;
        }

        String field() {
            return this.field;
        }
    }
}
