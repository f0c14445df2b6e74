package io.distill4j.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.testing.BgeFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chinese text end to end with bge-small-zh-v1.5, a CLS-pooled encoder: 24 hotel reviews of ChnSentiCorp
 * go through its tokenizer, the fitted-head teacher and a student cut from one of its layers (pooling the
 * CLS token as its teacher does), and the registered student served by the engine labels a Chinese review.
 */
class ChineseEncoderDistillationIT {

    @Test
    void aChineseReviewIsLabelledByAStudentOfACLSPooledTeacher(@TempDir Path dir) throws Exception {
        Path train = Files.createDirectories(dir.resolve("data")).resolve("reviews.csv");
        try (InputStream in = getClass().getResourceAsStream("/data/chnsenticorp-24.csv")) {
            Files.copy(in, train);
        }
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models"))
                .threads(2).maxEpochs(2).maxSequenceLength(64).build();

        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(DistillationSpec.builder().name("reviews-zh")
                    .teacher(TeacherSpec.onnxEncoder(BgeFiles.chineseModel(), BgeFiles.chineseTokenizer(), Pooling.CLS))
                    .data(DataSpec.csv(train)).student(StudentSpec.teacherLayers(1))
                    .budget(Budget.of(Duration.ofMinutes(5), 1)).register("reviews-zh").build());

            assertThat(result.registeredVersion()).hasValue(1);
        }
        Path teachers = dir.resolve("work/cache/teachers");
        try (var folders = Files.list(teachers)) {
            Path encoder = folders.filter(p -> p.getFileName().toString().startsWith("encoder-")).findFirst()
                    .orElseThrow();
            assertThat(Files.readString(encoder.resolve("1/model.json"))).contains("\"pooling\":\"cls\"");
        }
        ModelProto student = OnnxModelReader.ofDefaults().read(dir.resolve("models/reviews-zh/1/model.onnx"));
        assertThat(student.getGraph().getNodeList()).as("the student pools the CLS token")
                .anyMatch(node -> node.getName().equals("pooled") && node.getOpType().equals("Gather"));
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("models")).build())) {
            engine.load("reviews-zh");
            assertThat(engine.classify("reviews-zh", List.of("房间很干净，服务也很好，下次还会再来。"), 1).get(0).top().get(0)
                    .label()).isIn("0", "1");
        }
    }
}
