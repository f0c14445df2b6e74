package io.distill4j.spring.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.distill4j.api.grpc.distill.v1.DistillationSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads distillation spec files: YAML whose structure is exactly the {@code distill4j.distill.v1.DistillationSpec}
 * message in protobuf's JSON mapping (field names as in the .proto, {@code train_path}, or in their JSON
 * form, {@code trainPath}; enums by name; a {@code oneof} as one of its fields). The YAML becomes a JSON tree,
 * the tree is checked against the message's descriptor so that an error names the field by its full path,
 * and protobuf's {@link JsonFormat} parser builds the message.
 *
 * <pre>
 * task: TEXT_CLASSIFICATION
 * teacher:
 *   repository_model: { name: minilm }
 * data:
 *   train_path: intents.csv
 * student:
 *   bag_of_embeddings: { embedding_size: 16, hidden_size: 16 }
 * register: intents
 * </pre>
 *
 * Paths in the spec are left as written: who runs the spec resolves them (the platform server's
 * {@code --distill} against its working directory, the gRPC service against its data roots).
 */
public final class DistillationSpecFiles {

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private DistillationSpecFiles() {
    }

    /**
     * The spec message a file describes.
     * @throws DistillationSpecFileException naming the file and the field: unreadable file, YAML that does
     * not parse, an unknown field, a value of the wrong type or an unknown enum name
     */
    public static DistillationSpec read(Path file) {
        String yaml;
        try {
            yaml = Files.readString(file);
        }
        catch (IOException ex) {
            throw new DistillationSpecFileException(file, "file", "cannot be read: " + ex);
        }
        return parse(file, yaml);
    }

    /** The spec message of YAML text; {@code file} names it in errors. */
    static DistillationSpec parse(Path file, String yaml) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        }
        catch (JacksonException ex) {
            TokenStreamLocation location = ex.getLocation();
            String where = (location != null && location.getLineNr() > 0)
                    ? "line " + location.getLineNr() + ", column " + location.getColumnNr() : "document";
            throw new DistillationSpecFileException(file, where, "is not valid YAML: " + ex.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new DistillationSpecFileException(file, "document", "is empty; a distillation spec needs at "
                    + "least 'teacher' and 'data'");
        }
        new Checker(file).message(tree, DistillationSpec.getDescriptor(), "");
        DistillationSpec.Builder spec = DistillationSpec.newBuilder();
        try {
            JsonFormat.parser().merge(tree.toString(), spec);
        }
        catch (InvalidProtocolBufferException ex) {
            // The checker above catches what a user writes wrong; this is the parser's last word.
            throw new DistillationSpecFileException(file, "spec", ex.getMessage());
        }
        return spec.build();
    }

    /** Walks a JSON tree along a message descriptor; the first mismatch fails with its field path. */
    private record Checker(Path file) {

        void message(JsonNode node, Descriptor type, String path) {
            if (!node.isObject()) {
                throw fail(path.isEmpty() ? "document" : path, "must be a mapping (message " + type.getName()
                        + "), got " + describe(node));
            }
            Map<OneofDescriptor, String> oneofs = new HashMap<>();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String key = entry.getKey();
                String at = path.isEmpty() ? key : path + "." + key;
                FieldDescriptor field = field(type, key);
                if (field == null) {
                    throw fail(at, "is not a field of " + type.getName() + "; its fields are " + type.getFields()
                        .stream().map(FieldDescriptor::getName).collect(Collectors.joining(", ")));
                }
                JsonNode value = entry.getValue();
                if (value.isNull()) {
                    continue;
                }
                OneofDescriptor oneof = field.getRealContainingOneof();
                if (oneof != null) {
                    String other = oneofs.putIfAbsent(oneof, key);
                    if (other != null) {
                        throw fail(at, "cannot be set together with '" + other + "': " + type.getName() + "."
                                + oneof.getName() + " is one of " + oneof.getFields().stream()
                                    .map(FieldDescriptor::getName).collect(Collectors.joining(", ")));
                    }
                }
                if (field.isMapField()) {
                    if (!value.isObject()) {
                        throw fail(at, "must be a mapping, got " + describe(value));
                    }
                    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                    for (Map.Entry<String, JsonNode> item : value.properties()) {
                        value(item.getValue(), valueField, at + "." + item.getKey());
                    }
                }
                else if (field.isRepeated()) {
                    if (!value.isArray()) {
                        throw fail(at, "must be a list, got " + describe(value));
                    }
                    for (int i = 0; i < value.size(); i++) {
                        value(value.get(i), field, at + "[" + i + "]");
                    }
                }
                else {
                    value(value, field, at);
                }
            }
        }

        private void value(JsonNode node, FieldDescriptor field, String at) {
            switch (field.getJavaType()) {
                case MESSAGE -> message(node, field.getMessageType(), at);
                case INT, LONG -> {
                    if (!isInteger(node, field.getJavaType() == FieldDescriptor.JavaType.INT)) {
                        throw fail(at, "must be " + (field.getJavaType() == FieldDescriptor.JavaType.INT
                                ? "a 32-bit" : "a 64-bit") + " whole number, got " + describe(node));
                    }
                }
                case FLOAT, DOUBLE -> {
                    if (!node.isNumber()) {
                        throw fail(at, "must be a number, got " + describe(node));
                    }
                }
                case BOOLEAN -> {
                    if (!node.isBoolean()) {
                        throw fail(at, "must be true or false, got " + describe(node));
                    }
                }
                case STRING, BYTE_STRING -> {
                    if (!node.isString()) {
                        throw fail(at, "must be a string (quote it), got " + describe(node));
                    }
                }
                case ENUM -> {
                    boolean known = node.isString() ? field.getEnumType().findValueByName(node.asString()) != null
                            : node.isIntegralNumber() && node.canConvertToInt()
                                    && field.getEnumType().findValueByNumber(node.intValue()) != null;
                    if (!known) {
                        throw fail(at, "must be one of " + field.getEnumType().getValues().stream()
                            .map(EnumValueDescriptor::getName).collect(Collectors.joining(", ")) + ", got "
                                + describe(node));
                    }
                }
            }
        }

        private static boolean isInteger(JsonNode node, boolean int32) {
            if (node.isIntegralNumber()) {
                return int32 ? node.canConvertToInt() : node.canConvertToLong();
            }
            if (node.isString()) {
                // The JSON mapping writes 64-bit numbers as strings; accept what it would read.
                try {
                    long value = Long.parseLong(node.asString());
                    return !int32 || value == (int) value;
                }
                catch (NumberFormatException ex) {
                    return false;
                }
            }
            return false;
        }

        /** A field by its .proto name or its JSON name, as protobuf's JSON parser accepts both. */
        private static FieldDescriptor field(Descriptor type, String key) {
            FieldDescriptor field = type.findFieldByName(key);
            if (field != null) {
                return field;
            }
            return type.getFields().stream().filter(candidate -> candidate.getJsonName().equals(key)).findFirst()
                .orElse(null);
        }

        private static String describe(JsonNode node) {
            if (node.isObject()) {
                return "a mapping";
            }
            if (node.isArray()) {
                return "a list";
            }
            return node.isString() ? "'" + node.asString() + "'" : node.toString();
        }

        private DistillationSpecFileException fail(String field, String message) {
            return new DistillationSpecFileException(this.file, field, message);
        }
    }
}
