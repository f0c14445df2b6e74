package io.distill4j.engine.onnx.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.distill4j.engine.digest.Sha256;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.ReportJson;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;

/**
 * Dynamic INT8 quantization of an ONNX model for ONNX Runtime's CPU provider, with an optional
 * {@link AccuracyGate}.
 *
 * <pre>{@code
 * ModelProto fp32 = OnnxModelReader.ofDefaults().read(Path.of("model.onnx"));
 * QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults())
 *         .quantize(fp32, AccuracyGate.embeddings(samples, 0.99));
 * if (result.passed()) {
 *     result.writeTo(Path.of("model-int8.onnx"));
 * }
 * }</pre>
 *
 * <p>Weights of {@code MatMul} and {@code Gemm} nodes become symmetric int8 (per output channel by
 * default); activations are quantized to uint8 at run time by {@code DynamicQuantizeLinear}; embedding
 * tables read by {@code Gather} become uint8 and only the gathered rows are dequantized (see
 * {@link QuantizationRewriter} for the exact graph). With a gate, the quantized model is compared with the
 * original on the gate's samples; while it fails, the quantizer takes back to float the node whose
 * exclusion helps most (each candidate is tried), up to {@link QuantizationConfig#maxGateExclusions()}
 * nodes. A result that still fails says so ({@link QuantizationResult#passed()}).
 *
 * <p>The quantized model records its provenance in {@code metadata_props} under
 * {@value #METADATA_PREFIX}: {@code source_sha256} (of the original model's serialized bytes),
 * {@code settings}, {@code quantized} (node count), {@code excluded} (JSON list with reasons) and
 * {@code gate} (JSON, or {@code none}).
 *
 * <p>Instances are immutable and thread-safe; a call holds the original and quantized models in memory
 * and, with a gate, two ONNX Runtime sessions at a time.
 */
public final class Int8Quantizer {

    /** The operator types the quantizer rewrites. */
    public static final Set<String> QUANTIZABLE_OP_TYPES = Set.of("MatMul", "Gemm", "Gather");

    /** The prefix of the provenance keys written to {@code metadata_props}. */
    public static final String METADATA_PREFIX = "distill4j.quantization.";

    private static final Logger logger = LoggerFactory.getLogger(Int8Quantizer.class);

    private final QuantizationConfig config;

    public Int8Quantizer(QuantizationConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public QuantizationConfig config() {
        return this.config;
    }

    /** Quantizes every candidate the configuration allows, without an accuracy check. */
    public QuantizationResult quantize(ModelProto model) {
        return quantize(model, null);
    }

    /**
     * Quantizes {@code model} and, if {@code gate} is not null, checks the result against it, taking nodes
     * back to float while it fails.
     *
     * @throws IllegalArgumentException if the model was already quantized by Distill4j, or imports an
     *     opset older than the quantized operators need (11)
     * @throws io.distill4j.api.exception.InvalidInputException if the original model cannot run the gate's
     *     samples
     */
    public QuantizationResult quantize(ModelProto model, AccuracyGate gate) {
        Objects.requireNonNull(model, "model");
        model.getMetadataPropsList().stream().filter(p -> p.getKey().startsWith(METADATA_PREFIX)).findFirst()
                .ifPresent(p -> {
                    throw new IllegalArgumentException("The model is already quantized (it has metadata '"
                            + p.getKey() + "'); quantize the original float model");
                });
        byte[] source = OnnxModelWriter.toByteArray(model);
        QuantizationRewriter rewriter = new QuantizationRewriter(model, this.config);
        List<QuantizationRewriter.Candidate> chosen = new ArrayList<>();
        List<QuantizationResult.Node> excluded = new ArrayList<>();
        for (QuantizationRewriter.Candidate candidate : rewriter.candidates()) {
            candidate.exclusion().ifPresentOrElse(
                    reason -> excluded.add(new QuantizationResult.Node(candidate.name(), candidate.opType(), reason)),
                    () -> chosen.add(candidate));
        }
        ModelProto quantized = rewriter.rewrite(chosen);
        Optional<GateResult> initialGate = Optional.empty();
        Optional<GateResult> finalGate = Optional.empty();
        if (gate != null) {
            AccuracyGate.Evaluation evaluation = gate.start(source);
            GateResult current = evaluation.evaluate(OnnxModelWriter.toByteArray(quantized));
            initialGate = Optional.of(current);
            logger.info("Accuracy gate with {} node(s) quantized: {}", chosen.size(), current);
            int taken = 0;
            while (!current.passed() && !chosen.isEmpty() && taken < this.config.maxGateExclusions()) {
                Trial best = null;
                for (QuantizationRewriter.Candidate candidate : chosen) {
                    List<QuantizationRewriter.Candidate> without = new ArrayList<>(chosen);
                    without.remove(candidate);
                    ModelProto trialModel = rewriter.rewrite(without);
                    GateResult trial = evaluation.evaluate(OnnxModelWriter.toByteArray(trialModel));
                    if (best == null || trial.score() > best.result().score()) {
                        best = new Trial(candidate, trialModel, trial);
                    }
                }
                chosen.remove(best.candidate());
                taken++;
                excluded.add(new QuantizationResult.Node(best.candidate().name(), best.candidate().opType(),
                        String.format(Locale.ROOT, "accuracy gate: keeping it float raised the score from %.6f to %.6f",
                                current.score(), best.result().score())));
                logger.info("Accuracy gate: {} '{}' kept float, {}", best.candidate().opType(), best.candidate().name(),
                        best.result());
                quantized = best.model();
                current = best.result();
            }
            if (!current.passed()) {
                logger.warn("Accuracy gate not met after taking {} node(s) back to float: {}", taken, current);
            }
            finalGate = Optional.of(current);
        }
        List<QuantizationResult.Node> quantizedNodes = chosen.stream()
                .map(c -> new QuantizationResult.Node(c.name(), c.opType(), "")).toList();
        List<QuantizationResult.Node> skipped = rewriter.skipped().stream()
                .map(s -> new QuantizationResult.Node(s.name(), s.opType(), s.reason())).toList();
        ModelProto withProvenance = withProvenance(quantized, source, quantizedNodes.size(), excluded, finalGate);
        long size = withProvenance.getSerializedSize();
        return new QuantizationResult(withProvenance, quantizedNodes, excluded, skipped, source.length, size, finalGate,
                initialGate);
    }

    private ModelProto withProvenance(ModelProto model, byte[] source, int quantizedCount,
            List<QuantizationResult.Node> excluded, Optional<GateResult> gate) {
        ArrayNode excludedJson = ReportJson.mapper().createArrayNode();
        QuantizationResult.putNodes(excludedJson, excluded);
        return model.toBuilder()
                .addMetadataProps(entry("source_sha256", Sha256.hexOf(source)))
                .addMetadataProps(entry("settings", this.config.toJson()))
                .addMetadataProps(entry("quantized", Integer.toString(quantizedCount)))
                .addMetadataProps(entry("excluded", ReportJson.mapper().writeValueAsString(excludedJson)))
                .addMetadataProps(entry("gate", gate.map(GateResult::toJson).orElse("none")))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(METADATA_PREFIX + key).setValue(value).build();
    }

    private record Trial(QuantizationRewriter.Candidate candidate, ModelProto model, GateResult result) {
    }
}
