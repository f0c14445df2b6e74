package io.distill4j.engine.onnx.graph;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.FunctionProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.SparseTensorProto;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * The structural checks every model passes before Distill4j reads, builds or rewrites it. They catch
 * files that would make a rewrite or ONNX Runtime misbehave, each with an
 * {@link IllegalArgumentException} that says what is wrong and where:
 * <ul>
 * <li>the model has a graph, imports an operator set of the default domain, imports each domain at most
 * once, and every node's domain is imported (or is that of a model-local function);
 * <li>the graph and its subgraphs are well formed, as {@link GraphView#of(GraphProto)} checks (defined
 * inputs, unique outputs, no cycle);
 * <li>every tensor held by the model (initializers, sparse initializers, tensor attributes such as the
 * {@code value} of a {@code Constant}) has a known data type, non-negative dimensions whose element
 * count and byte size fit in 64 bits, and exactly as much data as its dimensions say: {@code raw_data}
 * of {@code elements × element size} bytes, or that many values in the typed field of its data type.
 * Tensors stored externally ({@code data_location = EXTERNAL}) are handed to an
 * {@link ExternalDataCheck}, since only the caller knows where the model's files are.
 * </ul>
 * Operator semantics, types and shapes are left to ONNX Runtime. This class is stateless.
 */
public final class OnnxModelValidator {

    private OnnxModelValidator() {
    }

    /**
     * Checks a tensor whose data lives outside the model ({@code data_location = EXTERNAL}).
     */
    @FunctionalInterface
    public interface ExternalDataCheck {

        /** Accepts every externally stored tensor without looking at its file. */
        ExternalDataCheck UNCHECKED = (tensor, subject, expectedBytes) -> {
        };

        /**
         * @param tensor the tensor, with its {@code external_data} entries
         * @param subject how messages name the tensor, for example {@code initializer 'w' of graph 'g'}
         * @param expectedBytes the size its data must have, from its dimensions and data type
         * @throws IllegalArgumentException if the external data is missing, misplaced or the wrong size
         */
        void check(TensorProto tensor, String subject, long expectedBytes);
    }

