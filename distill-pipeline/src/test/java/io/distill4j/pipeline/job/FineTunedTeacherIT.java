package io.distill4j.pipeline.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole distillation whose teacher is all-MiniLM-L6-v2 fine-tuned on the job's labelled data: the
 * fine-tuned teacher is exported, served for the soft targets and released before the student stage,
 * and a second job with the same inputs finds it instead of fine-tuning again.
 */
class FineTunedTeacherIT {

    @Test
    void aFineTunedTeacherTeachesAStudentAndASecondJobFindsItWithoutTraining(@TempDir Path dir) throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 20, 1);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).threads(2).maxEpochs(2)
                .maxSequenceLength(16).modelRepository(dir.resolve("models")).build();
        DistillationSpec spec = DistillationSpec.builder().name("topics-ft")
                .teacher(TeacherSpec.fineTuned(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()),
                        FineTuning.builder().epochs(1).batchSize(8).learningRate(2e-4).warmupShare(0).build())
                        .register("topics-teacher"))
                .data(DataSpec.csv(train).validationShare(0.25)).budget(Budget.of(Duration.ofMinutes(5), 1)).build();
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationJob job = distiller.submit(spec);
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            job.subscribe(events::add);
            DistillationResult result = job.await(Duration.ofMinutes(10));

            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(messages(events)).anyMatch(m -> m.matches("teacher: fine-tuning epoch 1/1, step \\d+ of \\d+, "
                    + "[0-9.]+ steps/s, ETA .+"))
                    .anyMatch(m -> m.startsWith("teacher: fine-tuning epoch 1/1 done: loss"))
                    .anyMatch(m -> m.startsWith("teacher: all-minilm-l6-v2 fine-tuned for 1 epoch (best 1)"));
            // The figures are the fine-tuned teacher's: MiniLM's parameters plus a three-class head.
            assertThat(result.teacher().parameters()).isGreaterThan(22_000_000L);
            assertThat(result.teacher().metric()).isGreaterThan(0.5);
            assertThat(result.files().studentInt8()).isRegularFile();
            // The teacher's engine held no model when the teacher stage ended, before any student stage.
            int lastTeacher = lastIndex(events, Stage.TEACHER);
            assertThat(lastTeacher).isLessThan(firstAfterTeacher(events));
            assertThat(events.get(lastTeacher).metrics()).containsEntry("teacher_models_loaded", 0.0);
            Path teachers = config.cacheDirectory().resolve("teachers");
            try (Stream<Path> folders = Files.list(teachers)) {
                Path folder = folders.filter(p -> p.getFileName().toString().startsWith("finetuned-")).findFirst()
                        .orElseThrow();
                assertThat(folder.resolve("1/model.onnx")).isRegularFile();
                assertThat(folder.resolve("1/fine-tuned.djl.params")).isRegularFile();
            }
            assertThat(config.workDirectory().resolve("fine-tuning")).as("checkpoints go once published")
                    .isEmptyDirectory();
            // Registered as a model of its own, which an engine serves like any classifier.
            assertThat(messages(events)).contains("teacher: registered the fine-tuned teacher as topics-teacher version 1");
            try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                    .modelRepository(dir.resolve("models")).build())) {
                engine.load("topics-teacher");
                assertThat(engine.classify("topics-teacher", List.of("my card was declined"), 1).get(0).top().get(0)
                        .label()).isIn("card", "transfer", "exchange");
            }

            DistillationJob second = distiller.submit(spec);
            List<ProgressEvent> secondEvents = new CopyOnWriteArrayList<>();
            second.subscribe(secondEvents::add);
            DistillationResult warm = second.await(Duration.ofMinutes(10));
            assertThat(messages(secondEvents)).noneMatch(m -> m.contains("fine-tuning epoch"))
                    .anyMatch(m -> m.matches("teacher: all-minilm-l6-v2 found fine-tuned in the teacher repository as finetuned-.+"));
            assertThat(warm.teacherCacheHit()).isTrue();
            assertThat(warm.teacher().metric()).isEqualTo(result.teacher().metric());
            assertThat(messages(secondEvents)).contains("teacher: already registered as topics-teacher version 1");
            assertThat(dir.resolve("models/topics-teacher/2")).doesNotExist();
        }
    }

    private static List<String> messages(List<ProgressEvent> events) {
        return events.stream().map(ProgressEvent::message).toList();
    }

    private static int lastIndex(List<ProgressEvent> events, Stage stage) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).stage() == stage) {
                return i;
            }
        }
        return -1;
    }

    private static int firstAfterTeacher(List<ProgressEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).stage().ordinal() > Stage.TEACHER.ordinal()) {
                return i;
            }
        }
        return -1;
    }
}
