package io.distill4j.engine.onnx.graph;

import java.util.Objects;

import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * Maps Distill4j {@link ElementType}s to ONNX {@link TensorProto.DataType}s and back.
 *
 * <p>Every {@link ElementType} has an ONNX counterpart; the reverse mapping is partial, since ONNX has
 * element types Distill4j does not model (unsigned 16 to 64 bit integers, complex numbers, 8-, 4- and
 * 2-bit types).
 */
public final class OnnxElementType {

    private OnnxElementType() {
    }

    /** The ONNX data type of {@code type}. */
    public static TensorProto.DataType toDataType(ElementType type) {
        Objects.requireNonNull(type, "type");
        return switch (type) {
            case FLOAT32 -> TensorProto.DataType.FLOAT;
            case FLOAT64 -> TensorProto.DataType.DOUBLE;
            case FLOAT16 -> TensorProto.DataType.FLOAT16;
            case BFLOAT16 -> TensorProto.DataType.BFLOAT16;
            case INT8 -> TensorProto.DataType.INT8;
            case UINT8 -> TensorProto.DataType.UINT8;
            case INT16 -> TensorProto.DataType.INT16;
            case INT32 -> TensorProto.DataType.INT32;
            case INT64 -> TensorProto.DataType.INT64;
            case BOOL -> TensorProto.DataType.BOOL;
            case STRING -> TensorProto.DataType.STRING;
        };
    }

    /**
     * The element type of an ONNX data type code, as found in {@code TensorProto.data_type} and
     * {@code TypeProto.Tensor.elem_type}.
     *
     * @throws IllegalArgumentException if the code is unknown or has no Distill4j element type
     */
    public static ElementType toElementType(int dataType) {
        TensorProto.DataType onnx = TensorProto.DataType.forNumber(dataType);
        if (onnx == null) {
            throw new IllegalArgumentException("Unknown ONNX data type " + dataType);
        }
        return switch (onnx) {
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
            default -> throw new IllegalArgumentException(
                    "ONNX data type " + onnx + " (" + dataType + ") has no Distill4j element type");
        };
    }

    /**
     * Bits per element of an ONNX data type code (4 for INT4, 32 for FLOAT ...); -1 for STRING, whose
     * elements have no fixed size, and 0 for UNDEFINED or unknown codes.
     */
    public static int bitsPerElement(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        if (type == null) {
            return 0;
        }
        return switch (type) {
            case UNDEFINED, UNRECOGNIZED -> 0;
            case STRING -> -1;
            case UINT2, INT2 -> 2;
            case UINT4, INT4, FLOAT4E2M1 -> 4;
            case UINT8, INT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0 -> 8;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 16;
            case FLOAT, INT32, UINT32 -> 32;
            case INT64, UINT64, DOUBLE, COMPLEX64 -> 64;
            case COMPLEX128 -> 128;
        };
    }
}
