package io.distill4j.pipeline.student.textcnn;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import ai.djl.training.loss.Loss;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
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
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.EmbeddingDistillationLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parity of the TextCNN student: DJL's {@code StudentModel.predict} and ONNX Runtime on the exported graph, on
 * the same batches (one token to 16 x 40, so texts shorter than the widest kernel; random padding with random
 * ids under it; a row that is all padding), agree within 1e-4 with the same argmax in every row; plus the
 * graph's form, its CPU compatibility and its INT8 quantization.
 */
class TextCnnExportTests {

    private static TextCnnConfig.Builder config(HiddenActivation activation, StudentOutput output) {
        return TextCnnConfig.builder().vocabSize(64).embeddingDim(12).filters(6).kernelSizes(1, 3, 5).hiddenSizes(10)
            .outputSize(output == StudentOutput.LOGITS ? 5 : 8).output(output).activation(activation);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "RELU, LOGITS", "GELU, LOGITS", "RELU, EMBEDDING", "GELU, EMBEDDING" })
    void freshStudentMatchesOnnxRuntime(HiddenActivation activation, StudentOutput output) throws OrtException {
        try (StudentModel student = StudentModel.create(config(activation, output).build().newBlock(), 21)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getOutput(0).getName()).isEqualTo(output.tensorName());
            Parity.assertParity(student, onnx, 21);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "RELU, LOGITS", "GELU, EMBEDDING" })
    void trainedStudentMatchesOnnxRuntime(HiddenActivation activation, StudentOutput output) throws OrtException {
        TextCnnConfig config = config(activation, output).dropout(0.2f).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 22)) {
            List<float[]> before = Parity.parameters(student);
            Loss loss = output == StudentOutput.LOGITS ? DistillationLoss.builder().temperature(2).alpha(0.5f).build()
                    : EmbeddingDistillationLoss.mse();
            Parity.train(student, loss, 5, 23);
            List<float[]> after = Parity.parameters(student);
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).as("parameter %d after training", i).isNotEqualTo(before.get(i));
            }
            Parity.assertParity(student, StudentExporter.export(student, ExportOptions.ofDefaults()), 22);
        }
    }

    @Test
    void singleKernelWithoutHiddenLayersMatchesOnnxRuntimeWithoutConcat() throws OrtException {
        TextCnnConfig config = TextCnnConfig.builder().vocabSize(40).embeddingDim(8).filters(4).kernelSizes(16)
            .outputSize(3).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 24)) {
            Parity.train(student, DistillationLoss.builder().build(), 3, 24);
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            List<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
            assertThat(ops).doesNotContain("Concat").filteredOn("Gemm"::equals).hasSize(1);
            Parity.assertParity(student, onnx, 24);
        }
    }

    @Test
    void opset13ExportMatchesOnnxRuntimeToo() throws OrtException {
        try (StudentModel student = StudentModel.create(config(HiddenActivation.GELU, StudentOutput.LOGITS).build()
            .newBlock(), 25)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.builder().opset(13).build());
            assertThat(onnx.getOpsetImport(0).getVersion()).isEqualTo(13);
            Parity.assertParity(student, onnx, 25);
        }
    }

    @Test
    void graphHasOneConvPerKernelSizeWithRightPaddingAndTheParametersAsInitializers() {
        TextCnnConfig config = config(HiddenActivation.RELU, StudentOutput.LOGITS).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 26)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            List<NodeProto> convs = onnx.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv"))
                .toList();
            assertThat(convs).extracting(NodeProto::getName).containsExactly("conv1", "conv3", "conv5");
            for (NodeProto conv : convs) {
                long k = ints(conv, "kernel_shape").get(0);
                assertThat(ints(conv, "pads")).as(conv.getName()).containsExactly(0L, k - 1);
            }
            List<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
            assertThat(ops).doesNotContain("Dropout", "Pad").contains("Gather", "Transpose", "Concat")
                .filteredOn("ReduceMax"::equals).hasSize(4); // one per kernel size and the row factor
            Map<String, TensorProto> initializers = onnx.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
            assertThat(initializers.get("student.conv5.weight").getDimsList()).containsExactly(6L, 12L, 5L);
            assertThat(OnnxTensors.toFloats(initializers.get("student.conv5.weight")))
                .containsExactly(student.block().getParameters().get("03conv5_weight").getArray().toFloatArray());
            assertThat(initializers.get("student.conv1.bias").getDimsList()).containsExactly(6L);
            assertThat(initializers.get("student.hidden1.weight").getDimsList()).containsExactly(10L, 18L);
            Map<String, String> metadata = onnx.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
            assertThat(metadata).containsEntry("distill4j.student.architecture", "text-cnn")
                .containsEntry("distill4j.student.parameters", Long.toString(config.parameterCount()))
                .doesNotContainKey("distill4j.student.vocabulary");
            assertThat(metadata.get("distill4j.student.config")).contains("\"kernelSizes\":[1,3,5]")
                .contains("\"filters\":6");
        }
    }

    @Test
    void exportedModelIsCompatibleWithOnnxRuntimeOnCpu() {
        for (HiddenActivation activation : HiddenActivation.values()) {
            try (StudentModel student = StudentModel.create(config(activation, StudentOutput.EMBEDDING).build()
                .newBlock(), 27)) {
                CompatibilityReport report = CompatibilityChecker.check(
                        StudentExporter.export(student, ExportOptions.ofDefaults()), CompatibilityTarget.cpu());
                assertThat(report.verdict()).as(report.summary()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
                assertThat(report.issues()).isEmpty();
            }
        }
    }

    @Test
    void int8QuantizationRewritesTheTableAndDenseLayersAndLeavesConvolutionsInFloat() throws OrtException {
        TextCnnConfig config = TextCnnConfig.builder().vocabSize(2000).embeddingDim(32).filters(16).kernelSizes(2, 3, 4)
            .hiddenSizes(32).outputSize(4).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 28)) {
            Parity.train(student, DistillationLoss.builder().build(), 3, 28);
            ModelProto fp32 = StudentExporter.export(student, ExportOptions.ofDefaults());
            QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32);

            assertThat(result.skipped()).isEmpty();
            assertThat(result.quantized()).extracting(QuantizationResult.Node::opType)
                .containsExactly("Gather", "Gemm", "Gemm");
            Map<String, TensorProto> initializers = result.model().getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
            assertThat(initializers).doesNotContainKey("student.embedding").doesNotContainKey("student.hidden1.weight");
            assertThat(initializers.get("student.embedding_quantized").getDataType())
                .isEqualTo(TensorProto.DataType.UINT8.getNumber());
            for (int k : config.kernelSizes()) {
                assertThat(initializers.get("student.conv" + k + ".weight").getDataType()).as("conv%d weight", k)
                    .isEqualTo(TensorProto.DataType.FLOAT.getNumber());
            }
            assertThat(result.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .filteredOn("Conv"::equals).hasSize(3);
            assertThat(result.sizeRatio()).isLessThan(0.5);
            assertThat(CompatibilityChecker.check(result.model(), CompatibilityTarget.cpu()).verdict())
                .isEqualTo(CompatibilityVerdict.COMPATIBLE);

            Random random = new Random(29);
            int rows = 0;
            int agree = 0;
            try (OrtSession full = Parity.session(fp32); OrtSession int8 = Parity.session(result.model())) {
                for (int i = 0; i < 25; i++) {
                    Parity.Batch batch = Parity.randomBatch(random, 16, 32, config.vocabSize());
                    float[][] expected = Parity.run(full, batch);
                    float[][] actual = Parity.run(int8, batch);
                    for (int b = 0; b < expected.length; b++) {
                        rows++;
                        agree += Parity.argmax(expected[b]) == Parity.argmax(actual[b]) ? 1 : 0;
                    }
                }
            }
            assertThat((double) agree / rows).as("argmax agreement of INT8 with fp32 over %d rows", rows)
                .isGreaterThanOrEqualTo(0.95);
        }
    }

    private static List<Long> ints(NodeProto node, String attribute) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
            .map(AttributeProto::getIntsList).orElseThrow();
    }
}
