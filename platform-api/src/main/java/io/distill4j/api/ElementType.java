package io.distill4j.api;

/** Element types of tensors, named after the ONNX / Open Inference Protocol data types. */
public enum ElementType {
    FLOAT32("FP32"),
    FLOAT64("FP64"),
    FLOAT16("FP16"),
    BFLOAT16("BF16"),
    INT8("INT8"),
    UINT8("UINT8"),
    INT16("INT16"),
    INT32("INT32"),
    INT64("INT64"),
    BOOL("BOOL"),
    /** Variable-length strings (UTF-8 bytes on the wire). */
    STRING("BYTES");

    private final String protocolName;

    ElementType(String protocolName) {
        this.protocolName = protocolName;
    }

    /** The datatype name in the Open Inference Protocol v2 ({@code FP32}, {@code INT64}, {@code BYTES}, ...). */
    public String protocolName() {
        return this.protocolName;
    }
}
