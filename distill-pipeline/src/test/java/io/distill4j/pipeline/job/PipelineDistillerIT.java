package io.distill4j.pipeline.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.QualityGate;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.teacher.Teacher;
import io.distill4j.pipeline.teacher.TeacherContext;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.teacher.TeacherProgress;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole pipeline on real parts: all-MiniLM-L6-v2 with a fitted head as the teacher, a small
 * three-topic data set, the auto-tuner over bag-of-embeddings students on DJL's PyTorch engine, ONNX
 * export with parity, INT8, the compatibility check, the report and registration, then the engine
 * serving the registered student.
 */
class PipelineDistillerIT {

    private static DistillerConfig config(Path dir) {
        return DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models")).threads(2)
                .maxEpochs(3).build();
    }

    private static DistillationSpec.Builder spec(Path dir) throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 60, 1);
        Path test = TopicData.write(dir.resolve("data/test.csv"), 15, 2);
        return DistillationSpec.builder()
                .name("topics")
                .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train).test(test))
                .budget(Budget.of(Duration.ofMinutes(10), 4));
    }

    @Test
    void distillsRegistersAndServesAStudentThenAWarmRunSkipsTheTeacher(@TempDir Path dir) throws Exception {
        try (PipelineDistiller distiller = new PipelineDistiller(config(dir))) {
            DistillationJob job = distiller.submit(spec(dir).gate(QualityGate.relativeToTeacher(0.5))
                    .register("topics-student").build());
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            job.subscribe(events::add);
            DistillationResult result = job.await(Duration.ofMinutes(10));

            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(result.teacherCacheHit()).isFalse();
            assertThat(result.teacher().metric()).isGreaterThan(0.9);
            assertThat(result.studentFp32().metric()).isGreaterThan(0.6);
            assertThat(result.studentInt8().metric()).isGreaterThan(0.6);
            assertThat(result.studentInt8().fileBytes()).isLessThan(result.studentFp32().fileBytes());
            assertThat(result.studentInt8().parameters()).isLessThan(result.teacher().parameters());
            assertThat(result.trials()).isEqualTo(4);
            assertThat(result.gatesPassed()).isTrue();
            assertThat(result.registeredModel()).contains("topics-student");
            assertThat(result.registeredVersion()).hasValue(1);
            assertThat(result.files().reportHtml()).isRegularFile();
            assertThat(result.files().reportJson()).isRegularFile();
            assertThat(result.stageDurations()).containsKeys(Stage.PREPARE_DATA, Stage.TEACHER, Stage.TUNING,
                    Stage.STUDENT, Stage.EXPORT, Stage.QUANTIZE, Stage.COMPATIBILITY, Stage.REPORT, Stage.REGISTER);

            // The teacher's engine had no model loaded when the teacher stage ended, before any student stage.
            int lastTeacher = lastIndex(events, Stage.TEACHER);
            int firstStudent = firstIndex(events, Stage.TUNING);
            assertThat(lastTeacher).isLessThan(firstStudent);
            assertThat(events.get(lastTeacher).metrics()).containsEntry("teacher_models_loaded", 0.0);
            // Stages in order, the fraction never goes back, and the last event is the terminal one.
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).stage().ordinal()).isGreaterThanOrEqualTo(events.get(i - 1).stage().ordinal());
                assertThat(events.get(i).fraction()).isGreaterThanOrEqualTo(events.get(i - 1).fraction());
            }
            assertThat(events.get(events.size() - 1).state()).isEqualTo(JobState.SUCCEEDED);

            try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                    .modelRepository(dir.resolve("models")).build())) {
                engine.load("topics-student");
                assertThat(engine.classify("topics-student", List.of("Hello, my card was declined, Thanks."), 1)
                        .get(0).top().get(0).label()).isEqualTo("card");
            }

            DistillationResult warm = distiller.distill(spec(dir).register("topics-student").build());
            assertThat(warm.teacherCacheHit()).isTrue();
            assertThat(warm.teacher().metric()).isEqualTo(result.teacher().metric());
            assertThat(warm.registeredVersion()).hasValue(2);
        }
    }

    @Test
    void aCancelledJobStopsAndEndsCancelled(@TempDir Path dir) throws Exception {
        try (PipelineDistiller distiller = new PipelineDistiller(config(dir))) {
            DistillationJob job = distiller.submit(spec(dir).build());
            job.subscribe(event -> {
                if (event.stage() == Stage.TEACHER) {
                    job.cancel();
                }
            });
            assertThatThrownBy(() -> job.await(Duration.ofMinutes(5)))
                    .isInstanceOf(DistillationCancelledException.class);
            assertThat(job.state()).isEqualTo(JobState.CANCELLED);
            assertThat(job.events()).noneMatch(e -> e.stage().ordinal() > Stage.TEACHER.ordinal());
        }
    }

    @Test
    void aPlainTsvWithStrayQuotesDistillsAndTheReportSaysItWasReadLiterally(@TempDir Path dir) throws Exception {
        Path train = TopicData.writePlainTsv(dir.resolve("data/reviews.tsv"), 20, 3);
        try (PipelineDistiller distiller = new PipelineDistiller(config(dir))) {
            DistillationResult result = distiller.distill(DistillationSpec.builder()
                    .name("plain-tsv")
                    .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                    .data(DataSpec.tsv(train))
                    .budget(Budget.of(Duration.ofMinutes(5), 1)).build());

            assertThat(result.studentInt8().metric()).isGreaterThan(0.5);
            assertThat(Files.readString(result.files().reportJson())).contains(train + " was read literally");
            assertThat(Files.readString(result.files().reportHtml())).contains(train + " was read literally");
        }
    }

    @Test
    void automaticAugmentationIsReportedAndKeysTheTrainingTargetsApartFromNone(@TempDir Path dir) throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 20, 1);
        DistillationSpec auto = DistillationSpec.builder()
                .name("augmented")
                .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train))
                .augmentation(Augmentation.auto())
                .budget(Budget.of(Duration.ofMinutes(5), 1)).build();
        DistillerConfig config = config(dir);
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationJob job = distiller.submit(auto);
            DistillationResult result = job.await(Duration.ofMinutes(10));

            // 60 rows, a tenth kept for validation: 54 training examples, 9 copies each.
            String reason = "auto: 54 training examples \u2192 9 copies per example "
                    + "(transfer \u2264 10 \u00d7 training)";
            assertThat(job.events()).filteredOn(e -> e.stage() == Stage.PREPARE_DATA).extracting(ProgressEvent::message)
                    .anySatisfy(message -> assertThat(message).startsWith("data: train 54 (+")
                            .endsWith("; augmentation " + reason));
            String json = Files.readString(result.files().reportJson());
            assertThat(json).contains("\"automatic\" : true,\n      \"copiesPerExample\" : 9,")
                    .contains("\"reason\" : \"" + reason + "\"");
            assertThat(Files.readString(result.files().reportHtml()))
                    .contains("<p id=\"augmentation\">Augmentation: " + reason + "</p>");
        }

        PreparedData augmented = PreparedData.read(auto.data(), auto.augmentation(), auto.budget(), auto.seed(),
                auto.task(), "auto");
        PreparedData plain = PreparedData.read(auto.data(), Augmentation.none(), auto.budget(), auto.seed(),
                auto.task(), "none");
        assertThat(augmented.transfer().size()).isGreaterThan(plain.transfer().size());
        try (TeacherOutcome withCopies = teach(auto, config, augmented);
                TeacherOutcome without = teach(auto.toBuilder().augmentation(Augmentation.none()).build(), config,
                        plain)) {
            // The job's targets are found again for the same copies; none gets training targets of its own.
            assertThat(withCopies.allCached()).isTrue();
            assertThat(without.split("train").cacheHit()).isFalse();
            assertThat(without.split("train").key()).isNotEqualTo(withCopies.split("train").key());
            assertThat(without.split("validation").key()).isEqualTo(withCopies.split("validation").key());
        }
    }

    /** Runs the spec's teacher on {@code data}, with the distiller's cache, as the teacher stage does. */
    private static TeacherOutcome teach(DistillationSpec spec, DistillerConfig config, PreparedData data) {
        return Teacher.forSpec(spec.teacher()).run(new TeacherContext("keys", spec, config, data.train(),
                data.transfer(), data.validation(), data.test(), data.labels(),
                SoftTargetCache.inDirectory(config.cacheDirectory().resolve("soft-targets")), (vocab, width) -> 0,
                TeacherProgress.none(), () -> false));
    }

    @Test
    void badRowsPastTheLimitFailTheJobNamingTheLines(@TempDir Path dir) throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 20, 1);
        List<String> lines = new ArrayList<>(Files.readAllLines(train));
        lines.add(",card");
        lines.add("\"   \",transfer");
        Files.write(train, lines);
        try (PipelineDistiller distiller = new PipelineDistiller(config(dir))) {
            DistillationJob job = distiller.submit(DistillationSpec.builder()
                    .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                    .data(DataSpec.csv(train)).build());
            assertThatThrownBy(job::await).isInstanceOf(DistillationException.class).hasMessageContaining("line 62")
                    .hasMessageContaining("line 63");
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.progress().stage()).isEqualTo(Stage.PREPARE_DATA);
        }
    }

    private static int lastIndex(List<ProgressEvent> events, Stage stage) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).stage() == stage) {
                return i;
            }
        }
        return -1;
    }

    private static int firstIndex(List<ProgressEvent> events, Stage stage) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).stage() == stage) {
                return i;
            }
        }
        return -1;
    }
}
