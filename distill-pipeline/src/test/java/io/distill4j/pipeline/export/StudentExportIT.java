package io.distill4j.pipeline.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.Classification;
import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.ScoredLabel;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Exported students with the all-MiniLM-L6-v2 tokenizer's vocabulary (30522 ids), served by the engine
 * from a model repository: it loads them (the operator-compatibility check included) as a
 * {@code text-classification} and a {@code text-embedding} model, and its answers for real texts, padded
 * to the longest in the batch, are the DJL student's.
 */
class StudentExportIT {

    private static final List<String> TEXTS = List.of("How do I top up my card?", "My card was declined at the shop.",
            "What is the exchange rate for euros?", "ok");

    private static final List<String> LABELS = List.of("top_up", "declined", "exchange_rate");

    @Test
    void engineServesTheExportedStudentsWithTheStudentsOutputs(@TempDir Path dir) throws Exception {
        BagOfEmbeddingsConfig classifier = BagOfEmbeddingsConfig.builder().vocabSize(30522).embeddingDim(32).hiddenSizes(64)
            .outputSize(LABELS.size()).activation(HiddenActivation.GELU).build();
        BagOfEmbeddingsConfig embedder = BagOfEmbeddingsConfig.builder().vocabSize(30522).embeddingDim(32).hiddenSizes(48)
            .outputSize(24).output(StudentOutput.EMBEDDING).build();
        try (StudentModel classifierStudent = StudentModel.create(classifier.newBlock(), 21);
                StudentModel embedderStudent = StudentModel.create(embedder.newBlock(), 22);
                TextTokenizer tokenizer = TextTokenizer.open("student", MiniLmFiles.tokenizer(), 128)) {
            Path classifierVersion = Files.createDirectories(dir.resolve("repo/classifier/1"));
            StudentExporter.write(classifierStudent, ExportOptions.builder().labels(LABELS).jobId("it").build(),
                    classifierVersion.resolve("model.onnx"));
            Files.copy(MiniLmFiles.tokenizer(), classifierVersion.resolve("tokenizer.json"));
            Files.writeString(classifierVersion.resolve("model.json"), """
                    {"task": "text-classification", "tokenizer": "tokenizer.json", "maxSequenceLength": 128,
                     "output": "logits", "labels": ["top_up", "declined", "exchange_rate"],
                     "inputs": [{"name": "input_ids", "type": "INT64", "shape": [-1, -1]},
                                {"name": "attention_mask", "type": "INT64", "shape": [-1, -1]}],
                     "outputs": [{"name": "logits", "type": "FLOAT32", "shape": [-1, 3]}]}
                    """);
            Path embedderVersion = Files.createDirectories(dir.resolve("repo/embedder/1"));
            StudentExporter.write(embedderStudent, ExportOptions.ofDefaults(), embedderVersion.resolve("model.onnx"));
            Files.copy(MiniLmFiles.tokenizer(), embedderVersion.resolve("tokenizer.json"));
            Files.writeString(embedderVersion.resolve("model.json"), """
                    {"task": "text-embedding", "tokenizer": "tokenizer.json", "maxSequenceLength": 128,
                     "output": "embedding", "normalize": false}
                    """);

            List<Classification> classified;
            List<float[]> embedded;
            try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("repo")).build())) {
                engine.load("classifier");
                engine.load("embedder");
                for (String name : List.of("classifier", "embedder")) {
                    assertThat(engine.compatibility(name)).get().extracting(CompatibilityReport::verdict)
                        .isEqualTo(CompatibilityVerdict.COMPATIBLE);
                }
                classified = engine.classify("classifier", TEXTS, LABELS.size());
                embedded = engine.embed("embedder", TEXTS);
            }

            for (int i = 0; i < TEXTS.size(); i++) {
                TokenizedText tokens = tokenizer.encode(TEXTS.get(i));
                assertThat(java.util.Arrays.stream(tokens.ids()).max().getAsLong()).isLessThan(30522).isGreaterThan(1000);
                float[] logits = classifierStudent.predict(new long[][] { tokens.ids() },
                        new long[][] { tokens.attentionMask() })[0];
                float[] probabilities = softmax(logits);
                assertThat(classified.get(i).best().label()).as(TEXTS.get(i))
                    .isEqualTo(LABELS.get(Parity.argmax(logits)));
                for (ScoredLabel scored : classified.get(i).top()) {
                    assertThat(scored.label()).isEqualTo(LABELS.get(scored.index()));
                    assertThat(scored.probability()).isCloseTo(probabilities[scored.index()], within(1e-4f));
                }
                float[] embedding = embedderStudent.predict(new long[][] { tokens.ids() },
                        new long[][] { tokens.attentionMask() })[0];
                assertThat(embedded.get(i)).containsExactly(embedding, within(Parity.TOLERANCE));
            }
        }
    }

    private static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= (float) sum;
        }
        return out;
    }
}
