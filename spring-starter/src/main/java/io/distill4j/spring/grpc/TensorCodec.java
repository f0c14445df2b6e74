package io.distill4j.spring.grpc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.google.protobuf.ByteString;
import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.spring.inference.OpenInference;
import io.distill4j.api.grpc.inference.InferTensorContents;

/**
 * Converts Open Inference Protocol tensors to and from the engine's {@link Tensor}s, in both of the
 * protocol's forms: typed {@code contents} (the repeated field of the datatype) and raw bytes (flattened
 * row-major, little-endian; a BYTES element as a 4-byte little-endian length and its bytes, as Triton
 * writes them). Supported datatypes: FP32, FP64, INT64, INT32, INT8, UINT8, BOOL, BYTES (text, which
 * must be valid UTF-8). Every error is an {@link InvalidInputException} naming the tensor and the rule.
 */
final class TensorCodec {

    private TensorCodec() {
    }

    /**
     * Reads one input tensor.
     * @param raw the tensor's entry of {@code raw_input_contents}, or {@code null} for typed contents
     * @throws InvalidInputException for a negative dimension, an unsupported datatype, contents of another
     * length than the shape's element count, or text that is not UTF-8
     */
    static Tensor decode(String model, String name, String datatype, long[] shape, InferTensorContents contents,
            ByteString raw) {
        ElementType type = OpenInference.elementType(model, name, datatype);
        int elements = OpenInference.elementCount(model, name, shape);
        Object data = raw != null ? fromRaw(model, name, type, elements, raw) : fromContents(model, name, type, contents);
        return OpenInference.tensor(model, name, type, data, shape, raw != null ? "raw contents" : "contents");
    }

