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
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
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
                assertThat(PairSimilarity.cosine(vectors.get(0), vectors.get(1)))
                        .isGreaterThan(PairSimilarity.cosine(vectors.get(0), vectors.get(2)));
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
