package io.distill4j.pipeline.student.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.StudentShape;
import io.distill4j.pipeline.student.TeacherEncoder;
import io.distill4j.pipeline.testing.BgeFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BGE encoders are BERT-family encoders the teacher-layers student reads: bge-small-en-v1.5 (12
 * layers) and bge-small-zh-v1.5 (Chinese vocabulary). A student holding every teacher layer, pooling the
 * {@code [CLS]} token as BGE does, computes the engine's CLS-pooled, normalized embedding; a two-layer
 * student is cut from the 12-layer teacher and keeps its CLS pooling.
 */
class BgeEncoderWeightsIT {

    @Test
    void bgeSmallEnglishIsReadAndATwoLayerStudentIsCutFromIt() {
        BertEncoderWeights teacher = BertEncoderWeights.read(BgeFiles.englishModel());

        assertThat(teacher.layers()).isEqualTo(12);
        assertThat(teacher.hiddenSize()).isEqualTo(384);
        assertThat(teacher.heads()).isEqualTo(12);
        assertThat(teacher.intermediateSize()).isEqualTo(1536);
        assertThat(teacher.vocabSize()).isEqualTo(30522);

        List<StudentShape> shapes = Architecture.shapes(StudentSpec.teacherLayers(2), 64,
                Optional.of(new TeacherEncoder(BgeFiles.englishModel(), Pooling.CLS)));
        assertThat(shapes).singleElement().satisfies(shape -> {
            assertThat(shape.label()).isEqualTo("transformer/2x384-teacher-layers-0-11");
            TransformerConfig config = (TransformerConfig) shape.factory().build(30522, 2, StudentOutput.LOGITS);
            assertThat(config.pooling()).isEqualTo(TransformerConfig.Pooling.CLS);
            try (StudentModel student = StudentModel.create(config.newBlock(), 3)) {
                shape.initializer().initialize(student, null);
                float[][] logits = student.predict(new long[][] {{101, 7592, 2088, 102}}, new long[][] {{1, 1, 1, 1}});
                assertThat(logits[0]).hasSize(2);
                assertThat(Float.isFinite(logits[0][0]) && Float.isFinite(logits[0][1])).isTrue();
            }
        });
    }

    @Test
    void aBgeSmallChineseStudentWithEveryLayerIsTheTeacher(@TempDir Path dir) throws Exception {
        List<String> texts = List.of("房间很干净，服务也很好。", "酒店太旧了，不会再来。");
        BertEncoderWeights teacher = BertEncoderWeights.read(BgeFiles.chineseModel());
        float[][] served = served(dir, texts);
        try (TextTokenizer tokenizer = TextTokenizer.open("bge-zh", BgeFiles.chineseTokenizer(), 64)) {
            int[] all = new int[teacher.layers()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            TransformerConfig config = teacher.studentConfig(teacher.layers(), teacher.intermediateSize(),
                    teacher.vocabSize(), 64, teacher.hiddenSize(), StudentOutput.EMBEDDING, TransformerConfig.Pooling.CLS);
            try (StudentModel student = StudentModel.create(config.newBlock(), 7)) {
                teacher.initialize(student, all, null);
                for (int t = 0; t < texts.size(); t++) {
                    TokenizedText tokens = tokenizer.encode(texts.get(t));
                    float[] vector = student.predict(new long[][] {tokens.ids()}, new long[][] {tokens.attentionMask()})[0];
                    double norm = 0;
                    for (float v : vector) {
                        norm += v * v;
                    }
                    for (int j = 0; j < vector.length; j++) {
                        assertThat(Math.abs(vector[j] / (float) Math.sqrt(norm) - served[t][j]))
                                .as("text %d, element %d", t, j).isLessThan(1e-4f);
                    }
                }
            }
        }
    }

    private static float[][] served(Path dir, List<String> texts) throws Exception {
        Path version = Files.createDirectories(dir.resolve("repo/bge-zh/1"));
        Files.copy(BgeFiles.chineseModel(), version.resolve("model.onnx"));
        Files.copy(BgeFiles.chineseTokenizer(), version.resolve("tokenizer.json"));
        Files.writeString(version.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "maxSequenceLength": 64,
                 "pooling": "cls", "normalize": true}
                """);
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("repo")).build())) {
            engine.load("bge-zh");
            return engine.embed("bge-zh", texts).toArray(float[][]::new);
        }
    }
}
