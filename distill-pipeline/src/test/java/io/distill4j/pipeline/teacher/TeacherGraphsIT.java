package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.Classification;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.text.Pooling;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** all-MiniLM-L6-v2 plus a head as one graph: the same logits as the engine's embeddings times the head. */
class TeacherGraphsIT {

    private static final List<String> TEXTS = List.of("How do I top up my card?", "My card was declined at the shop.",
            "What is the exchange rate for euros?");

    @Test
    void theCombinedGraphMatchesTheEngineEmbeddingsThroughTheHead(@TempDir Path dir) throws Exception {
        ClassificationHead head = randomHead(384, 4);
        ModelProto teacher = TeacherGraphs.encoderWithHead(OnnxModelReader.ofDefaults().read(MiniLmFiles.model()),
                Pooling.MEAN, true, head);

        // The engine's embeddings of the plain encoder, then the head in Java.
        Path version = Files.createDirectories(dir.resolve("repo/minilm/1"));
        Files.copy(MiniLmFiles.model(), version.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), version.resolve("tokenizer.json"));
        Files.writeString(version.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true}
                """);
        // The combined graph served by the engine as a classifier.
        Path classifier = Files.createDirectories(dir.resolve("repo/teacher/1"));
        OnnxModelWriter.write(teacher, classifier.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), classifier.resolve("tokenizer.json"));
        Files.writeString(classifier.resolve("model.json"), """
                {"task": "text-classification", "tokenizer": "tokenizer.json", "output": "logits",
                 "labels": ["l0", "l1", "l2", "l3"]}
                """);
        List<float[]> embeddings;
        List<Classification> served;
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("repo")).build())) {
            engine.load("minilm");
            engine.load("teacher");
            embeddings = engine.embed("minilm", TEXTS);
            served = engine.classify("teacher", TEXTS, 4);
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxModelWriter.toByteArray(teacher));
                TextTokenizer tokenizer = TextTokenizer.open("minilm", MiniLmFiles.tokenizer(), 256)) {
            for (int i = 0; i < TEXTS.size(); i++) {
                TokenizedText tokens = tokenizer.encode(TEXTS.get(i));
                float[] logits;
                try (OnnxTensor ids = OnnxTensor.createTensor(env, new long[][] {tokens.ids()});
                        OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {tokens.attentionMask()});
                        OnnxTensor types = OnnxTensor.createTensor(env, new long[][] {new long[tokens.length()]});
                        OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                                "token_type_ids", types))) {
                    logits = ((float[][]) result.get(0).getValue())[0];
                }
                float[] expected = head.logits(embeddings.get(i));
                for (int c = 0; c < expected.length; c++) {
                    assertThat(logits[c]).isCloseTo(expected[c], within(1e-4f));
                }
                int argmax = 0;
                for (int c = 1; c < logits.length; c++) {
                    argmax = logits[c] > logits[argmax] ? c : argmax;
                }
                assertThat(served.get(i).top().get(0).label()).isEqualTo("l" + argmax);
            }
        }
    }

    private static ClassificationHead randomHead(int hidden, int classes) {
        Random random = new Random(7);
        float[][] weights = new float[classes][hidden];
        float[] bias = new float[classes];
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            for (int h = 0; h < hidden; h++) {
                weights[c][h] = (float) random.nextGaussian();
            }
            bias[c] = (float) random.nextGaussian();
            labels.add("l" + c);
        }
        return new ClassificationHead(weights, bias, labels);
    }
}
