package io.distill4j.engine.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelBuilderTests {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static final int VOCAB = 11;

    private static final int HIDDEN = 5;

    private static final long SEED = 42;

    /** Three sequences of four tokens, the second and third padded. */
    private static final long[][] INPUT_IDS = {{1, 7, 3, 10}, {2, 9, 0, 0}, {4, 0, 0, 0}};

    private static final long[][] ATTENTION_MASK = {{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 0, 0, 0}};

    private static final long[][] TOKEN_TYPE_IDS = {{0, 0, 1, 1}, {0, 1, 0, 0}, {1, 0, 0, 0}};

    @Test
    void addAndScaleRunsInOnnxRuntimeAndComputesTwoXPlusOne() throws OrtException {
        float[][] x = {{0f, 1f, -2f, 3.5f}, {10f, -0.25f, 1e-3f, 7f}};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(ModelGenerators.addAndScale(), options);
                OnnxTensor input = OnnxTensor.createTensor(ENV, x);
                OrtSession.Result result = session.run(Map.of("x", input))) {
            TensorInfo inputInfo = (TensorInfo) session.getInputInfo().get("x").getInfo();
            assertThat(inputInfo.getShape()).containsExactly(-1, 4);
            assertThat(inputInfo.getDimensionNames()).containsExactly("batch", "");
            float[][] y = (float[][]) result.get("y").orElseThrow().getValue();
            assertThat(y).hasDimensions(2, 4);
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 4; i++) {
                    assertThat(y[b][i]).isCloseTo(x[b][i] * 2f + 1f, within(1e-6f));
                }
            }
        }
    }

    @Test
    void toyTextEncoderOutputsEmbeddingRowsTimesMask() throws OrtException {
        float[] table = ModelGenerators.randomFloats(SEED, VOCAB * HIDDEN);
        byte[] model = ModelGenerators.toyTextEncoder(VOCAB, HIDDEN, SEED);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(model, options)) {
            assertThat(session.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask");
            assertThat(session.getOutputNames()).containsExactly("last_hidden_state");
            float[][][] hidden = runText(session, Map.of("input_ids", INPUT_IDS, "attention_mask", ATTENTION_MASK),
                    "last_hidden_state");
            assertThat(hidden).hasDimensions(3, 4);
            for (int b = 0; b < 3; b++) {
                for (int s = 0; s < 4; s++) {
                    assertThat(hidden[b][s]).hasSize(HIDDEN);
                    for (int h = 0; h < HIDDEN; h++) {
                        float expected = table[(int) INPUT_IDS[b][s] * HIDDEN + h] * ATTENTION_MASK[b][s];
                        assertThat(hidden[b][s][h]).as("[%d][%d][%d]", b, s, h).isEqualTo(expected);
                    }
                }
            }
            assertThat(hidden[0][0]).isNotEqualTo(new float[HIDDEN]);
        }
    }

    @Test
    void toyTextEncoderWithTokenTypesAddsTheTokenTypeRow() throws OrtException {
        float[] table = ModelGenerators.randomFloats(SEED, VOCAB * HIDDEN);
        float[] typeTable = ModelGenerators.randomFloats(SEED + 1, 2 * HIDDEN);
        byte[] model = ModelGenerators.toyTextEncoderWithTokenTypes(VOCAB, HIDDEN, SEED);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(model, options)) {
            assertThat(session.getInputNames())
                    .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
            float[][][] hidden = runText(session, Map.of("input_ids", INPUT_IDS, "attention_mask", ATTENTION_MASK,
                    "token_type_ids", TOKEN_TYPE_IDS), "last_hidden_state");
            for (int b = 0; b < 3; b++) {
                for (int s = 0; s < 4; s++) {
                    for (int h = 0; h < HIDDEN; h++) {
                        float expected = (table[(int) INPUT_IDS[b][s] * HIDDEN + h]
                                + typeTable[(int) TOKEN_TYPE_IDS[b][s] * HIDDEN + h]) * ATTENTION_MASK[b][s];
                        assertThat(hidden[b][s][h]).as("[%d][%d][%d]", b, s, h).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void toyTextClassifierMatchesAJavaComputation() throws OrtException {
        int classes = 3;
        float[] table = ModelGenerators.randomFloats(SEED, VOCAB * HIDDEN);
        float[] weight = ModelGenerators.randomFloats(SEED + 1, HIDDEN * classes);
        float[] bias = ModelGenerators.randomFloats(SEED + 2, classes);
        byte[] model = ModelGenerators.toyTextClassifier(VOCAB, HIDDEN, classes, SEED);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(model, options)) {
            TensorInfo logitsInfo = (TensorInfo) session.getOutputInfo().get("logits").getInfo();
            assertThat(logitsInfo.getShape()).containsExactly(-1, classes);
            float[][] logits = runText(session, Map.of("input_ids", INPUT_IDS, "attention_mask", ATTENTION_MASK),
                    "logits");
            assertThat(logits).hasDimensions(3, classes);
            for (int b = 0; b < 3; b++) {
                double[] pooled = new double[HIDDEN];
                for (int s = 0; s < 4; s++) {
                    for (int h = 0; h < HIDDEN; h++) {
                        pooled[h] += table[(int) INPUT_IDS[b][s] * HIDDEN + h] / 4.0;
                    }
                }
                for (int c = 0; c < classes; c++) {
                    double expected = bias[c];
                    for (int h = 0; h < HIDDEN; h++) {
                        expected += pooled[h] * weight[h * classes + c];
                    }
                    assertThat((double) logits[b][c]).as("[%d][%d]", b, c).isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    @Test
    void builtModelRoundTripsThroughParseFrom() throws Exception {
        OnnxModelBuilder builder = OnnxModelBuilder.create("round_trip")
                .irVersion(9)
                .opset("", 17)
                .opset("com.microsoft", 1)
                .producer("distill4j", "0.1.0")
                .docString("round trip")
                .metadata("teacher", "bert-base")
                .metadata("seed", "42")
                .input("x", ElementType.FLOAT32, "batch", -1, 3)
                .initializer("w", new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 3, 2)
                .initializer("shape", new long[] {-1, 2}, 2)
                .initializer("k", new int[] {1})
                .node("MatMul", List.of("x", "w"), List.of("xw"), n -> n.name("project"))
                .node("Gelu", List.of("xw"), List.of("act"), n -> n.domain("com.microsoft"))
                .node("LeakyRelu", List.of("act"), List.of("y"), n -> n.floatAttribute("alpha", 0.1f)
                        .floatsAttribute("unused_floats", 1f, 2f)
                        .stringAttribute("note", "ünïcode")
                        .tensorAttribute("unused_tensor", OnnxTensors.ofLongs("t", new long[] {7})))
                .output("y", ElementType.FLOAT32, "batch", -1, 2);
        ModelProto model = builder.build();

        assertThat(ModelProto.parseFrom(builder.toByteArray())).isEqualTo(model);
        assertThat(model.getIrVersion()).isEqualTo(9);
        assertThat(model.getOpsetImportList()).extracting(o -> o.getDomain() + ":" + o.getVersion())
                .containsExactly(":17", "com.microsoft:1");
        assertThat(model.getMetadataPropsList()).extracting(e -> e.getKey() + "=" + e.getValue())
                .containsExactly("teacher=bert-base", "seed=42");
        assertThat(model.getGraph().getNodeList()).extracting(n -> n.getName())
                .containsExactly("project", "Gelu_1", "LeakyRelu_2");
        assertThat(model.getGraph().getNode(2).getAttribute(0).getType()).isEqualTo(AttributeProto.AttributeType.FLOAT);
        TypeProto.Tensor x = model.getGraph().getInput(0).getType().getTensorType();
        assertThat(x.getShape().getDimList()).extracting(TensorShapeProto.Dimension::getValueCase).containsExactly(
                TensorShapeProto.Dimension.ValueCase.DIM_PARAM, TensorShapeProto.Dimension.ValueCase.VALUE_NOT_SET,
                TensorShapeProto.Dimension.ValueCase.DIM_VALUE);
    }

    @Test
    void aBuiltModelIsWrittenByTheModelWriter(@TempDir Path dir) throws Exception {
        OnnxModelBuilder builder = OnnxModelBuilder.builder()
                .input("x", ElementType.INT64, 2)
                .node("Identity", List.of("x"), List.of("y"))
                .output("y", ElementType.INT64, 2);
        Path file = dir.resolve("identity.onnx");
        OnnxModelWriter.write(builder.build(), file);
        assertThat(ModelProto.parseFrom(Files.readAllBytes(file))).isEqualTo(builder.build());
    }

    @Test
    void builderRejectsANodeInputThatNothingDefines() {
        OnnxModelBuilder builder = OnnxModelBuilder.create("g").input("x", ElementType.FLOAT32, 4);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.node("Add", List.of("x", "bias"), List.of("y")))
                .withMessage("The node 'Add_0' (Add) reads 'bias', "
                        + "which no graph input, initializer or earlier node defines");
        ModelProto model = builder.node("Add", List.of("x", "x"), List.of("y"))
                .output("y", ElementType.FLOAT32, 4)
                .build();
        assertThat(model.getGraph().getNodeList()).extracting(n -> n.getName()).containsExactly("Add_0");
    }

    @Test
    void builderRejectsADuplicateName() {
        OnnxModelBuilder builder = OnnxModelBuilder.create("g").input("x", ElementType.FLOAT32, 4);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.initializer("x", new float[] {1f, 2f, 3f, 4f}, 4))
                .withMessage("Initializer 'x' is already defined in graph 'g'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.node("Relu", List.of("x"), List.of("x")))
                .withMessage("Output 'x' of node 'Relu_0' (Relu) is already defined in graph 'g'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.node("Split", List.of("x"), List.of("a", "a")))
                .withMessage("Output 'a' of node 'Split_0' (Split) is already defined in graph 'g'");
        builder.node("Relu", List.of("x"), List.of("y"), n -> n.name("relu"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.node("Relu", List.of("y"), List.of("z"), n -> n.name("relu")))
                .withMessage("Graph 'g' already has a node named 'relu'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.metadata("k", "1").metadata("k", "2"))
                .withMessage("Metadata key 'k' is already set");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.node("Relu", List.of("y"), List.of("z"),
                        n -> n.intAttribute("a", 1).intAttribute("a", 2)))
                .withMessageContaining("already has an attribute 'a'");
    }

    @Test
    void buildRejectsAnOutputThatNothingDefines() {
        OnnxModelBuilder builder = OnnxModelBuilder.create("g")
                .input("x", ElementType.FLOAT32, 4)
                .output("y", ElementType.FLOAT32, 4);
        assertThatIllegalArgumentException().isThrownBy(builder::build)
                .withMessage("Output 'y' of graph 'g' is not defined by any graph input, initializer or node");
        assertThatIllegalArgumentException().isThrownBy(OnnxModelBuilder.create("empty")::build)
                .withMessage("Graph 'empty' has no outputs");
    }

    @Test
    void buildRejectsANodeDomainWithoutAnOperatorSet() {
        OnnxModelBuilder builder = OnnxModelBuilder.create("g")
                .input("x", ElementType.FLOAT32, 4)
                .node("Gelu", List.of("x"), List.of("y"), n -> n.domain("com.microsoft"))
                .output("y", ElementType.FLOAT32, 4);
        assertThatIllegalArgumentException().isThrownBy(builder::build)
                .withMessage("Node #0 'Gelu_0' (Gelu) in graph 'g' uses domain 'com.microsoft', "
                        + "for which no operator set is imported");
    }

    @Test
    void builderRejectsInitializerDataThatDoesNotFitItsShape() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> OnnxModelBuilder.builder().initializer("w", new float[5], 2, 3))
                .withMessage("Tensor 'w' has shape [2, 3] (6 elements) but 5 values");
    }

    @Test
    void buildRejectsAHandMadeInitializerWhoseRawDataDoesNotFitItsDims() {
        TensorProto shortTensor = OnnxTensors.ofFloats("w", new float[] {1f, 2f}, 2).toBuilder()
                .clearDims().addDims(3).build();
        OnnxModelBuilder builder = OnnxModelBuilder.create("g")
                .input("x", ElementType.FLOAT32, 3)
                .initializer(shortTensor)
                .node("Add", List.of("x", "w"), List.of("y"))
                .output("y", ElementType.FLOAT32, 3);
        assertThatIllegalArgumentException().isThrownBy(builder::build)
                .withMessage("Initializer 'w' of graph 'g' has dims [3] (3 elements of FLOAT, 12 bytes) "
                        + "but raw_data holds 8 bytes");
    }

    @Test
    void builderRejectsADimensionThatIsNeitherASizeNorAName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> OnnxModelBuilder.builder().input("x", ElementType.FLOAT32, 2.5))
                .withMessageContaining("dimension of type Double");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> OnnxModelBuilder.builder().input("x", ElementType.FLOAT32, -2))
                .withMessage("Tensor 'x' has invalid dimension -2");
    }

    @Test
    void inputFromTensorInfoMarksDynamicDimensionsUnnamed() {
        ModelProto model = OnnxModelBuilder.builder()
                .input(io.distill4j.api.TensorInfo.of("ids", ElementType.INT64, -1, 128))
                .node("Identity", List.of("ids"), List.of("out"))
                .output(io.distill4j.api.TensorInfo.of("out", ElementType.INT64, -1, 128))
                .build();
        TypeProto.Tensor ids = model.getGraph().getInput(0).getType().getTensorType();
        assertThat(ids.getElemType()).isEqualTo(7);
        assertThat(ids.getShape().getDim(0).hasDimValue()).isFalse();
        assertThat(ids.getShape().getDim(0).hasDimParam()).isFalse();
        assertThat(ids.getShape().getDim(1).getDimValue()).isEqualTo(128);
    }

    @Test
    void everyElementTypeMapsToAnOnnxDataTypeAndBack() {
        for (ElementType type : ElementType.values()) {
            assertThat(OnnxElementType.toElementType(OnnxElementType.toDataType(type).getNumber())).isEqualTo(type);
        }
        assertThat(OnnxElementType.toDataType(ElementType.FLOAT32).getNumber()).isEqualTo(1);
        assertThat(OnnxElementType.toDataType(ElementType.INT64).getNumber()).isEqualTo(7);
        assertThatIllegalArgumentException().isThrownBy(() -> OnnxElementType.toElementType(14))
                .withMessageContaining("COMPLEX64");
        assertThatIllegalArgumentException().isThrownBy(() -> OnnxElementType.toElementType(999))
                .withMessage("Unknown ONNX data type 999");
    }

    @SuppressWarnings("unchecked")
    private static <T> T runText(OrtSession session, Map<String, long[][]> inputs, String output)
            throws OrtException {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (Map.Entry<String, long[][]> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(ENV, e.getValue()));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                return (T) result.get(output).orElseThrow().getValue();
            }
        }
        finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
