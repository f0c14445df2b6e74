package io.distill4j.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.report.DistillationReport;
import io.distill4j.pipeline.report.DistillationReportWriter;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.train.Checkpoints;
import io.distill4j.pipeline.tune.TrialCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole jobs that resume after a simulated kill, and a fixed student with pinned training settings.
 * Resume: a tuning job is cancelled once its trials have written checkpoints, then the same spec runs in
 * a fresh distiller on the same work and cache directories. It must resume (and say so), succeed, end
 * exactly as an uninterrupted run of the spec (same choice, scores, training curve and exported file),
 * and leave no checkpoint behind. The teacher is all-MiniLM-L6-v2 with a fitted head, on a small
 * three-topic data set; the search is 3 short trials and 1 longer one.
 */
class JobResumeIT {

    private static final Logger logger = LoggerFactory.getLogger(JobResumeIT.class);

    /** Trials of the search: 3 candidates for 1 epoch, then the best of them for 3. */
    private static final int TRIALS = 4;

    /** The soft-target cache and the fitted teacher, shared by the tests so the teacher runs once. */
    @TempDir
    static Path cache;

    @TempDir
    Path dir;

    private DistillerConfig config(String work) {
        return DistillerConfig.builder(this.dir.resolve(work)).cacheDirectory(cache).threads(2).maxEpochs(3).build();
    }

