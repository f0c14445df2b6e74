package io.distill4j.pipeline.student.bag;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import ai.djl.training.loss.Loss;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.Parity;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.EmbeddingDistillationLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Parity of the bag-of-embeddings student: DJL's {@code StudentModel.predict} and ONNX Runtime on the
 * exported graph, on the same batches (one token to 16 x 40, random padding with random ids under it, a
 * row that is all padding), agree within 1e-4 with the same argmax in every row.
 */
class BagOfEmbeddingsExportTests {

    private static BagOfEmbeddingsConfig.Builder config(HiddenActivation activation, StudentOutput output) {
        return BagOfEmbeddingsConfig.builder().vocabSize(64).embeddingDim(16).hiddenSizes(24, 12)
            .outputSize(output == StudentOutput.LOGITS ? 5 : 10).output(output).activation(activation);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "RELU, LOGITS", "GELU, LOGITS", "RELU, EMBEDDING", "GELU, EMBEDDING" })
    void freshStudentMatchesOnnxRuntime(HiddenActivation activation, StudentOutput output) throws OrtException {
        try (StudentModel student = StudentModel.create(config(activation, output).build().newBlock(), 11)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getOutput(0).getName()).isEqualTo(output.tensorName());
            Parity.assertParity(student, onnx, 1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "GELU, LOGITS", "RELU, LOGITS", "GELU, EMBEDDING", "RELU, EMBEDDING" })
    void trainedStudentMatchesOnnxRuntime(HiddenActivation activation, StudentOutput output) throws OrtException {
        BagOfEmbeddingsConfig config = config(activation, output).dropout(0.2f).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 12)) {
            List<float[]> before = Parity.parameters(student);
            Loss loss = output == StudentOutput.LOGITS ? DistillationLoss.builder().temperature(2).alpha(0.5f).build()
                    : EmbeddingDistillationLoss.mse();
            Parity.train(student, loss, 5, 3);
            List<float[]> after = Parity.parameters(student);
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).as("parameter %d after training", i).isNotEqualTo(before.get(i));
            }
            Parity.assertParity(student, StudentExporter.export(student, ExportOptions.ofDefaults()), 2);
        }
    }

    @Test
    void studentWithoutHiddenLayersMatchesOnnxRuntime() throws OrtException {
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(40).embeddingDim(8).outputSize(3).build();
        try (StudentModel student = StudentModel.create(config.newBlock(), 13)) {
            Parity.train(student, DistillationLoss.builder().build(), 3, 4);
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Gemm")).hasSize(1);
            Parity.assertParity(student, onnx, 3);
        }
    }

    @Test
    void opset13ExportMatchesOnnxRuntimeToo() throws OrtException {
        try (StudentModel student = StudentModel.create(config(HiddenActivation.GELU, StudentOutput.LOGITS).build()
            .newBlock(), 14)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.builder().opset(13).build());
            assertThat(onnx.getOpsetImport(0).getVersion()).isEqualTo(13);
            Parity.assertParity(student, onnx, 4);
        }
    }

    @Test
    void vocabularyRemapLooksUpTheRowOfEachTokenizerId() throws OrtException {
        // The extension point for vocabulary pruning: the graph takes tokenizer ids and maps them to rows.
        BagOfEmbeddingsConfig config = config(HiddenActivation.RELU, StudentOutput.LOGITS).build();
        Random random = new Random(5);
        long[] remap = new long[500];
        for (int i = 0; i < remap.length; i++) {
            remap[i] = random.nextInt(config.vocabSize());
        }
        try (StudentModel student = StudentModel.create(config.newBlock(), 15)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.builder().vocabularyRemap(remap).build());
            assertThat(onnx.getGraph().getNode(0).getOpType()).isEqualTo("Gather");
            try (var session = Parity.session(onnx)) {
                Parity.Batch batch = Parity.randomBatch(random, 6, 12, remap.length);
                long[][] rows = new long[6][12];
                for (int b = 0; b < 6; b++) {
                    for (int t = 0; t < 12; t++) {
                        rows[b][t] = remap[(int) batch.ids()[b][t]];
                    }
                }
                float[][] djl = student.predict(rows, batch.mask());
                float[][] ort = Parity.run(session, batch);
                for (int b = 0; b < 6; b++) {
                    assertThat(ort[b]).containsExactly(djl[b], within(Parity.TOLERANCE));
                }
            }
        }
    }

    @Test
    void geluIsWrittenInTheFormOnnxRuntimeFusesIntoOneKernel(@TempDir Path dir) throws Exception {
        // Opset 17 has no Gelu operator; the erf form must be the pattern ONNX Runtime's optimizer recognises.
        try (StudentModel student = StudentModel.create(config(HiddenActivation.GELU, StudentOutput.LOGITS).build()
            .newBlock(), 16)) {
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getNodeList()).extracting(NodeProto::getOpType).filteredOn("Erf"::equals).hasSize(2);
            Path optimized = dir.resolve("optimized.onnx");
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
                options.setOptimizedModelFilePath(optimized.toString());
                OrtEnvironment.getEnvironment().createSession(onnx.toByteArray(), options).close();
            }
            List<String> ops = OnnxModelReader.ofDefaults().read(optimized).getGraph().getNodeList().stream()
                .map(n -> (n.getDomain().isEmpty() ? "" : n.getDomain() + ":") + n.getOpType()).toList();
            assertThat(ops).doesNotContain("Erf").filteredOn("com.microsoft:Gelu"::equals).hasSize(2);
        }
    }
}
