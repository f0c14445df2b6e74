package io.distill4j.engine.onnx.quant;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.distill4j.engine.onnx.graph.GraphView;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.ModelProtoOrBuilder;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;

/**
 * Finds the nodes of a model's main graph that can be quantized and rewrites a chosen subset of them.
 * One instance per source model; it is not thread-safe.
 *
 * <p>A {@code MatMul} {@code Y = A · W} with a constant 2-D float {@code W} becomes
 *
 * <pre>
 * A ─ DynamicQuantizeLinear ─ A_q, A_scale, A_zp        (one per A, shared by every MatMul reading A)
 * MatMulInteger(A_q, W_q, A_zp, W_zp) ─ Cast(float) ─ Mul(·, A_scale × W_scale) ─ Y
 * </pre>
 *
 * <p>the pattern ONNX Runtime's CPU optimizer fuses into one {@code DynamicQuantizeMatMul} /
 * {@code MatMulIntegerToFloat} kernel. A {@code Gemm} with {@code transA = 0}, {@code alpha = 1} and
 * {@code beta = 1} is rewritten the same way, its weight transposed first if {@code transB = 1}, and its
 * bias added after. A {@code Gather} over a float table that only {@code Gather}s read (an embedding)
 * reads a uint8 copy of the table and dequantizes only the rows it gathered.
 *
 * <p>Subgraphs (the bodies of {@code If}, {@code Loop}, {@code Scan}) are left as they are; a weight that
 * a subgraph reads is kept in float.
 */
final class QuantizationRewriter {

    private final ModelProto model;

    private final GraphView view;

    private final QuantizationConfig config;

    private final List<Candidate> candidates = new ArrayList<>();

    private final List<Skipped> skipped = new ArrayList<>();

    QuantizationRewriter(ModelProto model, QuantizationConfig config) {
        this.model = model;
        this.view = GraphView.of(model.getGraph());
        this.config = config;
        plan();
    }

    /** The nodes that can be quantized, in graph order, including those the configuration excludes. */
    List<Candidate> candidates() {
        return this.candidates;
    }

    /** Nodes of a quantizable type that cannot be quantized, with why. */
    List<Skipped> skipped() {
        return this.skipped;
    }

