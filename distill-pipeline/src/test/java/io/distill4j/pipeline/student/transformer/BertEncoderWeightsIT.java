package io.distill4j.pipeline.student.transformer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.vocab.VocabularyPruning;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Reads all-MiniLM-L6-v2's weights and proves the mapping by arithmetic: a six-layer student started
 * from all six teacher layers computes the teacher's own embedding (the engine's, mean-pooled and
 * normalized) to float precision, with and without vocabulary pruning.
 */
class BertEncoderWeightsIT {

    private static final List<String> TEXTS = List.of("How do I reset my card PIN?",
            "A man is playing a guitar on the street.", "Transfers abroad take up to three working days.");

    private static BertEncoderWeights teacher;

    @BeforeAll
    static void read() {
        teacher = BertEncoderWeights.read(MiniLmFiles.model());
    }

    @Test
    void theShapeIsReadFromTheGraph() {
        assertThat(teacher.layers()).isEqualTo(6);
        assertThat(teacher.hiddenSize()).isEqualTo(384);
        assertThat(teacher.heads()).isEqualTo(12);
        assertThat(teacher.intermediateSize()).isEqualTo(1536);
        assertThat(teacher.vocabSize()).isEqualTo(30522);
        assertThat(teacher.maxPositions()).isEqualTo(512);
        assertThat(teacher.layerNormEpsilon()).isEqualTo(1e-12f);
    }

    @Test
    void aStudentWithEveryTeacherLayerIsTheTeacher(@TempDir Path dir) throws Exception {
        float[][] served = teacherEmbeddings(dir);
        try (TextTokenizer tokenizer = TextTokenizer.open("minilm", MiniLmFiles.tokenizer(), 128)) {
            long[][][] batch = batch(tokenizer);
            TransformerConfig config = teacher.studentConfig(6, teacher.vocabSize(), 128, 384, StudentOutput.EMBEDDING);
            try (StudentModel student = StudentModel.create(config.newBlock(), 7)) {
                teacher.initialize(student, new int[] {0, 1, 2, 3, 4, 5}, null);
                assertClose(normalize(student.predict(batch[0], batch[1])), served);
            }

            // Pruned to the tokens of these texts: the same vectors from a 30-odd-row table.
            VocabularyPruning pruning = VocabularyPruning.fitBert(batch[0], teacher.vocabSize());
            TransformerConfig pruned = teacher.studentConfig(6, pruning.prunedVocabSize(), 128, 384,
                    StudentOutput.EMBEDDING);
            try (StudentModel student = StudentModel.create(pruned.newBlock(), 7)) {
                teacher.initialize(student, new int[] {0, 1, 2, 3, 4, 5}, pruning.keptIds());
                assertThat(student.parameterCount()).isLessThan(config.parameterCount() - 11_000_000);
                assertClose(normalize(student.predict(pruning.apply(batch[0]), batch[1])), served);
            }
        }
    }

    @Test
    void fewerLayersGiveADifferentButRelatedEmbedding(@TempDir Path dir) throws Exception {
        float[][] served = teacherEmbeddings(dir);
        try (TextTokenizer tokenizer = TextTokenizer.open("minilm", MiniLmFiles.tokenizer(), 128)) {
            long[][][] batch = batch(tokenizer);
            TransformerConfig config = teacher.studentConfig(2, teacher.vocabSize(), 128, 384, StudentOutput.EMBEDDING);
            try (StudentModel student = StudentModel.create(config.newBlock(), 7)) {
                teacher.initialize(student, BertEncoderWeights.spreadLayers(2, 6), null);
                float[][] vectors = normalize(student.predict(batch[0], batch[1]));
                for (int i = 0; i < vectors.length; i++) {
                    double cosine = dot(vectors[i], served[i]);
                    assertThat(cosine).isBetween(0.3, 0.9999);
                }
            }
        }
    }

    @Test
    void narrowerFeedForwardBlocksKeepTheStrongestUnits(@TempDir Path dir) throws Exception {
        float[][] served = teacherEmbeddings(dir);
        try (TextTokenizer tokenizer = TextTokenizer.open("minilm", MiniLmFiles.tokenizer(), 128)) {
            long[][][] batch = batch(tokenizer);
            double[] meanCosine = new double[2];
            int[] widths = {1400, 64};
            for (int w = 0; w < widths.length; w++) {
                TransformerConfig config = teacher.studentConfig(6, widths[w], teacher.vocabSize(), 128, 384,
                        StudentOutput.EMBEDDING, TransformerConfig.Pooling.MEAN);
                try (StudentModel student = StudentModel.create(config.newBlock(), 7)) {
                    teacher.initialize(student, new int[] {0, 1, 2, 3, 4, 5}, null);
                    float[][] vectors = normalize(student.predict(batch[0], batch[1]));
                    for (int i = 0; i < vectors.length; i++) {
                        meanCosine[w] += dot(vectors[i], served[i]) / vectors.length;
                    }
                }
            }
            // Dropping the weakest 9 % of the units barely moves the embedding; keeping 4 % of them does.
            assertThat(meanCosine[0]).isGreaterThan(0.95);
            assertThat(meanCosine[1]).isLessThan(meanCosine[0]);
        }
    }

