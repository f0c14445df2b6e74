package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.student.StudentModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints after every epoch, and resuming from them, with real DJL training on the PyTorch engine. */
class StudentTrainerCheckpointTests {

    private static final EncodedSplit TRAIN = TrainingFixtures.classification(120, 11);

    private static final EncodedSplit VALIDATION = TrainingFixtures.classification(30, 12);

    /** Six epochs with dropout, no early stop before the end. */
    private static final TrainerConfig CONFIG = TrainerConfig.builder().epochs(6).batchSize(16)
            .learningRate(1e-2f).patience(6).seed(5).build();

    private static final float DROPOUT = 0.3f;

    @TempDir
    Path directory;

    @Test
    void aRunKilledAfterAnEpochAndResumedInANewModelEndsBitIdenticalToAnUninterruptedOne() {
        StudentTrainer trainer = new StudentTrainer(CONFIG);
        TrainingResult uninterrupted;
        float[][] expected;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            uninterrupted = trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false,
                    Checkpoints.in(this.directory.resolve("a")));
            expected = TrainingFixtures.weights(model);
        }

        Checkpoints checkpoints = Checkpoints.in(this.directory.resolve("b"));
        float[][] atKill;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            AtomicInteger epochs = new AtomicInteger();
            assertThatExceptionOfType(DistillationCancelledException.class).isThrownBy(() -> trainer.train(model, TRAIN,
                    VALIDATION, e -> epochs.addAndGet(Double.isNaN(e.validationScore()) ? 0 : 1), () -> epochs.get() >= 2,
                    checkpoints)).withMessageContaining("epoch 3");
            atKill = TrainingFixtures.weights(model);
        }
        assertThat(checkpoints.savedEpoch()).as("the epoch a resume goes on after").hasValue(2);
        TrainingResult resumed;
        float[][] actual;
        List<TrainingProgress> events = new ArrayList<>();
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            resumed = trainer.train(model, TRAIN, VALIDATION, events::add, () -> false, checkpoints);
            actual = TrainingFixtures.weights(model);
        }

        assertThat(checkpoints.savedEpoch()).hasValue(6);
        assertThat(actual).as("weights after resuming differ from those at the kill").isNotEqualTo(atKill);
        // Arrays.equals on float[] compares the bits (floatToIntBits).
        assertThat(actual).as("weights after resuming, bit for bit").isEqualTo(expected);
        assertThat(resumed.bestEpoch()).isEqualTo(uninterrupted.bestEpoch());
        assertThat(resumed.epochs()).isEqualTo(uninterrupted.epochs()).isEqualTo(6);
        assertThat(resumed.bestValidationScore()).isEqualTo(uninterrupted.bestValidationScore());
        assertThat(resumed.history()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("duration")
                .isEqualTo(uninterrupted.history());
        // The resumed call trained epochs 3 to 6 only.
        assertThat(events).filteredOn(e -> !Double.isNaN(e.validationScore())).extracting(TrainingProgress::epoch)
                .containsExactly(3, 4, 5, 6);
    }

    @Test
    void aScheduledRunCancelledAfterItsFirstEpochResumesToTheWeightsOfAnUninterruptedOne() {
        TrainerConfig scheduled = CONFIG.toBuilder().temperature(4f).temperatureAnnealing(true).hardLabelWarmupEpochs(2)
                .build();
        StudentTrainer trainer = new StudentTrainer(scheduled);
        float[][] expected;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false, Checkpoints.in(this.directory.resolve("a")));
            expected = TrainingFixtures.weights(model);
        }
        float[][] unscheduled;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            new StudentTrainer(CONFIG.toBuilder().temperature(4f).build()).train(model, TRAIN, VALIDATION, e -> { },
                    () -> false);
            unscheduled = TrainingFixtures.weights(model);
        }
        assertThat(expected).as("the schedule changes the training").isNotEqualTo(unscheduled);

        Checkpoints checkpoints = Checkpoints.in(this.directory.resolve("b"));
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            AtomicInteger epochs = new AtomicInteger();
            assertThatExceptionOfType(DistillationCancelledException.class).isThrownBy(() -> trainer.train(model, TRAIN,
                    VALIDATION, e -> epochs.addAndGet(Double.isNaN(e.validationScore()) ? 0 : 1), () -> epochs.get() >= 1,
                    checkpoints)).withMessageContaining("epoch 2");
        }
        assertThat(checkpoints.savedEpoch()).hasValue(1);
        float[][] actual;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false, checkpoints);
            actual = TrainingFixtures.weights(model);
        }
        assertThat(actual).as("weights after resuming with the schedule, bit for bit").isEqualTo(expected);
    }

    @Test
    void checkpointsDoNotChangeTheTraining() {
        StudentTrainer trainer = new StudentTrainer(CONFIG);
        float[][] without;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false);
            without = TrainingFixtures.weights(model);
        }
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false, Checkpoints.in(this.directory));
            assertThat(TrainingFixtures.weights(model)).isEqualTo(without);
        }
        // One file, no temporary file left behind.
        assertThat(this.directory.toFile().list()).containsExactly(Checkpoints.FILE_NAME);
    }

    @Test
    void resumingAFinishedRunReturnsAtOnceWithTheSameResult() {
        StudentTrainer trainer = new StudentTrainer(CONFIG);
        Checkpoints checkpoints = Checkpoints.in(this.directory);
        TrainingResult finished;
        float[][] expected;
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            finished = trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false, checkpoints);
            expected = TrainingFixtures.weights(model);
        }
        try (StudentModel model = TrainingFixtures.classifier(8, DROPOUT)) {
            List<TrainingProgress> events = new ArrayList<>();
            TrainingResult again = trainer.train(model, TRAIN, VALIDATION, events::add, () -> true, checkpoints);

            assertThat(again).isEqualTo(finished);
            assertThat(events).isEmpty();
            assertThat(TrainingFixtures.weights(model)).as("the best epoch's weights").isEqualTo(expected);
        }
    }

    @Test
    void aDamagedOrTruncatedCheckpointIsRefused() throws IOException {
        Path file = trainOneEpoch();
        byte[] bytes = Files.readAllBytes(file);

        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        assertRefused("checksum does not match");

        bytes[bytes.length / 2] ^= 0x40;
        byte[] truncated = new byte[bytes.length / 3];
        System.arraycopy(bytes, 0, truncated, 0, truncated.length);
        Files.write(file, truncated);
        assertRefused("damaged or truncated");

        Files.write(file, new byte[] {1, 2, 3});
        assertRefused("too short");
        assertThatExceptionOfType(DistillationException.class).isThrownBy(Checkpoints.in(this.directory)::savedEpoch)
                .withMessageContaining("too short");

        Files.writeString(file, "not a checkpoint, but long enough to have a header and a checksum");
        assertRefused("not a StudentTrainer checkpoint");
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingBothFingerprintsAndWhatDiffers() {
        trainOneEpoch();
        StudentTrainer other = new StudentTrainer(TrainerConfig.builder().epochs(1).batchSize(16)
                .learningRate(2e-2f).seed(5).build());
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> other.train(model, TRAIN, VALIDATION,
                    e -> { }, () -> false, Checkpoints.in(this.directory)))
                    .withMessageMatching("(?s)The training checkpoint .* belongs to another run: its fingerprint is"
                            + " [0-9a-f]{64}, this run's is [0-9a-f]{64}; trainer: checkpoint has .*learningRate=0.01.*,"
                            + " this run has .*learningRate=0.02.*")
                    .withMessageNotContaining("data:");
        }
        // Same sizes, other teacher values: the data differ.
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(1).batchSize(16)
                .learningRate(1e-2f).seed(5).build());
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> trainer.train(model, TRAIN,
                    TrainingFixtures.classification(30, 99), e -> { }, () -> false, Checkpoints.in(this.directory)))
                    .withMessageContaining("belongs to another run").withMessageContaining("; data: checkpoint has")
                    .withMessageNotContaining("trainer:");
        }
    }

    @Test
    void anUnusableCheckpointDirectoryFailsTheTrainingNamingIt() throws IOException {
        Path notADirectory = Files.writeString(this.directory.resolve("file"), "x");
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(1).batchSize(16).build());
        try (StudentModel model = TrainingFixtures.classifier(3, 0f)) {
            assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> trainer.train(model, TRAIN,
                    VALIDATION, e -> { }, () -> false, Checkpoints.in(notADirectory)))
                    .withMessageStartingWith("Cannot read the training checkpoint " + notADirectory.resolve(
                            Checkpoints.FILE_NAME));
        }
    }

    @Test
    void checkpointsNameTheirFile() {
        assertThat(Checkpoints.none().file()).isEmpty();
        assertThat(Checkpoints.in(this.directory).file()).contains(this.directory.resolve(Checkpoints.FILE_NAME));
        assertThat(Checkpoints.in(this.directory)).isEqualTo(Checkpoints.in(this.directory.resolve("x/..")));
        assertThat(Checkpoints.none().savedEpoch()).isEmpty();
        assertThat(Checkpoints.in(this.directory.resolve("not-yet-written")).savedEpoch()).isEmpty();
    }

    private Path trainOneEpoch() {
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(1).batchSize(16)
                .learningRate(1e-2f).seed(5).build());
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false, Checkpoints.in(this.directory));
        }
        return this.directory.resolve(Checkpoints.FILE_NAME);
    }

    private void assertRefused(String reason) {
        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(1).batchSize(16)
                .learningRate(1e-2f).seed(5).build());
        try (StudentModel model = TrainingFixtures.classifier(3, DROPOUT)) {
            assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> trainer.train(model, TRAIN,
                    VALIDATION, e -> { }, () -> false, Checkpoints.in(this.directory)))
                    .withMessageContaining(this.directory.resolve(Checkpoints.FILE_NAME).toString())
                    .withMessageContaining(reason)
                    .withMessageContaining("Delete it to train from the start");
        }
    }
}
