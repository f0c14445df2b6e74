package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.distill.Pooling;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encoder installed into the teacher repository pools as it was installed: with {@code cls} the
 * engine's vector of a text is the first token's row of the encoder's {@code last_hidden_state}, with
 * {@code mean} the mean of the rows where the attention mask is 1, both computed here from the raw
 * ONNX Runtime output of all-MiniLM-L6-v2.
 */
class EncoderPoolingIT {

    private static final List<String> TEXTS = List.of("My card was declined at the supermarket.",
            "How long does a transfer take?");

    @Test
    void theInstalledManifestsPoolingDecidesTheEnginesVectors(@TempDir Path dir) throws Exception {
        Path repository = dir.resolve("teachers");
        String cls = TeacherFolders.installEncoder(repository, MiniLmFiles.model(), MiniLmFiles.tokenizer(),
                Pooling.CLS, false, 128, "job-1");
        String mean = TeacherFolders.installEncoder(repository, MiniLmFiles.model(), MiniLmFiles.tokenizer(),
                Pooling.MEAN, false, 128, "job-1");
        assertThat(cls).isNotEqualTo(mean);
        assertThat(Files.readString(repository.resolve(cls).resolve("1/model.json"))).contains("\"pooling\":\"cls\"");

        List<float[]> clsVectors;
        List<float[]> meanVectors;
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .build())) {
            engine.load(cls);
            engine.load(mean);
            clsVectors = engine.embed(cls, TEXTS);
            meanVectors = engine.embed(mean, TEXTS);
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(MiniLmFiles.model().toString());
                TextTokenizer tokenizer = TextTokenizer.open("minilm", MiniLmFiles.tokenizer(), 128)) {
            for (int t = 0; t < TEXTS.size(); t++) {
                TokenizedText tokens = tokenizer.encode(TEXTS.get(t));
                float[][] hidden;
                try (OnnxTensor ids = OnnxTensor.createTensor(env, new long[][] {tokens.ids()});
                        OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {tokens.attentionMask()});
                        OnnxTensor types = OnnxTensor.createTensor(env, new long[][] {new long[tokens.length()]});
                        OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                                "token_type_ids", types))) {
                    hidden = ((float[][][]) result.get("last_hidden_state").orElseThrow().getValue())[0];
                }
                float[] expectedMean = new float[hidden[0].length];
                int count = 0;
                for (int i = 0; i < hidden.length; i++) {
                    if (tokens.attentionMask()[i] == 1) {
                        count++;
                        for (int j = 0; j < expectedMean.length; j++) {
                            expectedMean[j] += hidden[i][j];
                        }
                    }
                }
                for (int j = 0; j < expectedMean.length; j++) {
                    expectedMean[j] /= count;
                }
                assertClose(clsVectors.get(t), hidden[0]);
                assertClose(meanVectors.get(t), expectedMean);
            }
        }
        assertThat(clsVectors.get(0)).isNotEqualTo(meanVectors.get(0));
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int j = 0; j < expected.length; j++) {
            assertThat(Math.abs(actual[j] - expected[j])).as("element %d", j).isLessThan(1e-4f);
        }
    }
}