    @Test
    void layersAreSpreadEvenlyFromTheFirstToTheLast() {
        assertThat(BertEncoderWeights.spreadLayers(2, 6)).containsExactly(0, 5);
        assertThat(BertEncoderWeights.spreadLayers(3, 6)).containsExactly(0, 3, 5);
        assertThat(BertEncoderWeights.spreadLayers(4, 12)).containsExactly(0, 4, 7, 11);
        assertThat(BertEncoderWeights.spreadLayers(6, 6)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(BertEncoderWeights.spreadLayers(1, 12)).containsExactly(11);
        assertThatIllegalArgumentException().isThrownBy(() -> BertEncoderWeights.spreadLayers(7, 6))
            .withMessageContaining("between 1 and the teacher's 6, was 7");
    }

    @Test
    void aMismatchedStudentIsRefused() {
        TransformerConfig narrow = TransformerConfig.builder().vocabSize(teacher.vocabSize()).maxPositions(16)
            .hiddenSize(128).layers(2).heads(4).intermediateSize(256).outputSize(384).build();
        try (StudentModel student = StudentModel.create(narrow.newBlock(), 7)) {
            assertThatIllegalArgumentException().isThrownBy(() -> teacher.initialize(student, new int[] {2, 5}, null))
                .withMessageContaining("hidden 128").withMessageContaining("must have the teacher's shape (hidden 384");
        }
        assertThatIllegalArgumentException()
            .isThrownBy(() -> teacher.studentConfig(2, 2048, 10, 16, 384, StudentOutput.EMBEDDING,
                    TransformerConfig.Pooling.MEAN))
            .withMessageContaining("intermediateSize must be between 1 and the teacher's 1536, was 2048");
        TransformerConfig config = teacher.studentConfig(2, 10, 16, 384, StudentOutput.EMBEDDING);
        try (StudentModel student = StudentModel.create(config.newBlock(), 7)) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> teacher.initialize(student, new int[] {2, 6}, new long[10]))
                .withMessageContaining("teacher layer 6 is out of range 0..5");
            assertThatIllegalArgumentException()
                .isThrownBy(() -> teacher.initialize(student, new int[] {2, 5}, new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8,
                    40_000}))
                .withMessageContaining("kept token id 40000 is out of the teacher's vocabulary 0..30521");
        }
        assertThatIllegalArgumentException()
            .isThrownBy(() -> teacher.studentConfig(2, 10, 1024, 384, StudentOutput.EMBEDDING))
            .withMessageContaining("maxPositions must be at most the teacher's 512, was 1024");
    }

    @Test
    void aFileThatIsNotABertEncoderIsRefusedByName(@TempDir Path dir) throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {1, 2, 3, 4, 5});
        assertThatExceptionOfType(ModelLoadException.class).isThrownBy(() -> BertEncoderWeights.read(garbage))
            .withMessageContaining("cannot read the teacher encoder");
    }

    private static float[][] teacherEmbeddings(Path dir) throws Exception {
        Path version = Files.createDirectories(dir.resolve("repo/minilm/1"));
        Files.copy(MiniLmFiles.model(), version.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), version.resolve("tokenizer.json"));
        Files.writeString(version.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "maxSequenceLength": 128,
                 "pooling": "mean", "normalize": true}
                """);
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("repo")).build())) {
            engine.load("minilm");
            return engine.embed("minilm", TEXTS).toArray(float[][]::new);
        }
    }

    /** Ids and mask of the texts, padded to the longest. */
    private static long[][][] batch(TextTokenizer tokenizer) {
        List<TokenizedText> encoded = TEXTS.stream().map(tokenizer::encode).toList();
        int length = encoded.stream().mapToInt(TokenizedText::length).max().orElseThrow();
        long[][] ids = new long[encoded.size()][length];
        long[][] mask = new long[encoded.size()][length];
        for (int i = 0; i < encoded.size(); i++) {
            TokenizedText text = encoded.get(i);
            System.arraycopy(text.ids(), 0, ids[i], 0, text.length());
            System.arraycopy(text.attentionMask(), 0, mask[i], 0, text.length());
        }
        return new long[][][] {ids, mask};
    }

    private static float[][] normalize(float[][] rows) {
        for (float[] row : rows) {
            double norm = Math.sqrt(dot(row, row));
            for (int j = 0; j < row.length; j++) {
                row[j] /= (float) norm;
            }
        }
        return rows;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void assertClose(float[][] actual, float[][] expected) {
        assertThat(actual).hasSameDimensionsAs(expected);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(Math.abs(actual[i][j] - expected[i][j])).as("row %d, element %d", i, j).isLessThan(1e-4f);
            }
        }
    }
}
