package io.distill4j.engine.onnx.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

import com.google.protobuf.ByteString;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * Factories for constant ONNX tensors ({@link TensorProto}), as used for initializers and tensor
 * attributes. The data is copied into {@code raw_data} in little-endian, row-major order, as the ONNX
 * specification prescribes; the caller's array is not retained. No dimensions make a scalar.
 */
public final class OnnxTensors {

    private OnnxTensors() {
    }

    /** A {@code FLOAT} tensor. */
    public static TensorProto ofFloats(String name, float[] data, long... dims) {
        checkElementCount(name, data.length, dims);
        ByteBuffer buffer = littleEndian(Float.BYTES * data.length);
        buffer.asFloatBuffer().put(data);
        return tensor(name, TensorProto.DataType.FLOAT, buffer, dims);
    }

    /** An {@code INT64} tensor. */
    public static TensorProto ofLongs(String name, long[] data, long... dims) {
        checkElementCount(name, data.length, dims);
        ByteBuffer buffer = littleEndian(Long.BYTES * data.length);
        buffer.asLongBuffer().put(data);
        return tensor(name, TensorProto.DataType.INT64, buffer, dims);
    }

    /** An {@code INT32} tensor. */
    public static TensorProto ofInts(String name, int[] data, long... dims) {
        checkElementCount(name, data.length, dims);
        ByteBuffer buffer = littleEndian(Integer.BYTES * data.length);
        buffer.asIntBuffer().put(data);
        return tensor(name, TensorProto.DataType.INT32, buffer, dims);
    }

    /** An {@code INT8} tensor; each byte is one signed element. */
    public static TensorProto ofInt8(String name, byte[] data, long... dims) {
        checkElementCount(name, data.length, dims);
        return tensor(name, TensorProto.DataType.INT8, ByteBuffer.wrap(data), dims);
    }

    /** A {@code UINT8} tensor; each byte is one element read as unsigned ({@code b & 0xFF}). */
    public static TensorProto ofUint8(String name, byte[] data, long... dims) {
        checkElementCount(name, data.length, dims);
        return tensor(name, TensorProto.DataType.UINT8, ByteBuffer.wrap(data), dims);
    }

    /**
     * The elements of an in-line {@code FLOAT} tensor, from {@code raw_data} or {@code float_data},
     * in row-major order.
     *
     * @throws IllegalArgumentException if the tensor is not {@code FLOAT}, keeps its data in an external
     *     file, or holds a different number of elements than its dims say
     */
    public static float[] toFloats(TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("Tensor '" + tensor.getName() + "' is not FLOAT but data type "
                    + tensor.getDataType());
        }
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("Tensor '" + tensor.getName()
                    + "' keeps its data in an external file; load the data into the model first");
        }
        long count = 1;
        for (long d : tensor.getDimsList()) {
            count = Math.multiplyExact(count, d);
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Tensor '" + tensor.getName() + "' has " + count
                    + " elements, more than a Java array holds");
        }
        float[] values;
        if (!tensor.getRawData().isEmpty()) {
            if (tensor.getRawData().size() != count * Float.BYTES) {
                throw new IllegalArgumentException("Tensor '" + tensor.getName() + "' has " + tensor.getRawData().size()
                        + " bytes of raw_data, expected " + count * Float.BYTES + " for dims " + tensor.getDimsList());
            }
            values = new float[(int) count];
            tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        }
        else {
            if (tensor.getFloatDataCount() != count) {
                throw new IllegalArgumentException("Tensor '" + tensor.getName() + "' has " + tensor.getFloatDataCount()
                        + " float_data values, expected " + count + " for dims " + tensor.getDimsList());
            }
            values = new float[(int) count];
            for (int i = 0; i < values.length; i++) {
                values[i] = tensor.getFloatData(i);
            }
        }
        return values;
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, ByteBuffer data, long[] dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(data.array(), data.arrayOffset(), data.capacity()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    private static void checkElementCount(String name, int length, long[] dims) {
        Objects.requireNonNull(name, "name");
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "Tensor '" + name + "' has negative dimension " + d + " in " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        if (count != length) {
            throw new IllegalArgumentException("Tensor '" + name + "' has shape " + Arrays.toString(dims) + " ("
                    + count + " elements) but " + length + " values");
        }
    }
}