    private static Object fromContents(String model, String name, ElementType type, InferTensorContents contents) {
        return switch (type) {
            case FLOAT32 -> toFloats(contents);
            case FLOAT64 -> contents.getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray();
            case INT64 -> contents.getInt64ContentsList().stream().mapToLong(Long::longValue).toArray();
            case INT32 -> contents.getIntContentsList().stream().mapToInt(Integer::intValue).toArray();
            case INT8 -> narrow(model, name, contents.getIntContentsList(), Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT8 -> narrow(model, name, contents.getUintContentsList(), 0, 255);
            case BOOL -> {
                boolean[] values = new boolean[contents.getBoolContentsCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = contents.getBoolContents(i);
                }
                yield values;
            }
            case STRING -> {
                String[] values = new String[contents.getBytesContentsCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = utf8(model, name, i, contents.getBytesContents(i).asReadOnlyByteBuffer());
                }
                yield values;
            }
            default -> throw new IllegalStateException("unreachable: " + type);
        };
    }

    private static float[] toFloats(InferTensorContents contents) {
        float[] values = new float[contents.getFp32ContentsCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = contents.getFp32Contents(i);
        }
        return values;
    }

    private static byte[] narrow(String model, String name, java.util.List<Integer> values, int min, int max) {
        byte[] out = new byte[values.size()];
        for (int i = 0; i < out.length; i++) {
            int value = values.get(i);
            if (value < min || value > max) {
                throw new InvalidInputException(model, name + "[" + i + "]", "must be in " + min + ".." + max
                        + ", got " + value);
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static Object fromRaw(String model, String name, ElementType type, int elements, ByteString raw) {
        ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (type == ElementType.STRING) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (buffer.hasRemaining()) {
                if (buffer.remaining() < 4) {
                    throw new InvalidInputException(model, name, "raw BYTES element " + values.size()
                            + " has a truncated 4-byte length");
                }
                int length = buffer.getInt();
                if (length < 0 || length > buffer.remaining()) {
                    throw new InvalidInputException(model, name, "raw BYTES element " + values.size() + " says "
                            + Integer.toUnsignedString(length) + " bytes, " + buffer.remaining() + " remain");
                }
                ByteBuffer element = buffer.slice();
                element.limit(length);
                values.add(utf8(model, name, values.size(), element));
                buffer.position(buffer.position() + length);
            }
            return values.toArray(String[]::new);
        }
        int width = switch (type) {
            case FLOAT32, INT32 -> 4;
            case FLOAT64, INT64 -> 8;
            default -> 1;
        };
        if (buffer.remaining() % width != 0) {
            throw new InvalidInputException(model, name, "raw contents of " + buffer.remaining() + " bytes are not a "
                    + "whole number of " + width + "-byte " + type.protocolName() + " elements");
        }
        int count = buffer.remaining() / width;
        return switch (type) {
            case FLOAT32 -> {
                float[] values = new float[count];
                buffer.asFloatBuffer().get(values);
                yield values;
            }
            case FLOAT64 -> {
                double[] values = new double[count];
                buffer.asDoubleBuffer().get(values);
                yield values;
            }
            case INT64 -> {
                long[] values = new long[count];
                buffer.asLongBuffer().get(values);
                yield values;
            }
            case INT32 -> {
                int[] values = new int[count];
                buffer.asIntBuffer().get(values);
                yield values;
            }
            case INT8, UINT8 -> {
                byte[] values = new byte[count];
                buffer.get(values);
                yield values;
            }
            case BOOL -> {
                boolean[] values = new boolean[count];
                for (int i = 0; i < count; i++) {
                    values[i] = buffer.get() != 0;
                }
                yield values;
            }
            default -> throw new IllegalStateException("unreachable: " + type);
        };
    }

    private static String utf8(String model, String name, int index, ByteBuffer bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return chars.toString();
        }
        catch (CharacterCodingException ex) {
            throw new InvalidInputException(model, name + "[" + index + "]", "BYTES elements must be valid UTF-8 text");
        }
    }

    /** Writes a tensor's elements as typed contents. */
    static InferTensorContents contents(Tensor tensor) {
        InferTensorContents.Builder out = InferTensorContents.newBuilder();
        switch (tensor.type()) {
            case FLOAT32 -> {
                for (float value : tensor.floats()) {
                    out.addFp32Contents(value);
                }
            }
            case FLOAT64 -> Arrays.stream(tensor.doubles()).forEach(out::addFp64Contents);
            case INT64 -> Arrays.stream(tensor.longs()).forEach(out::addInt64Contents);
            case INT32 -> Arrays.stream(tensor.ints()).forEach(out::addIntContents);
            case INT8 -> {
                for (byte value : tensor.bytes()) {
                    out.addIntContents(value);
                }
            }
            case UINT8 -> {
                for (byte value : tensor.bytes()) {
                    out.addUintContents(Byte.toUnsignedInt(value));
                }
            }
            case BOOL -> {
                for (boolean value : tensor.booleans()) {
                    out.addBoolContents(value);
                }
            }
            case STRING -> {
                for (String value : tensor.strings()) {
                    out.addBytesContents(ByteString.copyFromUtf8(value));
                }
            }
            default -> throw new IllegalArgumentException("cannot write a " + tensor.type() + " tensor");
        }
        return out.build();
    }

    /** Writes a tensor's elements as raw little-endian bytes. */
    static ByteString raw(Tensor tensor) {
        if (tensor.type() == ElementType.STRING) {
            ByteString.Output out = ByteString.newOutput();
            for (String value : tensor.strings()) {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array(), 0, 4);
                out.write(bytes, 0, bytes.length);
            }
            return out.toByteString();
        }
        int count = tensor.dataLength();
        ByteBuffer buffer;
        switch (tensor.type()) {
            case FLOAT32 -> {
                buffer = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asFloatBuffer().put(tensor.floats());
            }
            case FLOAT64 -> {
                buffer = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asDoubleBuffer().put(tensor.doubles());
            }
            case INT64 -> {
                buffer = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asLongBuffer().put(tensor.longs());
            }
            case INT32 -> {
                buffer = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asIntBuffer().put(tensor.ints());
            }
            case INT8, UINT8 -> buffer = ByteBuffer.wrap(tensor.bytes());
            case BOOL -> {
                buffer = ByteBuffer.allocate(count);
                for (boolean value : tensor.booleans()) {
                    buffer.put((byte) (value ? 1 : 0));
                }
            }
            default -> throw new IllegalArgumentException("cannot write a " + tensor.type() + " tensor");
        }
        return ByteString.copyFrom(buffer.array());
    }
}
