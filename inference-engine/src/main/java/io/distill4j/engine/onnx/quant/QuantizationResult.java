package io.distill4j.engine.onnx.quant;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.ReportJson;
import io.distill4j.engine.onnx.proto.ModelProto;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@link Int8Quantizer} produced: the quantized model, which nodes were quantized, which stayed
 * float and why, the sizes before and after, and the accuracy gate's verdict.
 *
 * @param model the quantized model, with its provenance in {@code metadata_props}
 * @param quantized the nodes quantized, in graph order
 * @param excluded the nodes that could be quantized but stayed float: by configuration, or taken back
 *     by the accuracy gate (in the order it took them)
 * @param skipped the nodes of a quantizable type that cannot be quantized (for example a {@code MatMul} of
 *     two activations)
 * @param sourceBytes the serialized size of the original model
 * @param quantizedBytes the serialized size of {@link #model()}
 * @param gate the accuracy gate's result for the returned model; empty when no gate was given
 * @param initialGate the gate's result with every candidate quantized, before any exclusion; empty when
 *     no gate was given
 */
public record QuantizationResult(ModelProto model, List<Node> quantized, List<Node> excluded, List<Node> skipped,
        long sourceBytes, long quantizedBytes, Optional<GateResult> gate, Optional<GateResult> initialGate) {

    public QuantizationResult {
        Objects.requireNonNull(model, "model");
        quantized = List.copyOf(quantized);
        excluded = List.copyOf(excluded);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(initialGate, "initialGate");
    }

    /** Whether the model may be used: no gate was given, or it passed. */
    public boolean passed() {
        return this.gate.map(GateResult::passed).orElse(true);
    }

    /** The quantized size as a share of the original, for example 0.25. */
    public double sizeRatio() {
        return (double) this.quantizedBytes / this.sourceBytes;
    }

    /** Writes the quantized model to {@code file}, atomically. */
    public void writeTo(Path file) throws IOException {
        OnnxModelWriter.write(this.model, file);
    }

    /** A short human-readable account: counts, sizes, the gate, then the excluded nodes with reasons. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Quantized %d node(s), excluded %d, skipped %d%n", this.quantized.size(),
                this.excluded.size(), this.skipped.size()));
        out.append(String.format(Locale.ROOT, "Size: %,d -> %,d bytes (%.1f %%)%n", this.sourceBytes,
                this.quantizedBytes, 100 * sizeRatio()));
        this.initialGate.ifPresent(g -> out.append("Gate with every node quantized: ").append(g).append('\n'));
        this.gate.ifPresent(g -> out.append("Gate of the result: ").append(g).append('\n'));
        if (!passed()) {
            out.append("The accuracy gate could not be met; do not use this model.\n");
        }
        for (Node node : this.excluded) {
            out.append("  excluded ").append(node.opType()).append(" '").append(node.name()).append("': ")
                    .append(node.reason()).append('\n');
        }
        return out.toString();
    }

    /** The result as JSON (without the model itself). */
    public String toJson() {
        ObjectNode root = ReportJson.mapper().createObjectNode();
        root.put("passed", passed());
        root.put("sourceBytes", this.sourceBytes);
        root.put("quantizedBytes", this.quantizedBytes);
        putNodes(root.putArray("quantized"), this.quantized);
        putNodes(root.putArray("excluded"), this.excluded);
        putNodes(root.putArray("skipped"), this.skipped);
        this.initialGate.ifPresent(g -> root.set("initialGate", g.toJsonNode()));
        this.gate.ifPresent(g -> root.set("gate", g.toJsonNode()));
        return ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    static void putNodes(ArrayNode into, List<Node> nodes) {
        for (Node node : nodes) {
            ObjectNode item = into.addObject();
            item.put("name", node.name());
            item.put("opType", node.opType());
            if (!node.reason().isEmpty()) {
                item.put("reason", node.reason());
            }
        }
    }

    /**
     * One node of the original graph.
     *
     * @param name its name, or {@code OpType #index} if it has none
     * @param opType its operator type
     * @param reason why it stayed float; empty for a quantized node
     */
    public record Node(String name, String opType, String reason) {

        public Node {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(opType, "opType");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
