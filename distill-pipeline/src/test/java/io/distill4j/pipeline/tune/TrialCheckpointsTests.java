package io.distill4j.pipeline.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.train.Checkpoints;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.train.RunFingerprint;
import io.distill4j.pipeline.train.TrainerConfig;
import io.distill4j.pipeline.tune.Candidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key of a trial's checkpoint directory: equal inputs find the same directory, any change another. */
class TrialCheckpointsTests {

    private static final Candidate CANDIDATE = new Candidate("bag-of-embeddings/64x32",
            Map.of("embeddingDim", "64", "hiddenSizes", "32"), 2f, 0.5f, 3e-3f);

    private static final StudentConfig STUDENT = student(1000);

    private static final TrainerConfig TRAINER = trainer(3, 32, 3e-3f, 2f, 0.5f, 42);

    @TempDir
    Path work;

    private static StudentConfig student(int vocabSize) {
        return BagOfEmbeddingsConfig.builder().vocabSize(vocabSize).embeddingDim(64).hiddenSizes(32).outputSize(3)
                .build();
    }

    private static TrainerConfig trainer(int epochs, int batchSize, float learningRate, float temperature,
            float alpha, long seed) {
        return TrainerConfig.builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate)
                .warmupShare(0.05).weightDecay(0.01f).clipGradient(1f).temperature(temperature).alpha(alpha)
                .patience(Math.min(epochs, 4)).seed(seed).build();
    }

    private static EncodedSplit split(long firstId, long label, float teacher) {
        return new EncodedSplit(new long[][] {{101, firstId, 102}, {101, 7, 8, 102}},
                new long[] {label, 2}, SoftTargets.of(new float[][] {{teacher, 0f, -1f}, {0f, 1f, 2f}}));
    }

    private Path directory(Candidate candidate, StudentConfig student, TrainerConfig trainer,
            EncodedSplit train, EncodedSplit validation) {
        return TrialCheckpoints.under(this.work).forTrial(candidate, student, trainer, train, validation).directory()
                .orElseThrow();
    }

    @Test
    void theSameTrialFindsTheSameDirectoryUnderTheWorkDirectory() {
        Path first = directory(CANDIDATE, STUDENT, TRAINER, split(5, 0, 1f), split(6, 1, 1f));
        // Equal values, not the same objects: a run in a new process rebuilds every one of them.
        Path again = directory(new Candidate("bag-of-embeddings/64x32", Map.of("hiddenSizes", "32", "embeddingDim",
                "64"), 2f, 0.5f, 3e-3f), student(1000), trainer(3, 32, 3e-3f, 2f, 0.5f, 42), split(5, 0, 1f),
                split(6, 1, 1f));

        assertThat(again).isEqualTo(first);
        assertThat(first.getParent()).isEqualTo(this.work.resolve(TrialCheckpoints.DIRECTORY).toAbsolutePath());
        assertThat(first.getFileName().toString()).matches("[0-9a-f]{64}");
    }

    @Test
    void everyInputOfTheTrainingGivesItsOwnDirectory() {
        EncodedSplit train = split(5, 0, 1f);
        EncodedSplit validation = split(6, 1, 1f);
        List<Path> directories = List.of(
                directory(CANDIDATE, STUDENT, TRAINER, train, validation),
                // the candidate: temperature, alpha, learning rate, shape
                directory(new Candidate(CANDIDATE.student(), CANDIDATE.studentSettings(), 4f, 0.5f, 3e-3f), STUDENT,
                        TRAINER, train, validation),
                directory(new Candidate(CANDIDATE.student(), CANDIDATE.studentSettings(), 2f, 0f, 3e-3f), STUDENT,
                        TRAINER, train, validation),
                directory(new Candidate(CANDIDATE.student(), CANDIDATE.studentSettings(), 2f, 0.5f, 1e-2f), STUDENT,
                        TRAINER, train, validation),
                directory(new Candidate("bag-of-embeddings/128x32", Map.of("embeddingDim", "128", "hiddenSizes", "32"),
                        2f, 0.5f, 3e-3f), STUDENT, TRAINER, train, validation),
                // the student's vocabulary (pruned or not)
                directory(CANDIDATE, student(999), TRAINER, train, validation),
                // the rung's epochs, the batch size, the seed
                directory(CANDIDATE, STUDENT, trainer(9, 32, 3e-3f, 2f, 0.5f, 42), train, validation),
                directory(CANDIDATE, STUDENT, trainer(3, 16, 3e-3f, 2f, 0.5f, 42), train, validation),
                directory(CANDIDATE, STUDENT, trainer(3, 32, 3e-3f, 2f, 0.5f, 7), train, validation),
                // the data: token ids, hard labels, the teacher's soft targets, of either split
                directory(CANDIDATE, STUDENT, TRAINER, split(9, 0, 1f), validation),
                directory(CANDIDATE, STUDENT, TRAINER, split(5, 1, 1f), validation),
                directory(CANDIDATE, STUDENT, TRAINER, split(5, 0, 1.5f), validation),
                directory(CANDIDATE, STUDENT, TRAINER, train, split(6, 1, 1.5f)),
                // the splits swapped
                directory(CANDIDATE, STUDENT, TRAINER, validation, train));
        assertThat(new HashSet<>(directories)).hasSameSizeAs(directories);
    }

    @Test
    void theKeyIsTheRunFingerprintOfTheTrialsComponents() {
        Map<String, String> components = TrialCheckpoints.components(CANDIDATE, STUDENT, TRAINER, "digest");
        assertThat(components).containsOnlyKeys("version", "candidate", "student", "trainer", "data")
                .containsEntry("data", "digest");
        assertThat(TrialCheckpoints.key(components)).isEqualTo(RunFingerprint.of(components).hash());
    }

    @Test
    void deleteAllRemovesTheDirectoriesHandedOutAndLeavesOthers() throws Exception {
        TrialCheckpoints job = TrialCheckpoints.under(this.work);
        Checkpoints a = job.forTrial(CANDIDATE, STUDENT, TRAINER, split(5, 0, 1f), split(6, 1, 1f));
        Checkpoints b = job.forTrial(CANDIDATE, STUDENT, trainer(9, 32, 3e-3f, 2f, 0.5f, 42), split(5, 0, 1f),
                split(6, 1, 1f));
        job.forTrial(CANDIDATE, STUDENT, TRAINER, split(5, 0, 1f), split(6, 1, 1f));
        assertThat(job.directories()).containsExactly(a.directory().orElseThrow(), b.directory().orElseThrow());
        Files.createDirectories(a.directory().orElseThrow());
        Files.writeString(a.file().orElseThrow(), "checkpoint");
        Files.writeString(a.directory().orElseThrow().resolve(".student-trainer.ckpt123.part"), "partial");
        Path otherJob = Files.createDirectories(job.root().resolve("0".repeat(64)));
        Files.writeString(otherJob.resolve(Checkpoints.FILE_NAME), "another job's");

        job.deleteAll();

        assertThat(a.directory().orElseThrow()).doesNotExist();
        assertThat(otherJob.resolve(Checkpoints.FILE_NAME)).exists();
        assertThat(job.directories()).isEmpty();

        Files.delete(otherJob.resolve(Checkpoints.FILE_NAME));
        Files.delete(otherJob);
        TrialCheckpoints last = TrialCheckpoints.under(this.work);
        Files.createDirectories(last.forTrial(CANDIDATE, STUDENT, TRAINER, split(5, 0, 1f), split(6, 1, 1f))
                .directory().orElseThrow());
        last.deleteAll();
        assertThat(last.root()).as("an empty checkpoints folder goes too").doesNotExist();
        assertThat(this.work.toFile().list()).isEmpty();
    }
}