    /**
     * Checks {@code model} as described above.
     *
     * @param external checks each tensor stored externally
     * @throws IllegalArgumentException naming the first problem found
     */
    public static void validate(ModelProto model, ExternalDataCheck external) {
        if (!model.hasGraph()) {
            throw new IllegalArgumentException("The model has no graph");
        }
        Set<String> domains = new HashSet<>();
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (!domains.add(OnnxModelBuilder.normalizeDomain(opset.getDomain()))) {
                throw new IllegalArgumentException(
                        "The model imports operator set domain '" + opset.getDomain() + "' more than once");
            }
        }
        if (!domains.contains("")) {
            throw new IllegalArgumentException(
                    "The model imports no operator set of the default domain (ai.onnx)");
        }
        for (FunctionProto function : model.getFunctionsList()) {
            domains.add(OnnxModelBuilder.normalizeDomain(function.getDomain()));
        }
        GraphView.of(model.getGraph());
        GraphProto graph = model.getGraph();
        checkGraph(graph, GraphView.describeGraph(graph), domains, external);
    }

    /**
     * The number of bytes that {@code count} elements of {@code dataType} take in {@code raw_data}, or
     * -1 for {@code STRING}, which has no fixed size.
     *
     * @throws IllegalArgumentException if the size does not fit in 64 bits
     */
    private static long rawByteSize(int dataType, long count) {
        int bits = OnnxElementType.bitsPerElement(dataType);
        if (bits < 0) {
            return -1;
        }
        try {
            return Math.addExact(Math.multiplyExact(count, bits), 7) / 8;
        }
        catch (ArithmeticException ex) {
            throw new IllegalArgumentException(count + " elements of " + typeName(dataType)
                    + " take more than 2^63 bytes", ex);
        }
    }

    private static void checkGraph(GraphProto graph, String where, Set<String> domains,
            ExternalDataCheck external) {
        for (TensorProto initializer : graph.getInitializerList()) {
            checkTensor(initializer, "initializer '" + initializer.getName() + "' of " + where, external);
        }
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            checkSparse(sparse, "sparse initializer '" + sparse.getValues().getName() + "' of " + where, external);
        }
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            String described = GraphView.describeNode(i, node, where);
            if (!domains.contains(OnnxModelBuilder.normalizeDomain(node.getDomain()))) {
                throw new IllegalArgumentException(GraphView.capitalize(described) + " uses domain '"
                        + node.getDomain() + "', for which no operator set is imported");
            }
            for (AttributeProto attribute : node.getAttributeList()) {
                String subject = "tensor attribute '" + attribute.getName() + "' of " + described;
                if (attribute.hasT()) {
                    checkTensor(attribute.getT(), subject, external);
                }
                for (TensorProto tensor : attribute.getTensorsList()) {
                    checkTensor(tensor, subject, external);
                }
                if (attribute.hasSparseTensor()) {
                    checkSparse(attribute.getSparseTensor(), subject, external);
                }
                for (SparseTensorProto sparse : attribute.getSparseTensorsList()) {
                    checkSparse(sparse, subject, external);
                }
                for (GraphProto sub : GraphView.subgraphs(attribute)) {
                    checkGraph(sub, GraphView.describeSubgraph(sub, attribute, described), domains, external);
                }
            }
        }
    }

    private static void checkSparse(SparseTensorProto sparse, String subject, ExternalDataCheck external) {
        checkTensor(sparse.getValues(), "values of " + subject, external);
        checkTensor(sparse.getIndices(), "indices of " + subject, external);
        dimensions(sparse.getDimsList(), GraphView.capitalize(subject));
    }

    private static void checkTensor(TensorProto tensor, String subject, ExternalDataCheck external) {
        String what = GraphView.capitalize(subject);
        int dataType = tensor.getDataType();
        if (OnnxElementType.bitsPerElement(dataType) == 0) {
            throw new IllegalArgumentException(what + " has unknown data type " + dataType);
        }
        long count = dimensions(tensor.getDimsList(), what);
        long bytes;
        try {
            bytes = rawByteSize(dataType, count);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(what + " has dims " + tensor.getDimsList() + ": "
                    + ex.getMessage(), ex);
        }
        String expected = what + " has dims " + tensor.getDimsList() + " (" + count + " elements of "
                + typeName(dataType) + (bytes >= 0 ? ", " + bytes + " bytes" : "") + ")";
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            if (bytes < 0) {
                throw new IllegalArgumentException(what + " is a STRING tensor stored externally, "
                        + "which ONNX does not support");
            }
            external.check(tensor, subject, bytes);
            return;
        }
        if (!tensor.getRawData().isEmpty()) {
            if (bytes < 0) {
                throw new IllegalArgumentException(what + " is a STRING tensor with raw_data, "
                        + "which ONNX does not allow");
            }
            if (tensor.getRawData().size() != bytes) {
                throw new IllegalArgumentException(expected + " but raw_data holds "
                        + tensor.getRawData().size() + " bytes");
            }
            return;
        }
        TypedField field = TypedField.of(dataType);
        long values = field.count(tensor);
        long wanted = field.expected(dataType, count);
        if (values != wanted) {
            throw new IllegalArgumentException(expected + " but " + field.name + " holds " + values
                    + " values (" + wanted + " expected) and raw_data is empty");
        }
    }

    /** The element count of {@code dims}. */
    private static long dimensions(List<Long> dims, String subject) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(subject + " has negative dimension " + d + " in dims " + dims);
            }
            try {
                count = Math.multiplyExact(count, d);
            }
            catch (ArithmeticException ex) {
                throw new IllegalArgumentException(subject + " has dims " + dims
                        + " whose element count overflows a 64-bit integer", ex);
            }
        }
        return count;
    }


    private static String typeName(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        return type == null ? Integer.toString(dataType) : type.name();
    }

    /** The typed data field that holds each data type when {@code raw_data} is not used. */
    private enum TypedField {
        FLOAT_DATA("float_data"), DOUBLE_DATA("double_data"), INT32_DATA("int32_data"),
        INT64_DATA("int64_data"), UINT64_DATA("uint64_data"), STRING_DATA("string_data");

        final String name;

        TypedField(String name) {
            this.name = name;
        }

        static TypedField of(int dataType) {
            return switch (TensorProto.DataType.forNumber(dataType)) {
                case FLOAT, COMPLEX64 -> FLOAT_DATA;
                case DOUBLE, COMPLEX128 -> DOUBLE_DATA;
                case INT64 -> INT64_DATA;
                case UINT32, UINT64 -> UINT64_DATA;
                case STRING -> STRING_DATA;
                default -> INT32_DATA;
            };
        }

        long count(TensorProto tensor) {
            return switch (this) {
                case FLOAT_DATA -> tensor.getFloatDataCount();
                case DOUBLE_DATA -> tensor.getDoubleDataCount();
                case INT32_DATA -> tensor.getInt32DataCount();
                case INT64_DATA -> tensor.getInt64DataCount();
                case UINT64_DATA -> tensor.getUint64DataCount();
                case STRING_DATA -> tensor.getStringDataCount();
            };
        }

        /**
         * Values the field holds for {@code count} elements: two per complex element, and the 4- and 2-bit
         * types packed two or four to a value.
         */
        long expected(int dataType, long count) {
            return switch (TensorProto.DataType.forNumber(dataType)) {
                case COMPLEX64, COMPLEX128 -> Math.multiplyExact(count, 2);
                case UINT4, INT4, FLOAT4E2M1 -> (count + 1) / 2;
                case UINT2, INT2 -> (count + 3) / 4;
                default -> count;
            };
        }
    }
}
