package io.distill4j.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text-embedding model of the model repository teaches a classification: a head is fitted on it with
 * the data's labels, exactly as for the same files given as an ONNX encoder, and a student cut from its
 * layers distils, registers and serves.
 */
class RepositoryEncoderTeacherIT {

    @Test
    void aRepositoryTextEmbeddingModelIsAClassificationTeacher(@TempDir Path dir) throws Exception {
        Path minilm = Files.createDirectories(dir.resolve("models/minilm/1"));
        Files.copy(MiniLmFiles.model(), minilm.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), minilm.resolve("tokenizer.json"));
        Files.writeString(minilm.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true}
                """);
        Path train = TopicData.write(dir.resolve("data/train.csv"), 12, 1);
        Path test = TopicData.write(dir.resolve("data/test.csv"), 4, 2);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models"))
                .threads(2).maxEpochs(2).build();

        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(DistillationSpec.builder().name("topics-from-repository")
                    .teacher(TeacherSpec.repositoryModel("minilm")).data(DataSpec.csv(train).test(test))
                    .student(StudentSpec.teacherLayers(1)).budget(Budget.of(Duration.ofMinutes(5), 1))
                    .register("topics-cut").build());

            assertThat(result.teacherCacheHit()).isFalse();
            assertThat(result.teacher().metric()).isGreaterThan(0.8);
            assertThat(result.registeredVersion()).hasValue(1);
        }
        try (var fitted = Files.list(dir.resolve("work/cache/teachers"))) {
            assertThat(fitted.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("fitted-"));
        }
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("models")).build())) {
            engine.load("topics-cut");
            assertThat(engine.classify("topics-cut", List.of("my card was declined"), 1).get(0).top().get(0).label())
                    .isIn("card", "transfer", "exchange");
        }
    }
}
