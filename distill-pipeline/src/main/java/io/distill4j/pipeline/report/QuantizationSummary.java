package io.distill4j.pipeline.report;

import java.util.List;
import java.util.Optional;

import io.distill4j.api.Checks;
import io.distill4j.engine.onnx.quant.GateResult;
import io.distill4j.engine.onnx.quant.QuantizationResult;

/**
 * What INT8 quantization of the student did: how many nodes it quantized, which stayed float and why,
 * the file sizes, and the engine's accuracy gate with every candidate quantized ({@link #gateBefore()})
 * and for the model kept ({@link #gateAfter()}).
 *
 * <pre>{@code
 * QuantizationResult int8 = Int8Quantizer.quantize(fp32, config);
 * QuantizationSummary summary = QuantizationSummary.from(int8);
 * }</pre>
 *
 * @param quantizedNodes nodes quantized
 * @param excludedNodes nodes that could be quantized but stayed float (by configuration or by the gate)
 * @param skippedNodes nodes of a quantizable type that cannot be quantized
 * @param sourceBytes the size of the float model
 * @param quantizedBytes the size of the quantized model
 * @param gateBefore the gate with every candidate quantized, before any node was taken back; empty
 *     without a gate
 * @param gateAfter the gate of the model kept; empty without a gate
 * @param exclusions one line per excluded node: {@code "MatMul 'encoder/ffn': gate: score 0.93 < 0.99"}
 */
public record QuantizationSummary(int quantizedNodes, int excludedNodes, int skippedNodes, long sourceBytes,
        long quantizedBytes, Optional<Gate> gateBefore, Optional<Gate> gateAfter, List<String> exclusions) {

    public QuantizationSummary {
        Checks.atLeast(quantizedNodes, 0, "quantization.quantizedNodes");
        Checks.atLeast(excludedNodes, 0, "quantization.excludedNodes");
        Checks.atLeast(skippedNodes, 0, "quantization.skippedNodes");
        Checks.atLeast(sourceBytes, 0, "quantization.sourceBytes");
        Checks.atLeast(quantizedBytes, 0, "quantization.quantizedBytes");
        Checks.notNull(gateBefore, "quantization.gateBefore");
        Checks.notNull(gateAfter, "quantization.gateAfter");
        exclusions = List.copyOf(Checks.notNull(exclusions, "quantization.exclusions"));
    }

    /** The summary of a quantizer's result. */
    public static QuantizationSummary from(QuantizationResult result) {
        Checks.notNull(result, "result");
        List<String> exclusions = result.excluded().stream()
                .map(node -> node.opType() + " '" + node.name() + "'" + (node.reason().isEmpty() ? "" : ": " + node.reason()))
                .toList();
        return new QuantizationSummary(result.quantized().size(), result.excluded().size(), result.skipped().size(),
                result.sourceBytes(), result.quantizedBytes(), result.initialGate().map(Gate::from),
                result.gate().map(Gate::from), exclusions);
    }

    /**
     * One evaluation of the quantizer's accuracy gate.
     *
     * @param passed whether the quantized model met the gate
     * @param score the gate's score, higher is better (mean cosine, or argmax agreement)
     * @param details the measured values and the requirement, in words
     */
    public record Gate(boolean passed, double score, String details) {

        public Gate {
            Checks.notNull(details, "gate.details");
        }

        /** The gate result of the engine's quantizer. */
        public static Gate from(GateResult result) {
            return new Gate(result.passed(), result.score(), result.toString());
        }
    }
}
