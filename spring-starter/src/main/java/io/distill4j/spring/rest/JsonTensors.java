package io.distill4j.spring.rest;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.spring.inference.OpenInference;

/**
 * Tensors in the REST binding's JSON: {@code data} is an array in row-major order, flat or nested (nesting is
 * read by flattening, whatever its depth), numbers for the numeric datatypes, {@code true}/{@code false} for
 * BOOL, strings for BYTES. Every error is an {@link InvalidInputException} naming the element.
 */
final class JsonTensors {

    private JsonTensors() {
    }

    /** One input tensor from its datatype, shape and {@code data}. */
    static Tensor decode(String model, String name, String datatype, long[] shape, JsonNode data) {
        ElementType type = OpenInference.elementType(model, name, datatype);
        OpenInference.elementCount(model, name, shape);
        if (data == null || !data.isArray()) {
            throw new InvalidInputException(model, name + ".data", "must be an array of the tensor's elements");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat);
        int n = flat.size();
        Object values = switch (type) {
            case FLOAT32 -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (float) number(model, name, i, flat.get(i));
                }
                yield out;
            }
            case FLOAT64 -> {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = number(model, name, i, flat.get(i));
                }
                yield out;
            }
            case INT64 -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = integer(model, name, i, flat.get(i), Long.MIN_VALUE, Long.MAX_VALUE);
                }
                yield out;
            }
            case INT32 -> {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) integer(model, name, i, flat.get(i), Integer.MIN_VALUE, Integer.MAX_VALUE);
                }
                yield out;
            }
            case INT8, UINT8 -> {
                byte[] out = new byte[n];
                long min = type == ElementType.INT8 ? Byte.MIN_VALUE : 0;
                long max = type == ElementType.INT8 ? Byte.MAX_VALUE : 255;
                for (int i = 0; i < n; i++) {
                    out[i] = (byte) integer(model, name, i, flat.get(i), min, max);
                }
                yield out;
            }
            case BOOL -> {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) {
                    if (!flat.get(i).isBoolean()) {
                        throw element(model, name, i, "must be true or false", flat.get(i));
                    }
                    out[i] = flat.get(i).booleanValue();
                }
                yield out;
            }
            case STRING -> {
                String[] out = new String[n];
                for (int i = 0; i < n; i++) {
                    if (!flat.get(i).isString()) {
                        throw element(model, name, i, "must be a string", flat.get(i));
                    }
                    out[i] = flat.get(i).stringValue();
                }
                yield out;
            }
            default -> throw new IllegalStateException("unreachable: " + type);
        };
        return OpenInference.tensor(model, name, type, values, shape, "data");
    }

    /** A tensor's elements as a flat JSON array. */
    static ArrayNode encode(Tensor tensor) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        switch (tensor.type()) {
            case FLOAT32 -> {
                for (float value : tensor.floats()) {
                    out.add(value);
                }
            }
            case FLOAT64 -> {
                for (double value : tensor.doubles()) {
                    out.add(value);
                }
            }
            case INT64 -> {
                for (long value : tensor.longs()) {
                    out.add(value);
                }
            }
            case INT32 -> {
                for (int value : tensor.ints()) {
                    out.add(value);
                }
            }
            case INT8 -> {
                for (byte value : tensor.bytes()) {
                    out.add(value);
                }
            }
            case UINT8 -> {
                for (byte value : tensor.bytes()) {
                    out.add(Byte.toUnsignedInt(value));
                }
            }
            case BOOL -> {
                for (boolean value : tensor.booleans()) {
                    out.add(value);
                }
            }
            case STRING -> {
                for (String value : tensor.strings()) {
                    out.add(value);
                }
            }
            default -> throw new IllegalStateException("no JSON form for " + tensor.type());
        }
        return out;
    }

    private static void flatten(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        }
        else {
            into.add(node);
        }
    }

    private static double number(String model, String name, int index, JsonNode value) {
        if (!value.isNumber()) {
            throw element(model, name, index, "must be a number", value);
        }
        return value.doubleValue();
    }

    private static long integer(String model, String name, int index, JsonNode value, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw element(model, name, index, "must be a whole number", value);
        }
        long integer = value.longValue();
        if (integer < min || integer > max) {
            throw element(model, name, index, "must be in " + min + ".." + max, value);
        }
        return integer;
    }

    private static InvalidInputException element(String model, String name, int index, String rule, JsonNode value) {
        String shown = value.toString();
        return new InvalidInputException(model, name + ".data[" + index + "]", rule + ", got "
                + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown));
    }
}
