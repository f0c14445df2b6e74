package io.distill4j.pipeline.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.Parity;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Intermediate-layer distillation in the trainer, with real DJL training: a one-layer Transformer student
 * 16 wide with 2 heads learns from a random two-layer teacher 24 wide with 3 heads (so the hidden states
 * go through a learned projection and the attention is compared averaged over heads).
 */
class StudentTrainerIntermediateTests {

    private static final EncodedSplit TRAIN = TrainingFixtures.classification(64, 21);

    private static final EncodedSplit VALIDATION = TrainingFixtures.classification(24, 22);

    private static final TrainerConfig CONFIG = TrainerConfig.builder().epochs(3).batchSize(16).learningRate(3e-3f)
            .patience(3).seed(9).build();

    @TempDir
    Path directory;

    private static StudentModel student() {
        return StudentModel.create(TransformerConfig.builder().vocabSize(TrainingFixtures.VOCAB).maxPositions(40)
                .hiddenSize(16).layers(1).heads(2).intermediateSize(32).outputSize(TrainingFixtures.CLASSES)
                .dropout(0.1f).build().newBlock(), 4);
    }

    private static TeacherInternals teacher() {
        return TeacherInternals.of(StudentModel.create(TransformerConfig.builder().vocabSize(TrainingFixtures.VOCAB)
                .maxPositions(40).hiddenSize(24).layers(2).heads(3).intermediateSize(48).outputSize(24)
                .output(StudentOutput.EMBEDDING).build().newBlock(), 7), null);
    }

