package io.distill4j.pipeline.student.transformer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import ai.djl.training.loss.Loss;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.Parity;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.TransformerConfig.Pooling;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.EmbeddingDistillationLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Parity of the Transformer student: DJL's {@code StudentModel.predict} and ONNX Runtime on the exported
 * graph, on the same batches ({@link Parity#SHAPES}: one token to 16 x 40, random padding with random ids
 * under it, a row that is all padding), agree within 1e-4 with the same argmax in every row; and the
 * exported graph passes the engine's CPU compatibility check and quantizes to INT8 in full.
 */
class TransformerExportTests {

    private static TransformerConfig.Builder config(Pooling pooling, StudentOutput output) {
        return TransformerConfig.builder().vocabSize(50).maxPositions(64).hiddenSize(16).layers(2).heads(2)
            .intermediateSize(32).pooling(pooling).output(output).outputSize(output == StudentOutput.LOGITS ? 5 : 12);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "MEAN, LOGITS", "CLS, LOGITS", "MEAN, EMBEDDING", "CLS, EMBEDDING" })
    void freshStudentMatchesOnnxRuntime(Pooling pooling, StudentOutput output) throws OrtException {
        try (StudentModel student = StudentModel.create(config(pooling, output).build().newBlock(), 21)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getOutput(0).getName()).isEqualTo(output.tensorName());
            Parity.assertParity(student, onnx, 1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "MEAN, LOGITS", "CLS, LOGITS", "MEAN, EMBEDDING", "CLS, EMBEDDING" })
    void trainedStudentMatchesOnnxRuntime(Pooling pooling, StudentOutput output) throws OrtException {
        TransformerConfig config = config(pooling, output).dropout(0.1f).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 22)) {
            List<float[]> before = Parity.parameters(student);
            Loss loss = output == StudentOutput.LOGITS ? DistillationLoss.builder().temperature(2).alpha(0.5f).build()
                    : EmbeddingDistillationLoss.mse();
            Parity.train(student, loss, 4, 3);
            List<float[]> after = Parity.parameters(student);
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).as("parameter %d after training", i).isNotEqualTo(before.get(i));
            }
            Parity.assertParity(student, StudentExporter.export(student, ExportOptions.ofDefaults()), 2);
        }
    }

    @Test
    void reluStudentWithOneLayerAndOneHeadMatchesOnnxRuntime() throws OrtException {
        TransformerConfig config = config(Pooling.MEAN, StudentOutput.LOGITS).layers(1).heads(1)
            .activation(HiddenActivation.RELU).layerNormEpsilon(1e-5f).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 23)) {
            Parity.train(student, DistillationLoss.builder().build(), 3, 4);
            Parity.assertParity(student, StudentExporter.export(student, ExportOptions.ofDefaults()), 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "MEAN", "CLS" })
    void opset13ExportWritesLayerNormExplicitlyAndMatchesOnnxRuntime(Pooling pooling) throws OrtException {
        try (StudentModel student = StudentModel.create(config(pooling, StudentOutput.LOGITS).build().newBlock(), 24)) {
            Parity.train(student, DistillationLoss.builder().build(), 2, 5);
            ModelProto onnx = StudentExporter.export(student, ExportOptions.builder().opset(13).build());
            assertThat(onnx.getOpsetImport(0).getVersion()).isEqualTo(13);
            assertThat(opTypes(onnx)).doesNotContain("LayerNormalization").filteredOn("ReduceMean"::equals)
                .hasSize(2 * (1 + 2 * 2));
            Parity.assertParity(student, onnx, 4);
            assertThat(CompatibilityChecker.check(onnx, CompatibilityTarget.cpu()).verdict())
                .isEqualTo(CompatibilityVerdict.COMPATIBLE);
        }
    }

    @Test
    void graphHasOneLayerNormPerNormAndDenseLayersAsMatMulWithTransposedWeights() {
        try (StudentModel student = StudentModel.create(config(Pooling.MEAN, StudentOutput.LOGITS).build().newBlock(),
                25)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            List<String> ops = opTypes(onnx);
            assertThat(ops).doesNotContain("Dropout").filteredOn("LayerNormalization"::equals).hasSize(1 + 2 * 2);
            // per layer: query, key, value, attention output, intermediate, output, plus q k^T and p v
            assertThat(ops).filteredOn("MatMul"::equals).hasSize(2 * 8);
            assertThat(ops).filteredOn("Gemm"::equals).hasSize(1);
            assertThat(ops).filteredOn("Softmax"::equals).hasSize(2);
            assertThat(ops).filteredOn("Erf"::equals).hasSize(2);
            Map<String, TensorProto> initializers = onnx.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
            var parameters = student.block().getParameters();
            assertThat(OnnxTensors.toFloats(initializers.get("student.word_embeddings")))
                .containsExactly(parameters.get("word_embeddings").getArray().toFloatArray());
            TensorProto intermediate = initializers.get("student.layer1_intermediate.weight");
            assertThat(intermediate.getDimsList()).containsExactly(16L, 32L);
            float[] djl = parameters.get("15layer1_intermediate_weight").getArray().toFloatArray(); // [32, 16]
            float[] stored = OnnxTensors.toFloats(intermediate); // [16, 32]
            for (int out = 0; out < 32; out++) {
                for (int in = 0; in < 16; in++) {
                    assertThat(stored[in * 32 + out]).isEqualTo(djl[out * 16 + in]);
                }
            }
            assertThat(initializers.get("student.output.weight").getDimsList()).containsExactly(5L, 16L);
            assertThat(OnnxTensors.toFloats(initializers.get("student.layer0_attention_norm.gamma")))
                .containsExactly(parameters.get("06layer0_attention_norm_gamma").getArray().toFloatArray());
            assertThat(onnx.getMetadataPropsList()).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo(StudentExporter.ARCHITECTURE_METADATA);
                assertThat(e.getValue()).isEqualTo("transformer");
            }).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo(StudentExporter.PARAMETERS_METADATA);
                assertThat(e.getValue()).isEqualTo(Long.toString(student.config().parameterCount()));
            }).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo(StudentExporter.CONFIG_METADATA);
                assertThat(e.getValue()).contains("\"pooling\":\"MEAN\"", "\"layerNormEpsilon\":1.0E-12",
                        "\"maxPositions\":64");
            });
        }
    }

    @Test
    void sequencesLongerThanMaxPositionsFailInOnnxRuntimeToo() throws OrtException {
        try (StudentModel student = StudentModel.create(config(Pooling.CLS, StudentOutput.LOGITS).maxPositions(8).build()
            .newBlock(), 26); OrtSession session = Parity.session(StudentExporter.export(student, ExportOptions.ofDefaults()))) {
            Parity.Batch eight = Parity.randomBatch(new Random(7), 2, 8, 50);
            assertThat(Parity.run(session, eight)[0]).containsExactly(student.predict(eight.ids(), eight.mask())[0],
                    within(Parity.TOLERANCE));
            Parity.Batch nine = Parity.randomBatch(new Random(7), 2, 9, 50);
            // ONNX Runtime's optimizer turns the Gather of a Range into a Slice, so the error surfaces in the Add.
            assertThatThrownBy(() -> Parity.run(session, nine)).isInstanceOf(OrtException.class)
                .hasMessageMatching("(?s).*(position_embeddings_gather|embeddings_sum).*");
        }
    }

    @Test
    void exportedModelIsCompatibleWithOnnxRuntimeOnCpu() {
        for (Pooling pooling : Pooling.values()) {
            try (StudentModel student = StudentModel.create(config(pooling, StudentOutput.EMBEDDING).build().newBlock(),
                    27)) {
                CompatibilityReport report = CompatibilityChecker.check(
                        StudentExporter.export(student, ExportOptions.ofDefaults()), CompatibilityTarget.cpu());
                assertThat(report.verdict()).as(report.summary()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
                assertThat(report.issues()).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "MEAN", "CLS" })
    void int8QuantizesEveryWeightMatrixAndBothTablesAndStaysClose(Pooling pooling) throws OrtException {
        // Wider than the other tests, so that the weights, not the graph's structure, make up most of the bytes.
        TransformerConfig config = config(pooling, StudentOutput.LOGITS).vocabSize(1000).hiddenSize(32).heads(4)
            .intermediateSize(64).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 28)) {
            Parity.train(student, DistillationLoss.builder().build(), 6, 6);
            ModelProto fp32 = StudentExporter.export(student, ExportOptions.ofDefaults());
            QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32);

            Set<String> constants = fp32.getGraph().getInitializerList().stream().map(TensorProto::getName)
                .collect(Collectors.toSet());
            List<String> weighted = fp32.getGraph().getNodeList().stream()
                .filter(n -> Set.of("MatMul", "Gemm").contains(n.getOpType()) && constants.contains(n.getInput(1)))
                .map(NodeProto::getName).toList();
            assertThat(weighted).hasSize(2 * 6 + 1);
            assertThat(result.quantized()).extracting(QuantizationResult.Node::name).containsAll(weighted)
                .contains("word_embeddings_gather", "position_embeddings_gather").hasSize(weighted.size() + 2);
            // What stays float multiplies or gathers computed values: q k^T, p v, the sequence length, the CLS row.
            assertThat(result.skipped()).allSatisfy(s -> assertThat(s.reason()).contains("is not a constant initializer"))
                .hasSize(2 * 2 + 1 + (pooling == Pooling.CLS ? 1 : 0));
            Set<String> left = result.model().getGraph().getInitializerList().stream().map(TensorProto::getName)
                .collect(Collectors.toSet());
            assertThat(left).doesNotContain("student.word_embeddings", "student.position_embeddings",
                    "student.layer0_attention_query.weight", "student.layer1_output.weight", "student.output.weight");
            assertThat(result.sizeRatio()).isLessThan(0.5);
            assertThat(CompatibilityChecker.check(result.model(), CompatibilityTarget.cpu()).verdict())
                .isEqualTo(CompatibilityVerdict.COMPATIBLE);

            Random random = new Random(8);
            int rows = 0;
            int agree = 0;
            float worst = 0;
            try (OrtSession full = Parity.session(fp32); OrtSession int8 = Parity.session(result.model())) {
                for (int i = 0; i < 10; i++) {
                    Parity.Batch batch = Parity.randomBatch(random, 16, 24, config.vocabSize());
                    float[][] expected = Parity.run(full, batch);
                    float[][] actual = Parity.run(int8, batch);
                    for (int b = 0; b < expected.length; b++) {
                        rows++;
                        agree += Parity.argmax(expected[b]) == Parity.argmax(actual[b]) ? 1 : 0;
                        for (int c = 0; c < expected[b].length; c++) {
                            worst = Math.max(worst, Math.abs(expected[b][c] - actual[b][c]));
                        }
                    }
                }
            }
            assertThat((double) agree / rows).as("argmax agreement of INT8 with fp32 over %d rows (largest difference %s)",
                    rows, worst).isGreaterThanOrEqualTo(0.95);
        }
    }

    private static List<String> opTypes(ModelProto onnx) {
        return onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }
}