    private void plan() {
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfoProto input : this.view.inputs()) {
            graphInputs.add(input.getName());
        }
        Set<String> graphOutputs = new HashSet<>();
        for (ValueInfoProto output : this.view.outputs()) {
            graphOutputs.add(output.getName());
        }
        List<NodeProto> nodes = this.view.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (!node.getDomain().isEmpty() && !"ai.onnx".equals(node.getDomain())) {
                continue;
            }
            String opType = node.getOpType();
            if (!Int8Quantizer.QUANTIZABLE_OP_TYPES.contains(opType)) {
                continue;
            }
            String name = displayName(node, i);
            int weightInput = "Gather".equals(opType) ? 0 : 1;
            if (node.getInputCount() <= weightInput) {
                continue;
            }
            String weight = node.getInput(weightInput);
            Optional<String> problem = weightProblem(weight, graphInputs, graphOutputs, opType);
            if (problem.isEmpty()) {
                problem = switch (opType) {
                    case "Gemm" -> gemmProblem(node);
                    case "Gather" -> gatherProblem(node, weight);
                    default -> Optional.empty();
                };
            }
            if (problem.isPresent()) {
                this.skipped.add(new Skipped(name, opType, problem.get()));
                continue;
            }
            Optional<String> exclusion = Optional.empty();
            if (this.config.excludedNodes().contains(node.getName())) {
                exclusion = Optional.of("excluded by name in the configuration");
            }
            else if (this.config.excludedOpTypes().contains(opType)) {
                exclusion = Optional.of("operator type " + opType + " excluded in the configuration");
            }
            else if ("Gather".equals(opType) && !this.config.quantizeEmbeddings()) {
                exclusion = Optional.of("embedding quantization is off in the configuration");
            }
            this.candidates.add(new Candidate(i, name, opType, weight, exclusion));
        }
    }

    private Optional<String> weightProblem(String weight, Set<String> graphInputs, Set<String> graphOutputs,
            String opType) {
        TensorProto tensor = this.view.initializers().get(weight);
        if (tensor == null) {
            return Optional.of(("Gather".equals(opType) ? "the table" : "the weight")
                    + " '" + weight + "' is not a constant initializer");
        }
        if (graphInputs.contains(weight) || graphOutputs.contains(weight)) {
            return Optional.of("the weight '" + weight + "' is also a graph input or output and may change at run time");
        }
        if (tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            return Optional.of("the weight '" + weight + "' is not FLOAT");
        }
        if (tensor.getDimsCount() != 2) {
            return Optional.of("the weight '" + weight + "' has rank " + tensor.getDimsCount() + ", not 2");
        }
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return Optional.of("the weight '" + weight + "' is stored as external data");
        }
        for (NodeProto consumer : this.view.consumers(weight)) {
            boolean direct = consumer.getInputList().contains(weight);
            if (!direct) {
                return Optional.of("the weight '" + weight + "' is read inside a subgraph of node '"
                        + consumer.getName() + "'");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> gemmProblem(NodeProto node) {
        if (intAttribute(node, "transA", 0) != 0) {
            return Optional.of("transA = 1");
        }
        if (floatAttribute(node, "alpha", 1f) != 1f) {
            return Optional.of("alpha != 1");
        }
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && floatAttribute(node, "beta", 1f) != 1f) {
            return Optional.of("beta != 1");
        }
        return Optional.empty();
    }

    private Optional<String> gatherProblem(NodeProto node, String table) {
        if (intAttribute(node, "axis", 0) != 0) {
            return Optional.of("axis != 0");
        }
        for (NodeProto consumer : this.view.consumers(table)) {
            // Only as the data input of a Gather; as its indices, or read by any other node, it stays float.
            if (!"Gather".equals(consumer.getOpType()) || consumer.getInputList().lastIndexOf(table) != 0) {
                return Optional.of("the table '" + table + "' is also read by " + consumer.getOpType() + " node '"
                        + consumer.getName() + "'");
            }
        }
        return Optional.empty();
    }

    /**
     * The model with the {@code chosen} candidates quantized. Float initializers no node reads any more
     * are dropped; everything else, including metadata, is copied.
     */
    ModelProto rewrite(Collection<Candidate> chosen) {
        Map<Integer, Candidate> byIndex = new HashMap<>();
        for (Candidate candidate : chosen) {
            byIndex.put(candidate.index(), candidate);
        }
        Names names = new Names(this.model.getGraph());
        Map<String, QuantizedActivation> activations = new HashMap<>();
        Map<String, String> columnSums = new HashMap<>();
        Map<String, List<String>> weights = new LinkedHashMap<>();
        List<TensorProto> newInitializers = new ArrayList<>();
        List<NodeProto> out = new ArrayList<>();
        boolean usesDynamicQuantization = false;
        List<NodeProto> nodes = this.view.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            Candidate candidate = byIndex.get(i);
            if (candidate == null) {
                out.add(node);
                continue;
            }
            String base = node.getName().isEmpty() ? candidate.opType() + "_" + i : node.getName();
            if ("Gather".equals(candidate.opType())) {
                List<String> table = weights.computeIfAbsent(candidate.weight(),
                        w -> quantizeTable(w, names, newInitializers));
                String gathered = names.fresh(node.getOutput(0) + "_quantized");
                out.add(node.toBuilder().setInput(0, table.get(0)).setOutput(0, gathered).build());
                out.add(NodeProto.newBuilder()
                        .setOpType("DequantizeLinear")
                        .setName(names.fresh(base + "_DequantizeLinear"))
                        .addInput(gathered).addInput(table.get(1)).addInput(table.get(2))
                        .addOutput(node.getOutput(0))
                        .build());
                continue;
            }
            usesDynamicQuantization = true;
            boolean transposed = "Gemm".equals(candidate.opType()) && intAttribute(node, "transB", 0) != 0;
            List<String> weight = weights.computeIfAbsent(candidate.weight() + (transposed ? "^T" : ""),
                    key -> quantizeWeight(candidate.weight(), transposed, names, newInitializers));
            QuantizedActivation activation = activations.get(node.getInput(0));
            if (activation == null) {
                String input = node.getInput(0);
                activation = new QuantizedActivation(names.fresh(input + "_quantized"),
                        names.fresh(input + "_scale"), names.fresh(input + "_zero_point"));
                activations.put(input, activation);
                if (this.config.perRowActivations()) {
                    PerRowActivations.quantize(input, activation.values(), activation.scale(), activation.zeroPoint(),
                            importedOpset(this.model), names::fresh, out, newInitializers);
                }
                else {
                    out.add(NodeProto.newBuilder()
                            .setOpType("DynamicQuantizeLinear")
                            .setName(names.fresh(input + "_DynamicQuantizeLinear"))
                            .addInput(input)
                            .addOutput(activation.values()).addOutput(activation.scale())
                            .addOutput(activation.zeroPoint())
                            .build());
                }
            }
            String scale = names.fresh(base + "_scale");
            out.add(NodeProto.newBuilder().setOpType("Mul").setName(names.fresh(base + "_scales_mul"))
                    .addInput(activation.scale()).addInput(weight.get(1)).addOutput(scale).build());
            String integer = names.fresh(base + "_output_int32");
            if (this.config.perRowActivations()) {
                String sums = columnSums.computeIfAbsent(weight.get(0),
                        w -> PerRowActivations.columnSums(w, names::fresh, newInitializers));
                PerRowActivations.matMul(activation.values(), activation.zeroPoint(), weight.get(0), sums, integer,
                        base, names::fresh, out);
            }
            else {
                out.add(NodeProto.newBuilder().setOpType("MatMulInteger").setName(names.fresh(base + "_quant"))
                        .addInput(activation.values()).addInput(weight.get(0))
                        .addInput(activation.zeroPoint()).addInput(weight.get(2))
                        .addOutput(integer).build());
            }
            String asFloat = names.fresh(base + "_output_float");
            out.add(NodeProto.newBuilder().setOpType("Cast").setName(names.fresh(base + "_cast"))
                    .addInput(integer).addOutput(asFloat)
                    .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                            .setI(TensorProto.DataType.FLOAT.getNumber()))
                    .build());
            boolean bias = "Gemm".equals(candidate.opType()) && node.getInputCount() > 2 && !node.getInput(2).isEmpty();
            String product = bias ? names.fresh(base + "_output_unbiased") : node.getOutput(0);
            out.add(NodeProto.newBuilder().setOpType("Mul").setName(names.fresh(base + "_output_scale_mul"))
                    .addInput(asFloat).addInput(scale).addOutput(product).build());
            if (bias) {
                out.add(NodeProto.newBuilder().setOpType("Add").setName(names.fresh(base + "_bias_add"))
                        .addInput(product).addInput(node.getInput(2)).addOutput(node.getOutput(0)).build());
            }
        }
        GraphProto.Builder graph = this.model.getGraph().toBuilder().clearNode().addAllNode(out);
        dropUnread(graph, newInitializers);
        ModelProto.Builder result = this.model.toBuilder().setGraph(graph);
        requireOpset(result, usesDynamicQuantization ? 11 : byIndex.isEmpty() ? 0 : 10);
        return result.build();
    }

    private List<String> quantizeWeight(String weight, boolean transpose, Names names, List<TensorProto> into) {
        TensorProto tensor = this.view.initializers().get(weight);
        float[] values = OnnxTensors.toFloats(tensor);
        int rows = Math.toIntExact(tensor.getDims(0));
        int columns = Math.toIntExact(tensor.getDims(1));
        if (transpose) {
            values = WeightQuantization.transpose(values, rows, columns);
            int swap = rows;
            rows = columns;
            columns = swap;
        }
        WeightQuantization.SymmetricInt8 q = WeightQuantization.symmetricInt8(values, rows, columns,
                this.config.perChannel(), this.config.reduceRange() ? 64 : 127);
        String qName = names.fresh(weight + (transpose ? "_transposed" : "") + "_quantized");
        String scaleName = names.fresh(weight + (transpose ? "_transposed" : "") + "_scale");
        String zeroName = names.fresh(weight + (transpose ? "_transposed" : "") + "_zero_point");
        into.add(OnnxTensors.ofInt8(qName, q.values(), rows, columns));
        if (this.config.perChannel()) {
            into.add(OnnxTensors.ofFloats(scaleName, q.scales(), columns));
            into.add(OnnxTensors.ofInt8(zeroName, new byte[columns], columns));
        }
        else {
            into.add(OnnxTensors.ofFloats(scaleName, q.scales()));
            into.add(OnnxTensors.ofInt8(zeroName, new byte[1]));
        }
        return List.of(qName, scaleName, zeroName);
    }

    private List<String> quantizeTable(String table, Names names, List<TensorProto> into) {
        TensorProto tensor = this.view.initializers().get(table);
        WeightQuantization.AsymmetricUint8 q = WeightQuantization.asymmetricUint8(OnnxTensors.toFloats(tensor));
        String qName = names.fresh(table + "_quantized");
        String scaleName = names.fresh(table + "_scale");
        String zeroName = names.fresh(table + "_zero_point");
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        into.add(OnnxTensors.ofUint8(qName, q.values(), dims));
        into.add(OnnxTensors.ofFloats(scaleName, new float[] {q.scale()}));
        into.add(OnnxTensors.ofUint8(zeroName, new byte[] {(byte) q.zeroPoint()}));
        return List.of(qName, scaleName, zeroName);
    }

    /** Adds {@code added} and removes the initializers that no node, subgraph or graph output reads any more. */
    private static void dropUnread(GraphProto.Builder graph, List<TensorProto> added) {
        Set<String> read = new HashSet<>();
        collectReads(graph.getNodeList(), read);
        for (ValueInfoProto output : graph.getOutputList()) {
            read.add(output.getName());
        }
        List<TensorProto> kept = new ArrayList<>();
        for (TensorProto initializer : graph.getInitializerList()) {
            if (read.contains(initializer.getName())) {
                kept.add(initializer);
            }
        }
        kept.addAll(added);
        graph.clearInitializer().addAllInitializer(kept);
    }

    private static void collectReads(List<NodeProto> nodes, Set<String> into) {
        for (NodeProto node : nodes) {
            into.addAll(node.getInputList());
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    collectReads(attribute.getG().getNodeList(), into);
                }
                for (GraphProto sub : attribute.getGraphsList()) {
                    collectReads(sub.getNodeList(), into);
                }
            }
        }
    }

    private static long importedOpset(ModelProtoOrBuilder model) {
        return model.getOpsetImportList().stream()
                .filter(opset -> opset.getDomain().isEmpty() || "ai.onnx".equals(opset.getDomain()))
                .mapToLong(opset -> opset.getVersion())
                .max().orElse(0);
    }

    private static void requireOpset(ModelProtoOrBuilder model, long minimum) {
        if (minimum == 0) {
            return;
        }
        long imported = importedOpset(model);
        if (imported < minimum) {
            throw new IllegalArgumentException("The model imports ai.onnx opset " + imported + "; quantization needs "
                    + minimum + " or later (DynamicQuantizeLinear is opset 11, DequantizeLinear and MatMulInteger 10)."
                    + " Re-export the model with a newer opset.");
        }
    }

    private static long intAttribute(NodeProto node, String name, long defaultValue) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(AttributeProto::getI).orElse(defaultValue);
    }

    private static float floatAttribute(NodeProto node, String name, float defaultValue) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(AttributeProto::getF).orElse(defaultValue);
    }

    private static String displayName(NodeProto node, int index) {
        return node.getName().isEmpty() ? node.getOpType() + " #" + index : node.getName();
    }

    /**
     * A node that can be quantized.
     *
     * @param index the node's position in the topological order of the main graph
     * @param name the node's name, or {@code OpType #index} for an unnamed node
     * @param opType {@code MatMul}, {@code Gemm} or {@code Gather}
     * @param weight the initializer quantized: the weight, or the table of a {@code Gather}
     * @param exclusion why the configuration keeps the node float, if it does
     */
    record Candidate(int index, String name, String opType, String weight, Optional<String> exclusion) {
    }

    /** A node of a quantizable type that was left float because it cannot be quantized. */
    record Skipped(String name, String opType, String reason) {
    }

    private record QuantizedActivation(String values, String scale, String zeroPoint) {
    }

    /** Allocates value and node names not used anywhere in the graph. */
    private static final class Names {

        private final Set<String> used = new HashSet<>();

        Names(GraphProto graph) {
            collect(graph);
        }

        private void collect(GraphProto graph) {
            graph.getInputList().forEach(v -> this.used.add(v.getName()));
            graph.getOutputList().forEach(v -> this.used.add(v.getName()));
            graph.getValueInfoList().forEach(v -> this.used.add(v.getName()));
            graph.getInitializerList().forEach(t -> this.used.add(t.getName()));
            for (NodeProto node : graph.getNodeList()) {
                this.used.add(node.getName());
                this.used.addAll(node.getInputList());
                this.used.addAll(node.getOutputList());
                for (AttributeProto attribute : node.getAttributeList()) {
                    if (attribute.hasG()) {
                        collect(attribute.getG());
                    }
                    attribute.getGraphsList().forEach(this::collect);
                }
            }
        }

        String fresh(String wanted) {
            String name = wanted;
            for (int i = 1; !this.used.add(name); i++) {
                name = wanted + "_" + i;
            }
            return name;
        }
    }
}
