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
                    quantizePerRow(input, activation, names, out, newInitializers);
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
                // Σ_k (a_k - z) w_k = Σ_k a_k w_k - z Σ_k w_k: the row's zero point times the weight's column sums.
                String raw = names.fresh(base + "_output_int32_raw");
                out.add(NodeProto.newBuilder().setOpType("MatMulInteger").setName(names.fresh(base + "_quant"))
                        .addInput(activation.values()).addInput(weight.get(0)).addOutput(raw).build());
                String correction = names.fresh(base + "_zero_point_correction");
                String sums = columnSums.computeIfAbsent(weight.get(0), w -> columnSums(w, names, newInitializers));
                out.add(node("Mul", names, activation.zeroPoint(), sums, correction));
                out.add(node("Sub", names, raw, correction, integer));
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

    /**
     * Quantizes {@code input} row by row, each row of its last axis with its own scale and zero point (the
     * affine uint8 mapping of the row's range, 0 included), as {@code DynamicQuantizeLinear} does for a whole
     * tensor; the zero point is written as int32 {@code [..., 1]}, for the correction after the product:
     *
     * <pre>
     * lo, hi = Min(ReduceMin(A, -1), 0), Max(ReduceMax(A, -1), 0)                    [..., 1]
     * scale  = Max(hi - lo, tiny) / 255;   z = Round(-lo / scale)
     * A_q    = Cast(Clip(Round(A / scale) + z, 0, 255), uint8)                        [..., K]
     * </pre>
     *
     * A row's integers, and so its result, depend on that row alone.
     */
    private void quantizePerRow(String input, QuantizedActivation activation, Names names, List<NodeProto> out,
            List<TensorProto> into) {
        String zero = constant(input + "_zero", 0f, names, into);
        String tiny = constant(input + "_tiny", 1e-30f, names, into);
        String levels = constant(input + "_levels", 255f, names, into);
        String low = names.fresh(input + "_row_min");
        out.add(reduce("ReduceMin", input, low, names, into));
        String high = names.fresh(input + "_row_max");
        out.add(reduce("ReduceMax", input, high, names, into));
        String lowWithZero = names.fresh(input + "_row_min_0");
        out.add(node("Min", names, low, zero, lowWithZero));
        String highWithZero = names.fresh(input + "_row_max_0");
        out.add(node("Max", names, high, zero, highWithZero));
        String range = names.fresh(input + "_row_range");
        out.add(node("Sub", names, highWithZero, lowWithZero, range));
        String positive = names.fresh(input + "_row_range_positive");
        out.add(node("Max", names, range, tiny, positive));
        out.add(node("Div", names, positive, levels, activation.scale()));
        String negativeLow = names.fresh(input + "_row_min_negated");
        out.add(node("Neg", names, lowWithZero, negativeLow));
        String zeroPointRatio = names.fresh(input + "_zero_point_ratio");
        out.add(node("Div", names, negativeLow, activation.scale(), zeroPointRatio));
        String zeroPoint = names.fresh(input + "_zero_point_float");
        out.add(node("Round", names, zeroPointRatio, zeroPoint));
        out.add(cast(zeroPoint, activation.zeroPoint(), TensorProto.DataType.INT32, names));
        String ratio = names.fresh(input + "_ratio");
        out.add(node("Div", names, input, activation.scale(), ratio));
        String rounded = names.fresh(input + "_rounded");
        out.add(node("Round", names, ratio, rounded));
        String shifted = names.fresh(input + "_shifted");
        out.add(node("Add", names, rounded, zeroPoint, shifted));
        String clipped = names.fresh(input + "_clipped");
        out.add(NodeProto.newBuilder().setOpType("Clip").setName(names.fresh(input + "_Clip"))
                .addInput(shifted).addInput(zero).addInput(levels).addOutput(clipped).build());
        out.add(cast(clipped, activation.values(), TensorProto.DataType.UINT8, names));
    }

    /** The int32 sums of the columns of a quantized weight {@code [K, N]}: {@code [N]}. */
    private static String columnSums(String quantizedWeight, Names names, List<TensorProto> into) {
        String name = names.fresh(quantizedWeight + "_column_sums");
        TensorProto weight = into.stream().filter(t -> t.getName().equals(quantizedWeight)).findFirst().orElseThrow();
        int rows = Math.toIntExact(weight.getDims(0));
        int columns = Math.toIntExact(weight.getDims(1));
        byte[] values = weight.getRawData().toByteArray();
        int[] sums = new int[columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                sums[c] += values[r * columns + c];
            }
        }
        into.add(OnnxTensors.ofInts(name, sums, columns));
        return name;
    }

    private static String constant(String base, float value, Names names, List<TensorProto> into) {
        String name = names.fresh(base);
        into.add(OnnxTensors.ofFloats(name, new float[] {value}));
        return name;
    }

    /** {@code opType} over the last axis, keeping it: the axes an attribute before opset 18, an input from 18. */
    private NodeProto reduce(String opType, String input, String output, Names names, List<TensorProto> into) {
        NodeProto.Builder reduce = NodeProto.newBuilder().setOpType(opType).setName(names.fresh(output + "_" + opType))
                .addInput(input).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
                        .setI(1));
        if (importedOpset(this.model) >= 18) {
            String axes = names.fresh(output + "_axes");
            into.add(OnnxTensors.ofLongs(axes, new long[] {-1}, 1));
            reduce.addInput(axes);
        }
        else {
            reduce.addAttribute(AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS)
                    .addInts(-1));
        }
        return reduce.build();
    }

    private static NodeProto cast(String input, String output, TensorProto.DataType to, Names names) {
        return NodeProto.newBuilder().setOpType("Cast").setName(names.fresh(output + "_Cast")).addInput(input)
                .addOutput(output).addAttribute(AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(to.getNumber()))
                .build();
    }

    /** A node of {@code opType} reading {@code inputsThenOutput} (all but the last) and writing the last. */
    private static NodeProto node(String opType, Names names, String... inputsThenOutput) {
        String output = inputsThenOutput[inputsThenOutput.length - 1];
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(names.fresh(output + "_" + opType));
        for (int i = 0; i < inputsThenOutput.length - 1; i++) {
            node.addInput(inputsThenOutput[i]);
        }
        return node.addOutput(output).build();
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
