package io.distill4j.engine.onnx.compat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.distill4j.engine.onnx.compat.KernelTable.Kernel;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;

/**
 * The known element types of the values visible in a graph, its enclosing graphs' included, and how the
 * checker learns them: declared types, initializers, and the outputs of nodes whose operator or kernel
 * fixes their type. A value of unknown type has none here ({@code null}), and the checker then does not
 * judge kernels by it.
 */
final class TypeScope {

    private final Map<String, String> types = new LinkedHashMap<>();

    private final TypeScope parent;

    TypeScope(TypeScope parent) {
        this.parent = parent;
    }

    String get(String name) {
        for (TypeScope scope = this; scope != null; scope = scope.parent) {
            String type = scope.types.get(name);
            if (type != null) {
                return type;
            }
        }
        return null;
    }

    void declare(ValueInfoProto value) {
        if (value.hasType()) {
            put(value.getName(), typeName(value.getType()));
        }
    }

    /** Records a type unless the value's type is already known here; declared types come first. */
    void put(String name, String type) {
        if (type != null && !name.isEmpty()) {
            this.types.putIfAbsent(name, type);
        }
    }

    /** Records the types of a node's outputs where the operator or its kernel fixes them. */
    void inferOutputs(NodeProto node, Kernel kernel, List<String> inputTypes) {
        String op = ModelInventory.normalizeDomain(node.getDomain()).isEmpty() ? node.getOpType() : "";
        switch (op) {
            case "Cast" -> {
                AttributeProto to = attribute(node, "to");
                put(node.getOutput(0), to == null ? null : typeName((int) to.getI()));
                return;
            }
            case "CastLike" -> {
                put(node.getOutput(0), inputTypes.size() > 1 ? inputTypes.get(1) : null);
                return;
            }
            case "ConstantOfShape" -> {
                AttributeProto value = attribute(node, "value");
                put(node.getOutput(0), value == null ? "float" : typeName(value.getT().getDataType()));
                return;
            }
            case "QuantizeLinear" -> {
                // The zero point's type; without one, output_dtype (opset 21) or uint8.
                boolean zeroPoint = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
                AttributeProto dtype = attribute(node, "output_dtype");
                put(node.getOutput(0), zeroPoint ? inputTypes.get(2)
                        : dtype != null && dtype.getI() != 0 ? typeName((int) dtype.getI()) : "uint8");
                return;
            }
            case "DequantizeLinear" -> {
                // The scale's type: float before opset 19, float or float16 since.
                put(node.getOutput(0), inputTypes.size() > 1 ? inputTypes.get(1) : null);
                return;
            }
            default -> {
                // typed from the kernel below
            }
        }
        if (kernel == null) {
            return;
        }
        for (int i = 0; i < node.getOutputCount() && i < kernel.outputs().size(); i++) {
            put(node.getOutput(i), outputType(kernel, i, inputTypes));
        }
    }

    /**
     * The type of output {@code index}: the one type its constraint allows, or the type of an input
     * bound to the same constraint; {@code null} if neither is known.
     */
    private static String outputType(Kernel kernel, int index, List<String> inputTypes) {
        var allowed = kernel.outputTypes(index);
        if (allowed.isPresent() && allowed.get().size() == 1) {
            return allowed.get().iterator().next();
        }
        String constraint = kernel.outputs().get(index).constraint();
        for (int i = 0; i < inputTypes.size() && i < kernel.inputs().size(); i++) {
            if (inputTypes.get(i) != null && kernel.inputs().get(i).constraint().equals(constraint)) {
                return inputTypes.get(i);
            }
        }
        return null;
    }

    void inferConstant(NodeProto node) {
        String type = null;
        for (AttributeProto attribute : node.getAttributeList()) {
            type = switch (attribute.getName()) {
                case "value" -> typeName(attribute.getT().getDataType());
                case "sparse_value" -> typeName(attribute.getSparseTensor().getValues().getDataType());
                case "value_float", "value_floats" -> "float";
                case "value_int", "value_ints" -> "int64";
                case "value_string", "value_strings" -> "string";
                default -> type;
            };
        }
        if (node.getOutputCount() > 0) {
            put(node.getOutput(0), type);
        }
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute;
            }
        }
        return null;
    }

    /**
     * The short name kernel tables use for an ONNX data type code ({@code float}, {@code int8},
     * {@code float8e4m3fn}); {@code null} for UNDEFINED or an unknown code.
     */
    static String typeName(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        if (type == null || type == TensorProto.DataType.UNDEFINED) {
            return null;
        }
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** The short name of a value's type: a tensor's element type, {@code seq(x)} for a sequence of tensors. */
    static String typeName(TypeProto type) {
        if (type.hasTensorType()) {
            return typeName(type.getTensorType().getElemType());
        }
        if (type.hasSequenceType() && type.getSequenceType().getElemType().hasTensorType()) {
            String element = typeName(type.getSequenceType().getElemType());
            return element == null ? null : "seq(" + element + ")";
        }
        return null;
    }
}
