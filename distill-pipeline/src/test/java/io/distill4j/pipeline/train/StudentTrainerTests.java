package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentModel;
import org.junit.jupiter.api.Test;

/** The training loop on a small synthetic task with real DJL training on the PyTorch engine. */
class StudentTrainerTests {

    private static EncodedSplit split(int size, long seed) {
        return TrainingFixtures.classification(size, seed);
    }

    private static StudentModel student(int seed) {
        return TrainingFixtures.classifier(seed, 0f);
    }

    @Test
    void theStudentLearnsFromTheTeachersLogitsAndKeepsTheBestEpoch() {
        EncodedSplit train = split(240, 1);
        EncodedSplit validation = split(60, 2);
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(12).batchSize(16).learningRate(1e-2f)
                .warmupShare(0.1).weightDecay(0.01f).clipGradient(1f).temperature(2f).alpha(0.7f).patience(4).seed(42)
                .build());
        List<TrainingProgress> events = new ArrayList<>();
        try (StudentModel model = student(42)) {
            double before = trainer.accuracy(model, validation);
            TrainingResult result = trainer.train(model, train, validation, events::add, () -> false);

            assertThat(result.bestValidationScore()).isGreaterThan(0.95).isGreaterThan(before);
            assertThat(result.history()).hasSize(result.epochs())
                    .allSatisfy(epoch -> assertThat(epoch.duration()).isPositive());
            assertThat(result.bestEpoch()).isBetween(1, result.epochs());
            assertThat(trainer.accuracy(model, validation)).as("the best epoch's weights are restored")
                    .isEqualTo(result.bestValidationScore());
            assertThat(result.history().get(result.history().size() - 1).trainLoss())
                    .isLessThan(result.history().get(0).trainLoss());
            // Per-batch events carry an ETA, per-epoch events the figures.
            assertThat(events).filteredOn(e -> e.eta().isPresent()).isNotEmpty();
            assertThat(events).filteredOn(e -> !Double.isNaN(e.validationScore())).hasSize(result.epochs());
        }
    }

    @Test
    void trainingStopsEarlyWhenValidationStopsImproving() {
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(30).batchSize(16).learningRate(1e-9f)
                .warmupShare(0.0).weightDecay(0f).clipGradient(1f).temperature(2f).alpha(0.5f).patience(2).seed(42)
                .build());
        try (StudentModel model = student(7)) {
            TrainingResult result = trainer.train(model, split(60, 3), split(30, 4), e -> { }, () -> false);
            // A learning rate of 1e-9 changes nothing: the first epoch stays best and patience 2 ends at epoch 3.
            assertThat(result.bestEpoch()).isEqualTo(1);
            assertThat(result.epochs()).isEqualTo(3);
        }
    }

    @Test
    void cancellationStopsBetweenBatches() {
        AtomicInteger batches = new AtomicInteger();
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.ofDefaults());
        try (StudentModel model = student(1)) {
            assertThatExceptionOfType(DistillationCancelledException.class)
                    .isThrownBy(() -> trainer.train(model, split(200, 5), split(20, 6), e -> batches.incrementAndGet(),
                            () -> batches.get() >= 3))
                    .withMessageContaining("Cancelled in training, epoch 1, step 3");
        }
    }

    @Test
    void gradientsAreScaledTogetherToTheMaxNormNegativeOnesToo() {
        try (NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            NDArray a = manager.zeros(new Shape(2, 2));
            NDArray b = manager.zeros(new Shape(3));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            // loss = sum(a * ga) + sum(b * gb), so the gradients are ga and gb; their global norm is
            // sqrt(3^2 + 4^2 + 12^2 + 84^2) = sqrt(7225) = 85.
            try (GradientCollector collector = PyTorchRuntime.engine().newGradientCollector()) {
                NDArray loss = a.mul(manager.create(new float[] {3, -4, -12, 0}, new Shape(2, 2))).sum()
                        .add(b.mul(manager.create(new float[] {-84, 0, 0})).sum());
                collector.backward(loss);
            }
            float norm = StudentTrainer.clipGradientNorm(List.of(a.getGradient(), b.getGradient()), 1f);

            assertThat(norm).isEqualTo(85f);
            // Scaled in place by 1 / (85 + 1e-6): the direction is kept, negative components included.
            assertThat(a.getGradient().toFloatArray()).containsExactly(new float[] {3 / 85f, -4 / 85f, -12 / 85f, 0},
                    within(1e-7f));
            assertThat(b.getGradient().toFloatArray()).containsExactly(new float[] {-84 / 85f, 0, 0}, within(1e-7f));
            float clipped = StudentTrainer.clipGradientNorm(List.of(a.getGradient(), b.getGradient()), 100f);
            assertThat(clipped).isCloseTo(1f, within(1e-6f));
            // Below the bound nothing changes.
            assertThat(b.getGradient().toFloatArray()).containsExactly(new float[] {-84 / 85f, 0, 0}, within(1e-7f));
        }
    }

    @Test
    void theLearningRateWarmsUpThenDecaysLinearly() {
        Tracker schedule = StudentTrainer.schedule(1f, 10, 110);
        assertThat(schedule.getNewValue(0)).isCloseTo(0.1f, within(1e-6f));
        assertThat(schedule.getNewValue(9)).isCloseTo(1f, within(1e-6f));
        assertThat(schedule.getNewValue(10)).isCloseTo(1f, within(1e-6f));
        assertThat(schedule.getNewValue(60)).isCloseTo(0.5f, within(1e-6f));
        assertThat(schedule.getNewValue(110)).isCloseTo(1e-3f, within(1e-9f));
    }

    @Test
    void aWarmupEpochTrainsExactlyAsAHardLabelOnlyRunThenTheTeacherTeaches() {
        TrainerConfig hardOnly = TrainerConfig.builder().epochs(2).batchSize(16).learningRate(1e-2f).alpha(0f)
                .patience(2).seed(9).build();
        TrainerConfig warmup = hardOnly.toBuilder().alpha(0.7f).hardLabelWarmupEpochs(1).build();
        TrainingResult expected;
        TrainingResult actual;
        try (StudentModel model = student(3)) {
            expected = new StudentTrainer(hardOnly).train(model, split(90, 21), split(30, 22), e -> { }, () -> false);
        }
        try (StudentModel model = student(3)) {
            actual = new StudentTrainer(warmup).train(model, split(90, 21), split(30, 22), e -> { }, () -> false);
        }
        assertThat(actual.history().get(0).trainLoss()).as("epoch 1: hard labels only")
                .isEqualTo(expected.history().get(0).trainLoss());
        assertThat(actual.history().get(0).validationScore()).isEqualTo(expected.history().get(0).validationScore());
        assertThat(actual.history().get(1).trainLoss()).as("epoch 2: the teacher's term is on")
                .isNotEqualTo(expected.history().get(1).trainLoss());
    }

    @Test
    void aWarmupWithoutAnyHardLabelIsRefusedNamingTheSetting() {
        EncodedSplit labelled = split(30, 23);
        long[][] ids = new long[labelled.size()][];
        float[][] teacher = new float[labelled.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = labelled.ids()[i];
            teacher[i] = labelled.teacher().row(i);
        }
        EncodedSplit unlabelled = EncodedSplit.unlabelled(ids, SoftTargets.of(teacher));
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(2).hardLabelWarmupEpochs(1).build());
        try (StudentModel model = student(4)) {
            assertThatIllegalArgumentException().isThrownBy(() -> trainer.train(model, unlabelled, labelled, e -> { },
                    () -> false)).withMessage("hardLabelWarmupEpochs 1 trains on the hard labels, but no row of the"
                            + " training split has one; set it to 0");
            assertThat(new StudentTrainer(TrainerConfig.builder().epochs(1).build()).train(model, unlabelled, labelled,
                    e -> { }, () -> false).epochs()).as("without a warm-up the same split trains").isEqualTo(1);
        }
    }

    @Test
    void splitsWithoutOneRowPerExampleAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EncodedSplit(new long[][] {{1}},
                new long[0], SoftTargets.of(new float[][] {{1}}))).withMessageContaining("one row per example");
    }
}
