package io.distill4j.engine.session;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.api.TensorInfo;

/**
 * Conversions between Distill4j's heap {@link Tensor}s and ONNX Runtime's native tensors. Tensors
 * created here are owned by the caller, who closes them once the run is over.
 */
public final class OrtTensors {

    private OrtTensors() {
    }

    /**
     * Describes a graph input or output.
     * @throws IllegalArgumentException for non-tensor values (sequences, maps), which the engine does not serve
     */
    static TensorInfo describe(NodeInfo node) {
        if (!(node.getInfo() instanceof ai.onnxruntime.TensorInfo info)) {
            throw new IllegalArgumentException("'" + node.getName() + "' is a " + node.getInfo()
                    + ", only tensor inputs and outputs are supported");
        }
        long[] shape = info.getShape();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                shape[i] = TensorInfo.DYNAMIC;
            }
        }
        return TensorInfo.of(node.getName(), elementType(info.type), shape);
    }

    /** Maps ONNX Runtime's Java type to Distill4j's element type. */
    static ElementType elementType(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> ElementType.FLOAT32;
            case DOUBLE -> ElementType.FLOAT64;
            case FLOAT16 -> ElementType.FLOAT16;
            case BFLOAT16 -> ElementType.BFLOAT16;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case INT16 -> ElementType.INT16;
            case INT32 -> ElementType.INT32;
            case INT64 -> ElementType.INT64;
            case BOOL -> ElementType.BOOL;
            case STRING -> ElementType.STRING;
            default -> throw new IllegalArgumentException("Unsupported ONNX Runtime element type " + type);
        };
    }

    /**
     * Creates a native tensor from a heap tensor that has already been validated against the model.
     * @throws IllegalArgumentException for element types without a heap representation (FLOAT16, BFLOAT16, INT16)
     */
    public static OnnxTensor toNative(OrtEnvironment env, Tensor tensor) throws OrtException {
        long[] shape = tensor.shape();
        return switch (tensor.type()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor.floats()), shape);
            case FLOAT64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap(tensor.doubles()), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(tensor.longs()), shape);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(tensor.ints()), shape);
            case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(tensor.bytes()), shape, OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(tensor.bytes()), shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(env, ByteBuffer.wrap(toBytes(tensor.booleans())), shape, OnnxJavaType.BOOL);
            case STRING -> OnnxTensor.createTensor(env, tensor.strings(), shape);
            default -> throw new IllegalArgumentException("Tensors of type " + tensor.type() + " cannot be sent from Java");
        };
    }

    /** Whether {@link #toNative} supports the type. */
    public static boolean isSupportedInput(ElementType type) {
        return switch (type) {
            case FLOAT32, FLOAT64, INT64, INT32, INT8, UINT8, BOOL, STRING -> true;
            default -> false;
        };
    }

    /** Copies a native tensor into a heap tensor. */
    public static Tensor toHeap(OnnxTensor tensor) throws OrtException {
        ai.onnxruntime.TensorInfo info = tensor.getInfo();
        long[] shape = info.getShape();
        int n = Math.toIntExact(info.getNumElements());
        return switch (info.type) {
            case FLOAT -> {
                float[] data = new float[n];
                tensor.getFloatBuffer().get(data);
                yield Tensor.ofFloats(data, shape);
            }
            case DOUBLE -> {
                double[] data = new double[n];
                tensor.getDoubleBuffer().get(data);
                yield Tensor.ofDoubles(data, shape);
            }
            case INT64 -> {
                long[] data = new long[n];
                tensor.getLongBuffer().get(data);
                yield Tensor.ofLongs(data, shape);
            }
            case INT32 -> {
                int[] data = new int[n];
                tensor.getIntBuffer().get(data);
                yield Tensor.ofInts(data, shape);
            }
            case INT8, UINT8 -> {
                byte[] data = new byte[n];
                tensor.getByteBuffer().get(data);
                yield info.type == OnnxJavaType.INT8 ? Tensor.ofBytes(data, shape) : Tensor.ofUnsignedBytes(data, shape);
            }
            case BOOL -> {
                byte[] raw = new byte[n];
                tensor.getByteBuffer().get(raw);
                boolean[] data = new boolean[n];
                for (int i = 0; i < n; i++) {
                    data[i] = raw[i] != 0;
                }
                yield Tensor.ofBooleans(data, shape);
            }
            case STRING -> {
                List<String> flat = new ArrayList<>(n);
                flatten(tensor.getValue(), flat);
                yield Tensor.ofStrings(flat.toArray(String[]::new), shape);
            }
            default -> throw new IllegalArgumentException("Output tensors of type " + info.type + " cannot be read into Java");
        };
    }

    private static void flatten(Object value, List<String> into) {
        if (value instanceof String s) {
            into.add(s);
        }
        else {
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                flatten(Array.get(value, i), into);
            }
        }
    }

    private static byte[] toBytes(boolean[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        return bytes;
    }
}
