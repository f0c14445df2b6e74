package io.distill4j.pipeline.export;

import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.student.textcnn.TextCnnConfig;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.vocab.VocabularyPruning;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Vocabulary pruning end to end: a student whose table has a row only for the ids of its training texts,
 * trained on pruned ids, exported with the pruning's remap table, takes the tokenizer's original ids in ONNX
 * Runtime and gives what DJL gives on the pruned ids (within 1e-4, same argmax), ids never seen in training
 * included, which both map to the unknown token's row.
 */
class PrunedVocabularyExportTests {

    private static final int BERT_VOCAB = 30522;

    /** Random "texts" of [CLS] w... [SEP] [PAD]..., the words drawn from 300 ids spread over the vocabulary. */
    private static long[][] trainingTexts(Random random, long[] words) {
        long[][] texts = new long[200][16];
        for (long[] text : texts) {
            int length = 3 + random.nextInt(14);
            text[0] = VocabularyPruning.BERT_CLS_ID;
            for (int t = 1; t < length - 1; t++) {
                text[t] = words[random.nextInt(words.length)];
            }
            text[length - 1] = VocabularyPruning.BERT_SEP_ID;
        }
        return texts;
    }

    private static StudentConfig student(String architecture, int vocabSize) {
        return switch (architecture) {
            case TextCnnConfig.ARCHITECTURE -> TextCnnConfig.builder().vocabSize(vocabSize).embeddingDim(16).filters(8)
                .kernelSizes(2, 3).hiddenSizes(12).outputSize(4).build();
            case BagOfEmbeddingsConfig.ARCHITECTURE -> BagOfEmbeddingsConfig.builder().vocabSize(vocabSize)
                .embeddingDim(16).hiddenSizes(12).outputSize(4).output(StudentOutput.LOGITS).build();
            default -> throw new IllegalArgumentException(architecture);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = { TextCnnConfig.ARCHITECTURE, BagOfEmbeddingsConfig.ARCHITECTURE })
    void exportedStudentTakesTokenizerIdsAndMatchesDjlOnPrunedIds(String architecture) throws OrtException {
        Random random = new Random(31);
        long[] words = random.longs(300, 1000, BERT_VOCAB).toArray();
        VocabularyPruning pruning = VocabularyPruning.fitBert(trainingTexts(random, words), BERT_VOCAB);
        assertThat(pruning.prunedVocabSize()).isLessThanOrEqualTo(304).isGreaterThan(250);

        StudentConfig config = student(architecture, pruning.prunedVocabSize());
        try (StudentModel student = StudentModel.create(config.newBlock(), 32)) {
            Parity.train(student, DistillationLoss.builder().build(), 3, 33);
            ModelProto onnx = StudentExporter.export(student,
                    ExportOptions.builder().vocabularyRemap(pruning.remap()).jobId("job-prune").build());

            Map<String, TensorProto> initializers = onnx.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
            assertThat(initializers.get("student.embedding").getDimsList())
                .containsExactly((long) pruning.prunedVocabSize(), 16L);
            assertThat(initializers.get("token_id_remap").getDimsList()).containsExactly((long) BERT_VOCAB);
            assertThat(onnx.getGraph().getNode(0).getName()).isEqualTo("token_id_remap_gather");
            Map<String, String> metadata = onnx.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
            assertThat(metadata).containsEntry(StudentExporter.VOCABULARY_METADATA,
                    "pruned " + pruning.prunedVocabSize() + " of " + BERT_VOCAB);

            float worst = 0;
            int unseen = 0;
            try (OrtSession session = Parity.session(onnx)) {
                for (int[] shape : Parity.SHAPES) {
                    Parity.Batch batch = tokenizerBatch(random, shape[0], shape[1], words);
                    for (long[] row : batch.ids()) {
                        for (long id : row) {
                            unseen += pruning.row(id) == pruning.unknownRow() && id != pruning.unknownId() ? 1 : 0;
                        }
                    }
                    float[][] ort = Parity.run(session, batch);
                    float[][] djl = student.predict(pruning.apply(batch.ids()), batch.mask());
                    for (int b = 0; b < djl.length; b++) {
                        for (int c = 0; c < djl[b].length; c++) {
                            worst = Math.max(worst, Math.abs(djl[b][c] - ort[b][c]));
                        }
                        assertThat(Parity.argmax(ort[b])).isEqualTo(Parity.argmax(djl[b]));
                    }
                }

                // An id never seen in training is the unknown token, in the exported graph too.
                long unseenId = firstUnseen(pruning);
                long[][] mask = { { 1, 1, 1, 1 } };
                float[] withUnseen = Parity.run(session, new Parity.Batch(new long[][] { { 101, words[0], unseenId, 102 } },
                        mask))[0];
                float[] withUnknown = Parity.run(session, new Parity.Batch(new long[][] { { 101, words[0], 100, 102 } },
                        mask))[0];
                assertThat(withUnseen).containsExactly(withUnknown, within(0f));
            }
            assertThat(unseen).as("unseen tokenizer ids in the parity batches").isGreaterThan(20);
            assertThat(worst).as("max |DJL - ONNX Runtime|").isLessThanOrEqualTo(Parity.TOLERANCE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { TextCnnConfig.ARCHITECTURE, BagOfEmbeddingsConfig.ARCHITECTURE })
    void prunedExportIsCompatibleAndQuantizesItsTableButNotTheRemap(String architecture) {
        Random random = new Random(34);
        long[] words = random.longs(300, 1000, BERT_VOCAB).toArray();
        VocabularyPruning pruning = VocabularyPruning.fitBert(trainingTexts(random, words), BERT_VOCAB);
        try (StudentModel student = StudentModel.create(student(architecture, pruning.prunedVocabSize()).newBlock(), 35)) {
            ModelProto fp32 = StudentExporter.export(student,
                    ExportOptions.builder().vocabularyRemap(pruning.remap()).build());
            assertThat(CompatibilityChecker.check(fp32, CompatibilityTarget.cpu()).verdict())
                .isEqualTo(CompatibilityVerdict.COMPATIBLE);

            QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32);
            assertThat(result.quantized()).extracting(QuantizationResult.Node::name).contains("embedding_gather");
            assertThat(result.skipped()).extracting(QuantizationResult.Node::name)
                .containsExactly("token_id_remap_gather");
            Map<String, TensorProto> initializers = result.model().getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
            assertThat(initializers.get("token_id_remap").getDataType()).isEqualTo(TensorProto.DataType.INT64.getNumber());
            assertThat(longs(initializers.get("token_id_remap"))).containsExactly(pruning.remap());
            assertThat(CompatibilityChecker.check(result.model(), CompatibilityTarget.cpu()).verdict())
                .isEqualTo(CompatibilityVerdict.COMPATIBLE);
        }
    }

    /** Tokenizer ids as a tokenizer would give them: mostly training words, some never seen, specials, padding. */
    private static Parity.Batch tokenizerBatch(Random random, int batch, int length, long[] words) {
        Parity.Batch shape = Parity.randomBatch(random, batch, length, BERT_VOCAB);
        long[][] ids = shape.ids();
        for (long[] row : ids) {
            for (int t = 0; t < row.length; t++) {
                int pick = random.nextInt(10);
                row[t] = pick < 6 ? words[random.nextInt(words.length)]
                        : pick < 9 ? random.nextInt(BERT_VOCAB) : VocabularyPruning.BERT_SPECIAL_IDS.get(random.nextInt(4));
            }
        }
        return new Parity.Batch(ids, shape.mask());
    }

    private static long[] longs(TensorProto tensor) {
        long[] values = new long[(int) tensor.getDims(0)];
        tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return values;
    }

    private static long firstUnseen(VocabularyPruning pruning) {
        for (long id = 1000; id < BERT_VOCAB; id++) {
            if (pruning.row(id) == pruning.unknownRow()) {
                return id;
            }
        }
        throw new AssertionError("every id was seen");
    }
}
