package io.distill4j.pipeline.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentBlock;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.train.DistillationLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exported model's interface, provenance, compatibility and quantization, and the exporter's errors. */
class StudentExporterTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final BagOfEmbeddingsConfig CLASSIFIER = BagOfEmbeddingsConfig.builder().vocabSize(100)
        .embeddingDim(16).hiddenSizes(32).outputSize(3).activation(HiddenActivation.GELU).dropout(0.1f).build();

    @Test
    void graphHasTheStudentInterfaceWithNamedDynamicDimensions() {
        try (StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 1)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getIrVersion()).isEqualTo(OnnxModelBuilder.DEFAULT_IR_VERSION);
            assertThat(onnx.getOpsetImportList()).singleElement()
                .satisfies(o -> assertThat(o.getDomain()).isEmpty())
                .satisfies(o -> assertThat(o.getVersion()).isEqualTo(ExportOptions.DEFAULT_OPSET).isEqualTo(17));
            assertThat(onnx.getProducerName()).isEqualTo("distill4j");
            assertThat(onnx.getGraph().getInputList()).extracting(ValueInfoProto::getName)
                .containsExactly("input_ids", "attention_mask");
            for (ValueInfoProto input : onnx.getGraph().getInputList()) {
                assertThat(input.getType().getTensorType().getElemType()).isEqualTo(TensorProto.DataType.INT64.getNumber());
                assertThat(input.getType().getTensorType().getShape().getDimList())
                    .extracting(TensorShapeProto.Dimension::getDimParam).containsExactly("batch", "sequence");
            }
            ValueInfoProto output = onnx.getGraph().getOutput(0);
            assertThat(onnx.getGraph().getOutputCount()).isEqualTo(1);
            assertThat(output.getName()).isEqualTo("logits");
            assertThat(output.getType().getTensorType().getElemType()).isEqualTo(TensorProto.DataType.FLOAT.getNumber());
            assertThat(output.getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
            assertThat(output.getType().getTensorType().getShape().getDim(1).getDimValue()).isEqualTo(3);
            // Inference graph: no dropout; exact GELU through Erf; dense layers as Gemm with transB.
            List<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
            assertThat(ops).doesNotContain("Dropout").contains("Erf", "Gather").filteredOn("Gemm"::equals).hasSize(2);
            assertThat(onnx.getGraph().getInitializerList()).extracting(TensorProto::getName)
                .contains("student.embedding", "student.hidden1.weight", "student.hidden1.bias", "student.output.weight",
                        "student.output.bias");
        }
    }

    @Test
    void initializersHoldTheTrainedParametersBitForBit() {
        try (StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 2)) {
            Parity.train(student, DistillationLoss.builder().build(), 2, 9);
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            Map<String, TensorProto> initializers = onnx.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
            var parameters = student.block().getParameters();
            assertThat(floats(initializers.get("student.embedding")))
                .containsExactly(parameters.get("embedding").getArray().toFloatArray());
            assertThat(floats(initializers.get("student.hidden1.weight")))
                .containsExactly(parameters.get("01hidden1_weight").getArray().toFloatArray());
            assertThat(initializers.get("student.hidden1.weight").getDimsList()).containsExactly(32L, 16L);
            assertThat(floats(initializers.get("student.output.bias")))
                .containsExactly(parameters.get("02output_bias").getArray().toFloatArray());
        }
    }

    @Test
    void metadataCarriesTheStudentsProvenanceAndTheOptions() throws Exception {
        ExportOptions options = ExportOptions.builder().teacherHash("ab12cd").jobId("job-7")
            .labels(List.of("negative", "neutral", "positive")).metadata("distill4j.training.seed", "42").build();
        try (StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 3)) {
            ModelProto onnx = StudentExporter.export(student, options);
            Map<String, String> metadata = onnx.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
            assertThat(metadata).containsEntry("distill4j.student.architecture", "bag-of-embeddings")
                .containsEntry("distill4j.student.parameters", Long.toString(CLASSIFIER.parameterCount()))
                .containsEntry("distill4j.teacher.hash", "ab12cd")
                .containsEntry("distill4j.job.id", "job-7")
                .containsEntry("distill4j.training.seed", "42");
            assertThat(metadata.get("distill4j.student.framework")).startsWith("DJL 0.35").contains("PyTorch 2.");
            assertThat(MAPPER.readValue(metadata.get("distill4j.labels"), List.class))
                .containsExactly("negative", "neutral", "positive");
            JsonNode config = MAPPER.readTree(metadata.get("distill4j.student.config"));
            assertThat(config.get("architecture").asString()).isEqualTo("bag-of-embeddings");
            assertThat(config.get("vocabSize").asInt()).isEqualTo(100);
            assertThat(config.get("embeddingDim").asInt()).isEqualTo(16);
            assertThat(config.get("hiddenSizes").get(0).asInt()).isEqualTo(32);
            assertThat(config.get("outputSize").asInt()).isEqualTo(3);
            assertThat(config.get("output").asString()).isEqualTo("LOGITS");
            assertThat(config.get("activation").asString()).isEqualTo("GELU");
            assertThat(config.get("dropout").floatValue()).isEqualTo(0.1f);
            assertThat(config.propertyNames()).hasSize(8);
        }
    }

    @Test
    void exportedModelIsCompatibleWithOnnxRuntimeOnCpu() {
        for (HiddenActivation activation : HiddenActivation.values()) {
            BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(50).embeddingDim(8).hiddenSizes(8, 8)
                .outputSize(4).output(StudentOutput.EMBEDDING).activation(activation).build();
            try (StudentModel student = StudentModel.create(config.newBlock(), 4)) {
                CompatibilityReport report = CompatibilityChecker.check(
                        StudentExporter.export(student, ExportOptions.ofDefaults()), CompatibilityTarget.cpu());
                assertThat(report.verdict()).as(report.summary()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
                assertThat(report.issues()).isEmpty();
            }
        }
    }

    @Test
    void int8QuantizedStudentAgreesWithFp32AndItsTableIsQuantized() throws OrtException {
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(2000).embeddingDim(32).hiddenSizes(64)
            .outputSize(4).activation(HiddenActivation.GELU).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 5)) {
            Parity.train(student, DistillationLoss.builder().build(), 3, 10);
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
            assertThat(result.sizeRatio()).isLessThan(0.35);
            assertThat(CompatibilityChecker.check(result.model(), CompatibilityTarget.cpu()).verdict())
                .isEqualTo(CompatibilityVerdict.COMPATIBLE);

            Random random = new Random(6);
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

    @Test
    void writeStoresTheExportedModelAtomically(@TempDir Path dir) throws Exception {
        try (StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 6)) {
            Path file = dir.resolve("model.onnx");
            ModelProto written = StudentExporter.write(student, ExportOptions.ofDefaults(), file);
            assertThat(OnnxModelReader.ofDefaults().read(file)).isEqualTo(written);
            assertThat(Files.list(dir)).containsExactly(file);
        }
    }

    @Test
    void closedStudentCannotBeExported() {
        StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 7);
        student.close();
        assertThatIllegalStateException().isThrownBy(() -> StudentExporter.export(student, ExportOptions.ofDefaults()))
            .withMessageContaining("closed");
    }

    @Test
    void labelsMustFitALogitsStudent() {
        try (StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 8)) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> StudentExporter.export(student, ExportOptions.builder().labels(List.of("a", "b")).build()))
                .withMessage("labels has 2 entries but the student has 3 classes (outputSize)");
        }
        BagOfEmbeddingsConfig embedding = BagOfEmbeddingsConfig.builder().vocabSize(10).embeddingDim(4).outputSize(3)
            .output(StudentOutput.EMBEDDING).build();
        try (StudentModel student = StudentModel.create(embedding.newBlock(), 8)) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> StudentExporter.export(student,
                        ExportOptions.builder().labels(List.of("a", "b", "c")).build()))
                .withMessageContaining("output is EMBEDDING, not LOGITS");
        }
    }

    @Test
    void vocabularyRemapMustPointAtRowsOfTheTable() {
        try (StudentModel student = StudentModel.create(CLASSIFIER.newBlock(), 9)) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> StudentExporter.export(student,
                        ExportOptions.builder().vocabularyRemap(new long[] { 0, 100 }).build()))
                .withMessage("vocabularyRemap[1] must be a row of the embedding table, 0..99, was 100");
        }
    }

    @Test
    void anArchitectureWithoutAGraphWriterIsRefusedByName() {
        try (StudentModel student = StudentModel.create(new UnknownStudent(), 10)) {
            assertThatThrownBy(() -> StudentExporter.export(student, ExportOptions.builder().jobId("job-9").build()))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("No ONNX export for the student architecture 'unknown'")
                .hasMessageContaining("bag-of-embeddings, text-cnn")
                .satisfies(ex -> assertThat(((DistillationException) ex).subject()).contains("job-9"));
        }
    }

    private static float[] floats(TensorProto tensor) {
        return io.distill4j.engine.onnx.graph.OnnxTensors.toFloats(tensor);
    }

    /** A student architecture the exporter does not know. */
    private static final class UnknownStudent extends StudentBlock {

        UnknownStudent() {
            super((byte) 1);
        }

        @Override
        public StudentConfig config() {
            return new StudentConfig() {
                @Override
                public String architecture() {
                    return "unknown";
                }

                @Override
                public StudentHead head() {
                    return new StudentHead(10, 2, StudentOutput.LOGITS, HiddenActivation.RELU, 0f);
                }

                @Override
                public long parameterCount() {
                    return 0;
                }

                @Override
                public StudentBlock newBlock() {
                    return new UnknownStudent();
                }
            };
        }

        @Override
        protected NDArray forward(ParameterStore parameterStore, NDArray inputIds, NDArray attentionMask,
                boolean training) {
            return inputIds.getManager().zeros(new ai.djl.ndarray.types.Shape(inputIds.getShape().get(0), 2));
        }
    }
}
