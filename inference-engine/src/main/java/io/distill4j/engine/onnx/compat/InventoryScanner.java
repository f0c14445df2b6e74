package io.distill4j.engine.onnx.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.google.protobuf.ByteString;
import io.distill4j.engine.onnx.compat.ModelInventory.Operator;
import io.distill4j.engine.onnx.compat.ModelInventory.TensorRole;
import io.distill4j.engine.onnx.compat.ModelInventory.TensorType;
import io.distill4j.engine.onnx.graph.OnnxElementType;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.SparseTensorProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;

/** Walks a model, its graph and its subgraphs once to take a {@link ModelInventory}. */
final class InventoryScanner {

    private final Map<String, Long> opsets = new TreeMap<>();

    /** Domain → operator type → node names, sorted. */
    private final Map<String, Map<String, List<String>>> nodes = new TreeMap<>();

    private final TreeSet<String> externalFiles = new TreeSet<>();

    private int initializerCount;

    private long initializerBytes;

    private InventoryScanner() {
    }

    static ModelInventory scan(ModelProto model) {
        InventoryScanner scanner = new InventoryScanner();
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            scanner.opsets.merge(ModelInventory.normalizeDomain(opset.getDomain()), opset.getVersion(), Math::max);
        }
        GraphProto graph = model.getGraph();
        scanner.walk(graph);
        List<Operator> operators = new ArrayList<>();
        scanner.nodes.forEach((domain, byType) -> byType.forEach((opType, names) -> operators.add(
                new Operator(domain, opType, scanner.opsets.getOrDefault(domain, 0L), names.size(), names))));
        return new ModelInventory(model.getIrVersion(), scanner.opsets, model.getProducerName(),
                model.getProducerVersion(), operators, tensorTypes(graph), scanner.initializerCount,
                scanner.initializerBytes, List.copyOf(scanner.externalFiles));
    }

    private void walk(GraphProto graph) {
        for (TensorProto tensor : graph.getInitializerList()) {
            this.initializerCount++;
            this.initializerBytes = Math.addExact(this.initializerBytes, dataBytes(tensor));
            external(tensor);
        }
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            this.initializerCount++;
            this.initializerBytes = Math.addExact(this.initializerBytes,
                    Math.addExact(dataBytes(sparse.getValues()), dataBytes(sparse.getIndices())));
            external(sparse.getValues());
            external(sparse.getIndices());
        }
        // A graph's own nodes first, then the subgraphs they hold, so node names read top-down.
        List<GraphProto> subgraphs = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            this.nodes.computeIfAbsent(ModelInventory.normalizeDomain(node.getDomain()), d -> new TreeMap<>())
                    .computeIfAbsent(node.getOpType(), t -> new ArrayList<>())
                    .add(node.getName());
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    subgraphs.add(attribute.getG());
                }
                subgraphs.addAll(attribute.getGraphsList());
                if (attribute.hasT()) {
                    external(attribute.getT());
                }
                attribute.getTensorsList().forEach(this::external);
                if (attribute.hasSparseTensor()) {
                    external(attribute.getSparseTensor().getValues());
                    external(attribute.getSparseTensor().getIndices());
                }
            }
        }
        subgraphs.forEach(this::walk);
    }

    private void external(TensorProto tensor) {
        if (tensor.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
            return;
        }
        String location = "";
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            if (entry.getKey().equals("location")) {
                location = entry.getValue();
            }
        }
        this.externalFiles.add(location);
    }

    private static List<TensorType> tensorTypes(GraphProto graph) {
        List<TensorType> types = new ArrayList<>();
        addValueInfos(types, graph.getInputList(), TensorRole.INPUT);
        addValueInfos(types, graph.getOutputList(), TensorRole.OUTPUT);
        addValueInfos(types, graph.getValueInfoList(), TensorRole.VALUE_INFO);
        Map<String, TensorProto> initializers = new LinkedHashMap<>();
        graph.getInitializerList().forEach(t -> initializers.putIfAbsent(t.getName(), t));
        for (TensorProto tensor : initializers.values()) {
            if (tensor.getDataType() != TensorProto.DataType.UNDEFINED_VALUE) {
                types.add(new TensorType(tensor.getName(), TensorRole.INITIALIZER, typeName(tensor.getDataType()),
                        tensor.getDimsList().stream().map(String::valueOf).toList()));
            }
        }
        return types;
    }

    /** Adds the tensors among {@code values} whose element type is recorded. */
    private static void addValueInfos(List<TensorType> types, List<ValueInfoProto> values, TensorRole role) {
        for (ValueInfoProto value : values) {
            if (!value.hasType() || !value.getType().hasTensorType()) {
                continue;
            }
            TypeProto.Tensor tensor = value.getType().getTensorType();
            if (tensor.getElemType() == TensorProto.DataType.UNDEFINED_VALUE) {
                continue;
            }
            List<String> dims = new ArrayList<>();
            if (tensor.hasShape()) {
                for (TensorShapeProto.Dimension dim : tensor.getShape().getDimList()) {
                    dims.add(dim.hasDimValue() ? Long.toString(dim.getDimValue())
                            : dim.hasDimParam() && !dim.getDimParam().isEmpty() ? dim.getDimParam()
                            : TensorType.UNKNOWN_DIM);
                }
            }
            types.add(new TensorType(value.getName(), role, typeName(tensor.getElemType()), dims));
        }
    }

    /**
     * The bytes {@code tensor}'s data takes: elements × element size, or for {@code STRING} the lengths
     * of its in-line strings.
     */
    private static long dataBytes(TensorProto tensor) {
        if (tensor.getDataType() == TensorProto.DataType.STRING_VALUE) {
            return tensor.getStringDataList().stream().mapToLong(ByteString::size).sum();
        }
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count = Math.multiplyExact(count, Math.max(dim, 0));
        }
        return Math.addExact(Math.multiplyExact(count, Math.max(0, OnnxElementType.bitsPerElement(tensor.getDataType()))), 7) / 8;
    }


    private static String typeName(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        return type == null ? Integer.toString(dataType) : type.name();
    }
}