    @Test
    void reportsEveryLossTermAndExportsTheStudentWithoutItsProjection() throws Exception {
        List<TrainingProgress> events = new ArrayList<>();
        try (TeacherInternals teacher = teacher(); StudentModel model = student()) {
            StudentTrainer trainer = new StudentTrainer(CONFIG, Optional.of(IntermediateTraining.of(teacher, 1f, 1f)));
            trainer.train(model, TRAIN, VALIDATION, events::add, () -> false);

            List<TrainingProgress> epochs = events.stream().filter(e -> !Double.isNaN(e.validationScore())).toList();
            assertThat(epochs).hasSize(3).allSatisfy(e -> assertThat(e.lossParts())
                .containsOnlyKeys(TrainingProgress.OUTPUT_LOSS, TrainingProgress.HIDDEN_LOSS,
                        TrainingProgress.ATTENTION_LOSS)
                .allSatisfy((name, value) -> assertThat(value).as(name).isFinite().isPositive()));
            assertThat(epochs.get(2).lossParts().get(TrainingProgress.HIDDEN_LOSS))
                .as("the hidden states move towards the teacher's")
                .isLessThan(epochs.get(0).lossParts().get(TrainingProgress.HIDDEN_LOSS));
            TrainingProgress last = epochs.get(2);
            assertThat(last.trainLoss()).isGreaterThan(last.lossParts().get(TrainingProgress.OUTPUT_LOSS));

            assertThat(model.block().getParameters().keys()).noneMatch(name -> name.contains("projection"));
            ModelProto onnx = StudentExporter.export(model, ExportOptions.ofDefaults());
            assertThat(onnx.getGraph().getInitializerList()).extracting(TensorProto::getName)
                .noneMatch(name -> name.contains("projection"));
            long weights = onnx.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE && t.getDimsCount() > 0)
                .mapToLong(t -> t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b)).sum();
            assertThat(weights).as("float initializers in the graph").isEqualTo(model.config().parameterCount());
            assertThat(onnx.getMetadataPropsList()).anySatisfy(p -> {
                assertThat(p.getKey()).isEqualTo(StudentExporter.PARAMETERS_METADATA);
                assertThat(p.getValue()).isEqualTo(Long.toString(model.config().parameterCount()));
            });
            Parity.assertParity(model, onnx, 3);
        }
    }

    @Test
    void withoutATeacherTheStepEventsAndEpochsCarryNoLossTerms() {
        List<TrainingProgress> events = new ArrayList<>();
        try (StudentModel model = student()) {
            new StudentTrainer(CONFIG.toBuilder().epochs(1).build()).train(model, TRAIN, VALIDATION, events::add,
                    () -> false);
        }
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.lossParts()).isEmpty());
    }

    @Test
    void aRunResumedAfterAnEpochEndsBitIdenticalToAnUninterruptedOneProjectionIncluded() {
        float[][] expected;
        TrainingResult uninterrupted;
        try (TeacherInternals teacher = teacher(); StudentModel model = student()) {
            uninterrupted = new StudentTrainer(CONFIG, Optional.of(IntermediateTraining.of(teacher, 1f, 0.5f)))
                .train(model, TRAIN, VALIDATION, e -> { }, () -> false, Checkpoints.in(this.directory.resolve("a")));
            expected = TrainingFixtures.weights(model);
        }
        Checkpoints checkpoints = Checkpoints.in(this.directory.resolve("b"));
        try (TeacherInternals teacher = teacher(); StudentModel model = student()) {
            AtomicInteger epochs = new AtomicInteger();
            StudentTrainer trainer = new StudentTrainer(CONFIG, Optional.of(IntermediateTraining.of(teacher, 1f, 0.5f)));
            assertThatExceptionOfType(DistillationCancelledException.class).isThrownBy(() -> trainer.train(model,
                    TRAIN, VALIDATION, e -> epochs.addAndGet(Double.isNaN(e.validationScore()) ? 0 : 1),
                    () -> epochs.get() >= 1, checkpoints));
        }
        assertThat(checkpoints.savedEpoch()).hasValue(1);
        float[][] actual;
        TrainingResult resumed;
        try (TeacherInternals teacher = teacher(); StudentModel model = student()) {
            resumed = new StudentTrainer(CONFIG, Optional.of(IntermediateTraining.of(teacher, 1f, 0.5f)))
                .train(model, TRAIN, VALIDATION, e -> { }, () -> false, checkpoints);
            actual = TrainingFixtures.weights(model);
        }
        assertThat(actual).as("weights after resuming, bit for bit").isEqualTo(expected);
        assertThat(resumed.bestValidationScore()).isEqualTo(uninterrupted.bestValidationScore());
        assertThat(resumed.history()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("duration")
            .isEqualTo(uninterrupted.history());
    }

    @Test
    void aCheckpointWithOtherIntermediateWeightsIsRefused() {
        Checkpoints checkpoints = Checkpoints.in(this.directory);
        try (TeacherInternals teacher = teacher(); StudentModel model = student()) {
            new StudentTrainer(CONFIG.toBuilder().epochs(1).build(),
                    Optional.of(IntermediateTraining.of(teacher, 1f, 1f)))
                .train(model, TRAIN, VALIDATION, e -> { }, () -> false, checkpoints);
        }
        try (TeacherInternals teacher = teacher(); StudentModel model = student()) {
            StudentTrainer other = new StudentTrainer(CONFIG.toBuilder().epochs(1).build(),
                    Optional.of(IntermediateTraining.of(teacher, 2f, 1f)));
            assertThatExceptionOfType(io.distill4j.api.exception.DistillationException.class)
                .isThrownBy(() -> other.train(model, TRAIN, VALIDATION, e -> { }, () -> false, checkpoints))
                .withMessageContaining("intermediate").withMessageContaining("hiddenWeight=2.0");
        }
    }

    @Test
    void aStudentWithoutLayersIsRefused() {
        try (TeacherInternals teacher = teacher(); StudentModel model = TrainingFixtures.classifier(1, 0f)) {
            StudentTrainer trainer = new StudentTrainer(CONFIG, Optional.of(IntermediateTraining.of(teacher, 1f, 1f)));
            assertThatIllegalArgumentException().isThrownBy(() -> trainer.train(model, TRAIN, VALIDATION, e -> { },
                    () -> false)).withMessageContaining("intermediate-layer distillation");
        }
    }
}
