package io.distill4j.pipeline.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.Parity;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.BertEncoderWeights;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.vocab.VocabularyPruning;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Intermediate-layer distillation from the real all-MiniLM-L6-v2 (6 layers, 384 wide, 12 heads) into a small
 * random Transformer (2 layers, 64 wide, 4 heads) on the embedding task: 48 STS-B dev sentences, a pruned
 * vocabulary (so the teacher gets its own ids back through the kept ids), one short epoch. The teacher's
 * mean-pooled last hidden states are the embedding targets.
 */
class IntermediateDistillationIT {

    private static final int MAX_LENGTH = 64;

    @Test
    void aSmallStudentLearnsMiniLmsInternalsAndExportsWithoutItsProjections() throws Exception {
        List<String> texts = sentences();
        long[][] ids = new long[texts.size()][];
        try (TextTokenizer tokenizer = TextTokenizer.open("minilm", MiniLmFiles.tokenizer(), 24)) {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokenizer.encode(texts.get(i)).ids();
            }
        }
        VocabularyPruning pruning = VocabularyPruning.fitBert(ids, 30522);
        long[][] pruned = pruning.apply(ids);
        List<TrainingProgress> events = new ArrayList<>();
        try (TeacherInternals teacher = BertEncoderWeights.read(MiniLmFiles.model()).internals(MAX_LENGTH,
                pruning.keptIds());
                StudentModel student = StudentModel.create(TransformerConfig.builder()
                    .vocabSize(pruning.prunedVocabSize()).maxPositions(MAX_LENGTH).hiddenSize(64).layers(2).heads(4)
                    .intermediateSize(128).outputSize(64).output(StudentOutput.EMBEDDING).build().newBlock(), 3)) {
            float[][] targets = meanPooled(teacher, pruned);
            EncodedSplit train = EncodedSplit.unlabelled(java.util.Arrays.copyOfRange(pruned, 0, 40),
                    SoftTargets.of(java.util.Arrays.copyOfRange(targets, 0, 40)));
            EncodedSplit validation = EncodedSplit.unlabelled(java.util.Arrays.copyOfRange(pruned, 40, 48),
                    SoftTargets.of(java.util.Arrays.copyOfRange(targets, 40, 48)));
            TrainerConfig config = TrainerConfig.builder().epochs(1).batchSize(16).learningRate(1e-3f)
                .objective(Objective.EMBEDDING_COSINE).seed(5).build();
            new StudentTrainer(config, Optional.of(IntermediateTraining.of(teacher, 1f, 1f))).train(student, train,
                    validation, events::add, () -> false);

            TrainingProgress epoch = events.get(events.size() - 1);
            assertThat(epoch.lossParts()).containsOnlyKeys(TrainingProgress.OUTPUT_LOSS, TrainingProgress.HIDDEN_LOSS,
                    TrainingProgress.ATTENTION_LOSS)
                .allSatisfy((name, value) -> assertThat(value).as(name).isFinite().isPositive());
            assertThat(epoch.trainLoss()).isFinite();
            ModelProto onnx = StudentExporter.export(student, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getInitializerList()).extracting(TensorProto::getName)
                .noneMatch(name -> name.contains("projection"));
            assertThat(onnx.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue())
                .as("the student's own width, not the teacher's").isEqualTo(64);
            Parity.assertParity(student, onnx, 4);
        }
    }

    private static List<String> sentences() throws IOException {
        try (InputStream in = IntermediateDistillationIT.class.getResourceAsStream(
                "/intermediate/stsb-dev-sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** The teacher's last hidden states averaged over each text's tokens: all-MiniLM-L6-v2's embedding. */
    private static float[][] meanPooled(TeacherInternals teacher, long[][] ids) {
        float[][] rows = new float[ids.length][];
        try (NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            for (int i = 0; i < ids.length; i++) {
                NDArray input = manager.create(ids[i], new Shape(1, ids[i].length));
                long[] ones = new long[ids[i].length];
                java.util.Arrays.fill(ones, 1);
                NDList internals = teacher.forward(manager, input, manager.create(ones, new Shape(1, ones.length)));
                rows[i] = internals.get(teacher.layers()).mean(new int[] {1}).toFloatArray();
            }
        }
        return rows;
    }
}
