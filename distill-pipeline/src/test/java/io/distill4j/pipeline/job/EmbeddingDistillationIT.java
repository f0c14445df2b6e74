package io.distill4j.pipeline.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.distill4j.api.TaskType;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.similarity.Similarity;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The embedding task end to end on real parts: all-MiniLM-L6-v2's pooled vectors as the targets, a
 * training file of pairs and single texts, scored validation and test pairs (Spearman), the auto-tuner
 * on cosine distillation, export, INT8 behind the cosine gate, registration as a text-embedding model,
 * and the engine serving it.
 */
class EmbeddingDistillationIT {

    @Test
    void distilsMiniLmEmbeddingsIntoAServedTextEmbeddingStudent(@TempDir Path dir) throws Exception {
        Path train = TopicData.writePairs(dir.resolve("data/train.csv"), 150, 1);
        Path validation = TopicData.writePairs(dir.resolve("data/dev.csv"), 40, 2);
        Path test = TopicData.writePairs(dir.resolve("data/test.csv"), 60, 3);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models"))
                .threads(2).maxEpochs(3).build();
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(DistillationSpec.builder()
                    .name("topic-vectors")
                    .task(DistillationTask.TEXT_EMBEDDING)
                    .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                    .data(DataSpec.csv(train).validation(validation).test(test).textPairColumn("pair")
                            .labelColumn("score"))
                    .budget(Budget.of(Duration.ofMinutes(10), 4))
                    .register("topic-vectors")
                    .build());

            assertThat(result.task()).isEqualTo(DistillationTask.TEXT_EMBEDDING);
            assertThat(result.metric()).isEqualTo("spearman");
            // Same-topic pairs score 4-5 and others 0-1, at random within each band: MiniLM separates the bands
            // (about 0.57 here), a student trained on its vectors for three epochs learns some of that.
            assertThat(result.teacher().metric()).isGreaterThan(0.4);
            assertThat(result.studentFp32().metric()).isGreaterThan(0.2);
            assertThat(result.studentInt8().metric()).isCloseTo(result.studentFp32().metric(), within(0.1));
            assertThat(result.trials()).isEqualTo(4);
            assertThat(result.hyperParameters()).containsEntry("alpha", "1.0").containsKey("learningRate");
            assertThat(result.registeredVersion()).hasValue(1);

            try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                    .modelRepository(dir.resolve("models")).build())) {
                engine.load("topic-vectors");
                assertThat(engine.describe("topic-vectors").task()).isEqualTo(TaskType.TEXT_EMBEDDING);
                List<float[]> vectors = engine.embed("topic-vectors", List.of("my card was declined, Thanks.",
                        "Hello, my debit card stopped working", "what exchange rate do you use"));
                assertThat(vectors).allSatisfy(v -> assertThat(v).hasSize(384));
                // Registered with normalization, like the teacher.
                assertThat(norm(vectors.get(0))).isCloseTo(1.0, within(1e-4));
                assertThat(Similarity.cosine(vectors.get(0), vectors.get(1)))
                        .isGreaterThan(Similarity.cosine(vectors.get(0), vectors.get(2)));
            }
        }
    }

    @Test
    void aStudentCutFromTheTeachersLayersStartsFarAheadOfRandomWeights(@TempDir Path dir) throws Exception {
        Path train = TopicData.writePairs(dir.resolve("data/train.csv"), 60, 1);
        Path validation = TopicData.writePairs(dir.resolve("data/dev.csv"), 40, 2);
        Path test = TopicData.writePairs(dir.resolve("data/test.csv"), 60, 3);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models"))
                .threads(2).maxEpochs(1).build();
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationSpec.Builder spec = DistillationSpec.builder()
                    .task(DistillationTask.TEXT_EMBEDDING)
                    .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                    .data(DataSpec.csv(train).validation(validation).test(test).textPairColumn("pair")
                            .labelColumn("score"));
            // The teacher as a repository model: its newest version's file gives the layers.
            Path minilm = java.nio.file.Files.createDirectories(dir.resolve("models/minilm/1"));
            java.nio.file.Files.copy(MiniLmFiles.model(), minilm.resolve("model.onnx"));
            java.nio.file.Files.copy(MiniLmFiles.tokenizer(), minilm.resolve("tokenizer.json"));
            java.nio.file.Files.writeString(minilm.resolve("model.json"), """
                    {"task": "text-embedding", "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true}
                    """);
            DistillationResult cut = distiller.distill(spec.name("cut-minilm").teacher(TeacherSpec.repositoryModel("minilm"))
                    .student(StudentSpec.teacherLayers(2)).register("cut-minilm").build());
            // The same shape and training from random weights: what the teacher's layers are worth.
            DistillationResult random = distiller.distill(spec.name("random-minilm-shape")
                    .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                    .student(StudentSpec.transformer(2, 384, 12, 1536).pruneVocabulary(false)
                            .training(StudentSpec.Training.of(1e-4f, 1f, 1f)))
                    .register("random-minilm-shape").build());

            assertThat(cut.hyperParameters()).containsEntry("student", "transformer/2x384-teacher-layers-0-5")
                    .containsEntry("teacherLayers", "0,5").containsEntry("learningRate", "1.0E-4");
            // One short epoch on 120 texts: the cut teacher keeps much of MiniLM's 0.57, random weights do not.
            assertThat(cut.studentFp32().metric()).isGreaterThan(0.3)
                    .isGreaterThan(random.studentFp32().metric() + 0.15);
            assertThat(cut.studentInt8().metric()).isCloseTo(cut.studentFp32().metric(), within(0.05));
            assertThat(cut.studentFp32().parameters()).isLessThan(cut.teacher().parameters());
            try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                    .modelRepository(dir.resolve("models")).build())) {
                engine.load("cut-minilm");
                assertThat(engine.embed("cut-minilm", List.of("my card was declined"))).singleElement()
                        .satisfies(v -> assertThat(norm(v)).isCloseTo(1.0, within(1e-4)));
            }
        }
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }
}
