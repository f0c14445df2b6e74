package io.distill4j.engine.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.engine.digest.Sha256;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;

/** The quantizer on generated graphs, run through ONNX Runtime. */
class Int8QuantizerTests {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** [[0.5, -1.0], [0.25, 0.5]]: the weight of {@link WeightQuantizationTests}. */
    private static final float[] W = {0.5f, -1.0f, 0.25f, 0.5f};

    private static ModelProto singleMatMul() {
        return OnnxModelBuilder.create("matmul")
                .input("X", ElementType.FLOAT32, 1, 2)
                .initializer("W", W, 2, 2)
                .node("MatMul", List.of("X", "W"), List.of("Y"), n -> n.name("dense"))
                .output("Y", ElementType.FLOAT32, 1, 2)
                .build();
    }

    @Test
    void aMatMulBecomesDynamicQuantizationWithTheHandComputedResult() throws OrtException {
        // Full range: with two inputs the largest pair of products, 64*127 + 255*64, cannot saturate.
        QuantizationResult result = new Int8Quantizer(QuantizationConfig.builder().reduceRange(false).build())
                .quantize(singleMatMul());

        assertThat(result.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("DynamicQuantizeLinear", "Mul", "MatMulInteger", "Cast", "Mul");
        Map<String, TensorProto> initializers = result.model().getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        assertThat(initializers).containsOnlyKeys("W_quantized", "W_scale", "W_zero_point");
        assertThat(initializers.get("W_quantized").getRawData().toByteArray()).containsExactly(127, -127, 64, 64);
        assertThat(OnnxTensors.toFloats(initializers.get("W_scale"))).containsExactly(0.5f / 127, 1f / 127);
        assertThat(result.quantized()).extracting(QuantizationResult.Node::name).containsExactly("dense");

        // X = [0.5, 2] quantizes to scale 2/255, zero point 0, values [63.75 -> 64, 255].
        // Integer product: [64*127 + 255*64, 64*(-127) + 255*64] = [24448, 8192]; times (2/255)·w_scale:
        // [24448 * (2/255) * (0.5/127), 8192 * (2/255) * (1/127)] = [24448/32385, 16384/32385]
        // = [0.75492, 0.50591] where float gives [0.75, 0.5].
        float[] y = run(result.model(), new float[] {0.5f, 2}, 1, 2);
        assertThat(y[0]).isCloseTo(24448f / 32385, within(1e-6f));
        assertThat(y[1]).isCloseTo(16384f / 32385, within(1e-6f));
    }

    @Test
    void aGemmWithTransposedWeightAndBiasMatchesFloat() throws OrtException {
        float[] weight = ModelGenerators.randomFloats(3, 4 * 8); // [N=4, K=8], transB = 1
        float[] bias = {0.1f, -0.2f, 0.3f, 0.4f};
        ModelProto model = OnnxModelBuilder.create("gemm")
                .input("X", ElementType.FLOAT32, 2, 8)
                .initializer("B", weight, 4, 8)
                .initializer("C", bias, 4)
                .node("Gemm", List.of("X", "B", "C"), List.of("Y"), n -> n.name("fc").intAttribute("transB", 1))
                .output("Y", ElementType.FLOAT32, 2, 4)
                .build();
        float[] x = ModelGenerators.randomFloats(4, 16);

        QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(model);

        assertThat(result.quantized()).extracting(QuantizationResult.Node::opType).containsExactly("Gemm");
        assertThat(result.model().getGraph().getNodeList()).extracting(NodeProto::getOpType).contains("Add")
                .doesNotContain("Gemm");
        float[] expected = run(model, x, 2, 8);
        float[] actual = run(result.model(), x, 2, 8);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(0.05f));
        }
    }

    @Test
    void anEmbeddingTableIsStoredAsUint8AndDequantizedAfterTheGather() throws OrtException {
        float[] table = ModelGenerators.randomFloats(5, 10 * 4);
        ModelProto model = OnnxModelBuilder.create("embedding")
                .input("ids", ElementType.INT64, 1, 3)
                .initializer("table", table, 10, 4)
                .node("Gather", List.of("table", "ids"), List.of("Y"), n -> n.name("lookup"))
                .output("Y", ElementType.FLOAT32, 1, 3, 4)
                .build();

        QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(model);

        assertThat(result.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .containsExactly("Gather", "DequantizeLinear");
        TensorProto quantizedTable = result.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("table_quantized")).findFirst().orElseThrow();
        assertThat(quantizedTable.getDataType()).isEqualTo(TensorProto.DataType.UINT8.getNumber());
        try (OrtSession session = ENV.createSession(OnnxModelWriter.toByteArray(result.model()));
                OnnxTensor ids = OnnxTensor.createTensor(ENV, new long[][] {{0, 7, 9}});
                OrtSession.Result out = session.run(Map.of("ids", ids))) {
            float[][][] y = (float[][][]) out.get(0).getValue();
            float step = (max(table) - Math.min(0, min(table))) / 255;
            for (int i = 0; i < 4; i++) {
                assertThat(y[0][1][i]).isCloseTo(table[7 * 4 + i], within(step));
            }
        }
        // Off in the configuration: reported as excluded, the table stays float.
        QuantizationResult off = new Int8Quantizer(QuantizationConfig.builder().quantizeEmbeddings(false).build())
                .quantize(model);
        assertThat(off.quantized()).isEmpty();
        assertThat(off.excluded()).singleElement().extracting(QuantizationResult.Node::reason).asString()
                .contains("embedding quantization is off");
    }

    @Test
    void nodesAreExcludedByNameAndTypeAndActivationProductsAreSkipped() {
        ModelProto model = OnnxModelBuilder.create("two")
                .input("X", ElementType.FLOAT32, 1, 2)
                .initializer("W1", W, 2, 2)
                .initializer("W2", W, 2, 2)
                .node("MatMul", List.of("X", "W1"), List.of("H"), n -> n.name("first"))
                .node("MatMul", List.of("H", "W2"), List.of("Y"), n -> n.name("second"))
                .node("MatMul", List.of("Y", "H"), List.of("Z"), n -> n.name("activations"))
                .output("Z", ElementType.FLOAT32, 1, 2)
                .build();

        QuantizationResult byName = new Int8Quantizer(QuantizationConfig.builder().excludeNodes("first").build())
                .quantize(model);
        assertThat(byName.quantized()).extracting(QuantizationResult.Node::name).containsExactly("second");
        assertThat(byName.excluded()).singleElement().satisfies(node -> {
            assertThat(node.name()).isEqualTo("first");
            assertThat(node.reason()).contains("excluded by name");
        });
        assertThat(byName.skipped()).singleElement().satisfies(node -> {
            assertThat(node.name()).isEqualTo("activations");
            assertThat(node.reason()).contains("'H' is not a constant initializer");
        });
        // W1 is still read by the float MatMul, W2 only in quantized form.
        assertThat(byName.model().getGraph().getInitializerList()).extracting(TensorProto::getName)
                .contains("W1", "W2_quantized").doesNotContain("W2");

        QuantizationResult byType = new Int8Quantizer(QuantizationConfig.builder().excludeOpTypes("MatMul").build())
                .quantize(model);
        assertThat(byType.quantized()).isEmpty();
        assertThat(byType.excluded()).hasSize(2).allSatisfy(node -> assertThat(node.reason()).contains("MatMul"));
        assertThatIllegalArgumentException().isThrownBy(() -> QuantizationConfig.builder().excludeOpTypes("Conv"))
                .withMessageContaining("'Conv' is not an operator the quantizer touches");
    }

    @Test
    void oneActivationIsQuantizedOnceForEveryMatMulThatReadsIt() {
        ModelProto model = OnnxModelBuilder.create("qkv")
                .input("X", ElementType.FLOAT32, 1, 2)
                .initializer("Wq", W, 2, 2)
                .initializer("Wk", W, 2, 2)
                .node("MatMul", List.of("X", "Wq"), List.of("Q"))
                .node("MatMul", List.of("X", "Wk"), List.of("K"))
                .output("Q", ElementType.FLOAT32, 1, 2)
                .output("K", ElementType.FLOAT32, 1, 2)
                .build();

        ModelProto quantized = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(model).model();

        assertThat(quantized.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("DynamicQuantizeLinear"))
                .hasSize(1);
        assertThat(quantized.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("MatMulInteger"))
                .hasSize(2);
    }

    @Test
    void theResultCarriesItsProvenanceAndIsNotQuantizedTwice() {
        ModelProto model = singleMatMul();
        QuantizationResult result = new Int8Quantizer(QuantizationConfig.builder().reduceRange(false).build())
                .quantize(model);

        Map<String, String> metadata = result.model().getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertThat(metadata.get("distill4j.quantization.source_sha256"))
                .isEqualTo(Sha256.hexOf(OnnxModelWriter.toByteArray(model))).hasSize(64);
        assertThat(metadata.get("distill4j.quantization.settings")).contains("\"reduceRange\":false");
        assertThat(metadata.get("distill4j.quantization.quantized")).isEqualTo("1");
        assertThat(metadata.get("distill4j.quantization.gate")).isEqualTo("none");
        assertThat(result.sourceBytes()).isEqualTo(OnnxModelWriter.toByteArray(model).length);
        assertThat(result.quantizedBytes()).isEqualTo(OnnxModelWriter.toByteArray(result.model()).length);
        assertThat(result.toJson()).contains("\"quantized\"", "\"dense\"");

        assertThatIllegalArgumentException().isThrownBy(() -> new Int8Quantizer(QuantizationConfig.ofDefaults())
                .quantize(result.model())).withMessageContaining("already quantized");
    }

    @Test
    void aModelWithAnOpsetTooOldForDynamicQuantizationIsRefused() {
        ModelProto model = singleMatMul().toBuilder().clearOpsetImport()
                .addOpsetImport(io.distill4j.engine.onnx.proto.OperatorSetIdProto.newBuilder().setVersion(10)).build();
        assertThatIllegalArgumentException().isThrownBy(() -> new Int8Quantizer(QuantizationConfig.ofDefaults())
                .quantize(model)).withMessageContaining("opset 10").withMessageContaining("needs 11");
    }

    /**
     * Two MatMuls in a row; the first one's weight has, in every column, one large value where the
     * input is always 0, so per-channel quantization rounds the weights that matter to 0. The gate must
     * take exactly that node back to float.
     */
    @Test
    void theAccuracyGateTakesTheSensitiveNodeBackToFloat() {
        int width = 8;
        Random random = new Random(42);
        float[] sensitive = new float[width * width];
        float[] robust = new float[width * width];
        for (int i = 0; i < sensitive.length; i++) {
            sensitive[i] = i < width ? 1000f : (float) random.nextGaussian() * 0.01f;
            robust[i] = (float) random.nextGaussian();
        }
        ModelProto model = OnnxModelBuilder.create("sensitive")
                .input("X", ElementType.FLOAT32, 1, width)
                .initializer("W_sensitive", sensitive, width, width)
                .initializer("W_robust", robust, width, width)
                .node("MatMul", List.of("X", "W_sensitive"), List.of("H"), n -> n.name("sensitive"))
                .node("MatMul", List.of("H", "W_robust"), List.of("Y"), n -> n.name("robust"))
                .output("Y", ElementType.FLOAT32, 1, width)
                .build();
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int s = 0; s < 16; s++) {
            float[] x = new float[width];
            for (int i = 1; i < width; i++) {
                x[i] = (float) random.nextGaussian();
            }
            samples.add(Map.of("X", Tensor.ofFloats(x, 1, width)));
        }
        AccuracyGate gate = AccuracyGate.embeddings(samples, 0.99);

        QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(model, gate);

        assertThat(result.initialGate()).get().satisfies(g -> assertThat(g.passed()).isFalse());
        assertThat(result.passed()).isTrue();
        assertThat(result.gate()).get().satisfies(g -> assertThat(g.values().get("meanCosine")).isGreaterThan(0.99));
        assertThat(result.excluded()).singleElement().satisfies(node -> {
            assertThat(node.name()).isEqualTo("sensitive");
            assertThat(node.reason()).startsWith("accuracy gate");
        });
        assertThat(result.quantized()).extracting(QuantizationResult.Node::name).containsExactly("robust");
        assertThat(result.model().getMetadataPropsList()).filteredOn(p -> p.getKey().endsWith(".gate"))
                .singleElement().satisfies(p -> assertThat(p.getValue()).contains("\"passed\":true"));

        // Not allowed to exclude anything: the result says the gate failed.
        QuantizationResult stuck = new Int8Quantizer(QuantizationConfig.builder().maxGateExclusions(0).build())
                .quantize(model, gate);
        assertThat(stuck.passed()).isFalse();
        assertThat(stuck.summary()).contains("could not be met");
    }

    @Test
    void aClassifierGateComparesArgmaxAndProbabilities() {
        ModelProto model = singleMatMul();
        List<Map<String, Tensor>> samples = List.of(Map.of("X", Tensor.ofFloats(new float[] {1, 2}, 1, 2)));
        QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults())
                .quantize(model, AccuracyGate.classifier(samples, 1.0, 0.01));
        // Exact logits [1, 0] vs quantized [1.0059, 0.0040]: same argmax, probabilities within 0.001.
        assertThat(result.passed()).isTrue();
        assertThat(result.gate()).get().satisfies(g -> {
            assertThat(g.values().get("argmaxAgreement")).isEqualTo(1.0);
            assertThat(g.values().get("maxProbabilityDifference")).isLessThan(0.01);
        });
        assertThatIllegalArgumentException().isThrownBy(() -> AccuracyGate.classifier(samples, 1.5, 0.1))
                .withMessageContaining("minAgreement");
        assertThatIllegalArgumentException().isThrownBy(() -> AccuracyGate.embeddings(List.of(), 0.9))
                .withMessageContaining("at least one sample");
    }

    private static float[] run(ModelProto model, float[] x, long rows, long columns) throws OrtException {
        try (OrtSession session = ENV.createSession(OnnxModelWriter.toByteArray(model));
                OnnxTensor input = OnnxTensor.createTensor(ENV,
                        ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(x).rewind(),
                        new long[] {rows, columns});
                OrtSession.Result out = session.run(Map.of("X", input))) {
            OnnxTensor y = (OnnxTensor) out.get(0);
            float[] values = new float[y.getFloatBuffer().remaining()];
            y.getFloatBuffer().get(values);
            return values;
        }
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static float min(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }
}