    private DistillationSpec spec() throws IOException {
        Path train = TopicData.write(this.dir.resolve("data/train.csv"), 60, 1);
        Path test = TopicData.write(this.dir.resolve("data/test.csv"), 15, 2);
        return DistillationSpec.builder()
                .name("resume")
                .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train).test(test))
                .budget(Budget.of(Duration.ofMinutes(10), TRIALS))
                .build();
    }

    @Test
    void aFixedStudentTrainsWithItsPinnedSettingsForExactlyItsEpochs() throws Exception {
        DistillationResult result;
        try (PipelineDistiller distiller = new PipelineDistiller(config("pinned"))) {
            result = distiller.distill(spec().toBuilder().student(StudentSpec.bagOfEmbeddings(64, 64)
                    .training(StudentSpec.Training.of(1e-2f, 4f, 0f).epochs(2))).build());
        }
        assertThat(result.trials()).isEqualTo(1);
        assertThat(result.hyperParameters()).containsEntry("student", "bag-of-embeddings/64x64")
                .containsEntry("learningRate", "0.01").containsEntry("temperature", "4.0")
                .containsEntry("alpha", "0.0").containsEntry("epochs", "2").containsEntry("maxEpochs", "3");
        assertThat(result.stageDurations()).containsKey(Stage.STUDENT).doesNotContainKey(Stage.TUNING);
        DistillationReport report = DistillationReportWriter.readJson(result.files().reportJson());
        assertThat(report.trials()).singleElement().extracting(t -> t.epochs()).isEqualTo(2);
        // Pinned epochs turn early stopping off: both epochs ran.
        assertThat(report.trainingCurve()).extracting(e -> e.epoch()).containsExactly(1, 2);
    }

    @Test
    void aJobKilledDuringTuningResumesInAFreshDistillerAndEndsAsAnUninterruptedRun() throws Exception {
        // The uninterrupted run, in a work directory of its own (the cache, with the fitted teacher, is shared).
        List<ProgressEvent> uninterruptedEvents = new CopyOnWriteArrayList<>();
        DistillationResult uninterrupted;
        try (PipelineDistiller distiller = new PipelineDistiller(config("uninterrupted"))) {
            DistillationJob job = distiller.submit(spec());
            job.subscribe(uninterruptedEvents::add);
            uninterrupted = job.await(Duration.ofMinutes(10));
        }
        assertThat(uninterrupted.trials()).isEqualTo(TRIALS);
        assertThat(this.dir.resolve("uninterrupted").resolve(TrialCheckpoints.DIRECTORY))
                .as("a job that succeeded deletes its checkpoints").doesNotExist();
        assertThat(uninterruptedEvents).noneMatch(e -> e.message().contains("resumed"));

        // The simulated kill: cancelled in TUNING as soon as the last trial wrote a checkpoint (a watcher
        // thread), or, if that trial ends first, when it is reported.
        Path killedWork = this.dir.resolve("killed");
        Path checkpoints = killedWork.resolve(TrialCheckpoints.DIRECTORY);
        String killedJobId;
        try (PipelineDistiller distiller = new PipelineDistiller(config("killed"))) {
            DistillationJob job = distiller.submit(spec());
            killedJobId = job.id();
            job.subscribe(event -> {
                if (event.stage() == Stage.TUNING && checkpointFiles(checkpoints) >= TRIALS) {
                    job.cancel();
                }
            });
            AtomicBoolean done = new AtomicBoolean();
            Thread watcher = new Thread(() -> {
                while (!done.get() && !job.state().isTerminal()) {
                    if (checkpointFiles(checkpoints) >= TRIALS) {
                        job.cancel();
                        return;
                    }
                    try {
                        Thread.sleep(2);
                    }
                    catch (InterruptedException ex) {
                        return;
                    }
                }
            }, "checkpoint-watcher");
            watcher.setDaemon(true);
            watcher.start();
            try {
                assertThatThrownBy(() -> job.await(Duration.ofMinutes(10)))
                        .isInstanceOf(DistillationCancelledException.class);
            }
            finally {
                done.set(true);
                watcher.join();
            }
            assertThat(job.state()).isEqualTo(JobState.CANCELLED);
            assertThat(job.progress().stage()).isEqualTo(Stage.TUNING);
        }
        assertThat(checkpointFiles(checkpoints)).as("a cancelled job keeps its checkpoints").isEqualTo(TRIALS);
        try (Stream<Path> trials = Files.list(checkpoints)) {
            trials.forEach(trial -> logger.info("Checkpoint left by the kill: {} at epoch {}", trial.getFileName(),
                    Checkpoints.in(trial).savedEpoch()));
        }

        // The same spec in a fresh distiller on the same directories.
        List<ProgressEvent> resumedEvents = new CopyOnWriteArrayList<>();
        DistillationResult resumed;
        try (PipelineDistiller distiller = new PipelineDistiller(config("killed"))) {
            DistillationJob job = distiller.submit(spec());
            job.subscribe(resumedEvents::add);
            resumed = job.await(Duration.ofMinutes(10));
            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(resumed.teacherCacheHit()).isTrue();
        assertThat(resumedEvents).filteredOn(e -> e.stage() == Stage.TUNING).extracting(ProgressEvent::message)
                .filteredOn(m -> m.matches("trial \\d of 4: .*, resumed at epoch \\d of \\d"))
                .as("a resumed trial is reported; every trial had a checkpoint").hasSize(TRIALS);
        assertThat(resumed.hyperParameters()).isEqualTo(uninterrupted.hyperParameters())
                .containsKeys("student", "temperature", "alpha", "learningRate", "epochs");
        assertThat(validationScore(resumedEvents)).isEqualTo(validationScore(uninterruptedEvents));
        assertThat(resumed.trials()).isEqualTo(uninterrupted.trials());
        assertThat(resumed.studentFp32().metric()).isEqualTo(uninterrupted.studentFp32().metric());
        // Every trial scored the same, the chosen one trained the same, bit for bit, and exports the same file.
        DistillationReport expected = DistillationReportWriter.readJson(uninterrupted.files().reportJson());
        DistillationReport actual = DistillationReportWriter.readJson(resumed.files().reportJson());
        logger.info("Chosen: {} of {}", actual.chosenTrial(), actual.trials());
        assertThat(actual.trials()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("duration")
                .isEqualTo(expected.trials());
        assertThat(actual.chosenTrial()).isEqualTo(expected.chosenTrial());
        assertThat(actual.trainingCurve()).isNotEmpty().usingRecursiveFieldByFieldElementComparatorIgnoringFields("duration")
                .isEqualTo(expected.trainingCurve());
        // The same file but for the job id in its metadata: the resumed job is a new job, in a folder of its own.
        assertThat(resumed.jobId()).isNotEqualTo(killedJobId);
        assertThat(withoutJobId(resumed.files().studentFp32())).isEqualTo(withoutJobId(uninterrupted.files().studentFp32()));
        assertThat(checkpoints).as("the resumed job succeeded and deleted its checkpoints").doesNotExist();
    }

    /** The exported model with the {@code distill4j.job.id} metadata entry removed. */
    private static ModelProto withoutJobId(Path model) {
        ModelProto proto = OnnxModelReader.ofDefaults().read(model, model.getFileName().toString());
        List<StringStringEntryProto> kept = proto.getMetadataPropsList().stream()
                .filter(entry -> !entry.getKey().equals("distill4j.job.id")).toList();
        return proto.toBuilder().clearMetadataProps().addAllMetadataProps(kept).build();
    }

    /** The chosen student's validation score, as the STUDENT stage reports it. */
    private static double validationScore(List<ProgressEvent> events) {
        return events.stream().filter(e -> e.stage() == Stage.STUDENT && e.metrics().containsKey("val_accuracy"))
                .mapToDouble(e -> e.metrics().get("val_accuracy")).findFirst().orElseThrow();
    }

    private static long checkpointFiles(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().equals(Checkpoints.FILE_NAME)).count();
        }
        catch (IOException | UncheckedIOException ex) {
            // A temporary file moved away while walking; the next look counts again.
            return 0;
        }
    }
}
