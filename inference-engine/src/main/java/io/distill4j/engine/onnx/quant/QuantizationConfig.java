package io.distill4j.engine.onnx.quant;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.distill4j.api.Checks;
import io.distill4j.engine.onnx.ReportJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settings of {@link Int8Quantizer}. The defaults are the standard recipe for transformer encoders on
 * CPU: per-channel symmetric int8 weights for every {@code MatMul} and {@code Gemm} with a constant 2-D
 * weight in the reduced range {@code [-64, 64]}, embedding tables quantized weight-only.
 *
 * <pre>{@code
 * QuantizationConfig config = QuantizationConfig.builder()
 *         .perChannel(true)
 *         .reduceRange(false)
 *         .excludeOpTypes("Gemm")
 *         .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class QuantizationConfig {

    private final boolean perChannel;

    private final boolean reduceRange;

    private final boolean quantizeEmbeddings;

    private final Set<String> excludedNodes;

    private final Set<String> excludedOpTypes;

    private final int maxGateExclusions;

    private final boolean perRowActivations;

    private QuantizationConfig(Builder builder) {
        this.perChannel = builder.perChannel;
        this.reduceRange = builder.reduceRange;
        this.quantizeEmbeddings = builder.quantizeEmbeddings;
        this.excludedNodes = Set.copyOf(builder.excludedNodes);
        this.excludedOpTypes = Set.copyOf(builder.excludedOpTypes);
        this.maxGateExclusions = builder.maxGateExclusions;
        this.perRowActivations = builder.perRowActivations;
    }

    /** The defaults: per-channel, reduced range, embeddings quantized, nothing excluded, up to 8 gate exclusions. */
    public static QuantizationConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One scale per output channel (column of the weight) rather than one per weight tensor. */
    public boolean perChannel() {
        return this.perChannel;
    }

    /**
     * Weights in {@code [-64, 64]} instead of {@code [-127, 127]}. On x86 CPUs without VNNI, ONNX
     * Runtime's uint8 × int8 kernels add pairs of products in 16 bits, which saturate with full-range
     * weights (255 × 127 × 2 &gt; 32767) and give some outputs that are plainly wrong; with the reduced
     * range the largest pair, 255 × 64 × 2, fits. Default {@code true}, as in the {@code -q} model ONNX
     * Runtime's quantizer produced for all-MiniLM-L6-v2; turn it off only for CPUs with VNNI (or AMX),
     * where it buys one more bit of precision.
     */
    public boolean reduceRange() {
        return this.reduceRange;
    }

    /** Whether float tables read only by {@code Gather} (embeddings) are stored as uint8 and dequantized after the lookup. */
    public boolean quantizeEmbeddings() {
        return this.quantizeEmbeddings;
    }

    /** Node names never quantized. */
    public Set<String> excludedNodes() {
        return this.excludedNodes;
    }

    /** Operator types never quantized ({@code MatMul}, {@code Gemm} or {@code Gather}). */
    public Set<String> excludedOpTypes() {
        return this.excludedOpTypes;
    }

    /** How many nodes the accuracy gate may take back to float before it gives up. */
    public int maxGateExclusions() {
        return this.maxGateExclusions;
    }

    /** The settings as a JSON object, as recorded in a quantized model's provenance. */
    /**
     * Activations quantized row by row — each row of the last axis on its own scale and zero point, per run —
     * rather than with one scale and zero point over the whole input of a run ({@code DynamicQuantizeLinear},
     * ONNX Runtime's dynamic quantization). Per row, a text's outputs do not depend on the other texts of its
     * batch; per tensor they move with them (the batch's extreme activations set every row's scale).
     */
    public boolean perRowActivations() {
        return this.perRowActivations;
    }

    public String toJson() {
        ObjectNode root = ReportJson.mapper().createObjectNode();
        root.put("weights", "int8-symmetric");
        root.put("activations", this.perRowActivations ? "uint8-dynamic-per-row" : "uint8-dynamic");
        root.put("perChannel", this.perChannel);
        root.put("reduceRange", this.reduceRange);
        root.put("quantizeEmbeddings", this.quantizeEmbeddings);
        this.excludedNodes.stream().sorted().forEach(root.putArray("excludedNodes")::add);
        this.excludedOpTypes.stream().sorted().forEach(root.putArray("excludedOpTypes")::add);
        root.put("maxGateExclusions", this.maxGateExclusions);
        return ReportJson.mapper().writeValueAsString(root);
    }

    @Override
    public String toString() {
        return "QuantizationConfig" + toJson();
    }

    /** Builder of {@link QuantizationConfig}. */
    public static final class Builder {

        private boolean perChannel = true;

        private boolean reduceRange = true;

        private boolean quantizeEmbeddings = true;

        private final Set<String> excludedNodes = new LinkedHashSet<>();

        private final Set<String> excludedOpTypes = new LinkedHashSet<>();

        private int maxGateExclusions = 8;

        private boolean perRowActivations;

        private Builder() {
        }

        /** One scale per output channel; default {@code true}. */
        public Builder perChannel(boolean perChannel) {
            this.perChannel = perChannel;
            return this;
        }

        /** Weights in {@code [-64, 64]}, safe on CPUs without VNNI; default {@code true}. */
        public Builder reduceRange(boolean reduceRange) {
            this.reduceRange = reduceRange;
            return this;
        }

        /** Weight-only quantization of embedding tables; default {@code true}. */
        public Builder quantizeEmbeddings(boolean quantizeEmbeddings) {
            this.quantizeEmbeddings = quantizeEmbeddings;
            return this;
        }

        /** See {@link QuantizationConfig#perRowActivations()}. */
        public Builder perRowActivations(boolean perRow) {
            this.perRowActivations = perRow;
            return this;
        }

        /** Adds node names that stay float. */
        public Builder excludeNodes(String... names) {
            return excludeNodes(Set.of(names));
        }

        /** Adds node names that stay float. */
        public Builder excludeNodes(Collection<String> names) {
            this.excludedNodes.addAll(names);
            return this;
        }

        /** Adds operator types that stay float: {@code MatMul}, {@code Gemm} or {@code Gather}. */
        public Builder excludeOpTypes(String... opTypes) {
            for (String opType : opTypes) {
                if (!Int8Quantizer.QUANTIZABLE_OP_TYPES.contains(opType)) {
                    throw new IllegalArgumentException("excludeOpTypes: '" + opType
                            + "' is not an operator the quantizer touches; expected one of "
                            + Int8Quantizer.QUANTIZABLE_OP_TYPES);
                }
                this.excludedOpTypes.add(opType);
            }
            return this;
        }

        /** How many nodes the accuracy gate may take back to float; default 8, at least 0. */
        public Builder maxGateExclusions(int maxGateExclusions) {
            this.maxGateExclusions = Checks.atLeast(maxGateExclusions, 0, "maxGateExclusions");
            return this;
        }

        public QuantizationConfig build() {
            return new QuantizationConfig(this);
        }
    }
}
