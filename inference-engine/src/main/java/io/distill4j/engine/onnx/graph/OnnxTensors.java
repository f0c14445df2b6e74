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

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, ByteBuffer data, long[] dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(data.array()));
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
