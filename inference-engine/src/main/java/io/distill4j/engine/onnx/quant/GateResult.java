package io.distill4j.engine.onnx.quant;

import java.util.Map;
import java.util.Objects;

import io.distill4j.engine.onnx.ReportJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of one {@link AccuracyGate} evaluation.
 *
 * @param metric what was compared
 * @param score one number to rank candidates by, higher is better: the mean cosine for embeddings, the
 *     argmax agreement (less a thousandth of the largest probability difference) for classifiers
 * @param passed whether the quantized model meets the gate's thresholds
 * @param requirement the thresholds, in words
 * @param values the measured values by name ({@code meanCosine}, {@code minCosine};
 *     {@code argmaxAgreement}, {@code maxProbabilityDifference})
 * @param samples how many sample inputs were run
 */
public record GateResult(AccuracyGate.Metric metric, double score, boolean passed, String requirement,
        Map<String, Double> values, int samples) {

    public GateResult {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(requirement, "requirement");
        values = Map.copyOf(values);
    }

    /** The result as a JSON object: metric, passed, requirement, samples, then the values. */
    public String toJson() {
        return ReportJson.mapper().writeValueAsString(toJsonNode());
    }

    ObjectNode toJsonNode() {
        ObjectNode root = ReportJson.mapper().createObjectNode();
        root.put("metric", this.metric.name());
        root.put("passed", this.passed);
        root.put("requirement", this.requirement);
        root.put("samples", this.samples);
        ObjectNode measured = root.putObject("values");
        this.values.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> measured.put(e.getKey(), e.getValue()));
        return root;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(this.passed ? "passed" : "failed").append(" (");
        this.values.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> text.append(e.getKey()).append(' ').append(String.format(java.util.Locale.ROOT, "%.6f", e.getValue())).append(", "));
        return text.append("required: ").append(this.requirement).append(')').toString();
    }
}
