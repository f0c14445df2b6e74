package io.distill4j.pipeline.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationResult.ModelFigures;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.speed.SpeedProbe;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.teacher.TeacherStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The orchestrator on its own, over stages that record their calls: the order of the stages, a
 * cancellation between two stages, and the cleanup after a stage fails. The stages themselves are
 * covered by the end-to-end ITs ({@link PipelineDistillerIT}).
 */
class DistillationRunTests {

    @TempDir
    Path dir;

    private PipelineJob job;

    private RunContext context;

    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void start() {
        DistillationSpec spec = DistillationSpec.builder()
            .teacher(TeacherSpec.onnxClassifier(Path.of("teacher/model.onnx"), Path.of("teacher/tokenizer.json")))
            .data(DataSpec.csv(Path.of("train.csv")))
            .build();
        this.job = new PipelineJob("job-1", spec, Clock.systemUTC());
        this.job.start();
        this.context = new RunContext(this.job, DistillerConfig.builder(this.dir).build(),
                this.dir.resolve("out"), new StageClock(this.job));
    }

    @Test
    void theStagesRunInTheOrderOfTheirEnumAndEachIsTimed() {
        RecordingStages stages = new RecordingStages(true);
        DistillationResult result = new DistillationRun(this.context, stages).run();
        assertThat(this.calls).containsExactly("prepareData", "searchStage", "teacher", "studentData", "search",
                "evaluation", "chosen", "export", "quantize", "compatibility", "report", "succeeded");
        assertThat(result.stageDurations()).containsOnlyKeys(Stage.PREPARE_DATA, Stage.TEACHER, Stage.TUNING,
                Stage.STUDENT, Stage.EXPORT, Stage.QUANTIZE, Stage.COMPATIBILITY, Stage.REPORT);
        assertThat(this.job.events().stream().map(ProgressEvent::stage).distinct())
            .containsExactly(Stage.PREPARE_DATA, Stage.TEACHER, Stage.TUNING, Stage.STUDENT, Stage.EXPORT,
                    Stage.QUANTIZE, Stage.COMPATIBILITY, Stage.REPORT);
        assertThat(stages.student.isClosed()).as("the student is closed once exported").isTrue();
        assertThat(stages.onlineEngine).as("the teacher's online engine is closed at the end").satisfies(this::isClosed);
        assertThat(result.registeredVersion()).as("nothing to register").isEmpty();
    }

    @Test
    void aFixedStudentSkipsTuningAndItsAnnouncementAndARegisterNameRegisters() {
        PipelineJob registering = registering();
        RecordingStages stages = new RecordingStages(false);
        DistillationResult result = new DistillationRun(new RunContext(registering, this.context.config(),
                this.context.output(), new StageClock(registering)), stages).run();
        assertThat(this.calls).doesNotContain("chosen").contains("register");
        assertThat(result.stageDurations()).containsKey(Stage.STUDENT).containsKey(Stage.REGISTER)
            .doesNotContainKey(Stage.TUNING);
        assertThat(result.registeredVersion()).hasValue(7);
    }

    @Test
    void aCancellationBetweenStagesStopsTheJobBeforeTheNextStageWorks() {
        RecordingStages stages = new RecordingStages(true) {

            @Override
            public TeacherOutcome teacher(PreparedData data) {
                TeacherOutcome outcome = super.teacher(data);
                DistillationRunTests.this.job.cancel();
                return outcome;
            }
        };
        assertThatThrownBy(() -> new DistillationRun(this.context, stages).run())
            .isInstanceOf(DistillationCancelledException.class);
        assertThat(this.calls).containsExactly("prepareData", "searchStage", "teacher");
        assertThat(stages.onlineEngine).as("the teacher's online engine is released").satisfies(this::isClosed);
    }

    @Test
    void aFailingStageReleasesWhatTheStagesBeforeItHeld() {
        RecordingStages stages = new RecordingStages(true) {

            @Override
            public ExportStage.Exported export(Evaluation evaluation, Searched searched, StudentData data)
                    throws IOException {
                super.export(evaluation, searched, data);
                throw new IOException("disk full");
            }
        };
        assertThatThrownBy(() -> new DistillationRun(this.context, stages).run())
            .isInstanceOf(DistillationException.class)
            .hasMessageContaining("EXPORT")
            .hasMessageContaining("disk full");
        assertThat(this.calls).endsWith("export").doesNotContain("quantize", "succeeded");
        assertThat(stages.student.isClosed()).as("the trained student is closed").isTrue();
        assertThat(stages.onlineEngine).as("the teacher's online engine is closed").satisfies(this::isClosed);
        assertThat(this.context.clock().stage()).isEqualTo(Stage.EXPORT);
    }

    private PipelineJob registering() {
        DistillationSpec spec = DistillationSpec.builder()
            .teacher(TeacherSpec.onnxClassifier(Path.of("teacher/model.onnx"), Path.of("teacher/tokenizer.json")))
            .data(DataSpec.csv(Path.of("train.csv")))
            .register("intents")
            .build();
        PipelineJob registering = new PipelineJob("job-2", spec, Clock.systemUTC());
        registering.start();
        return registering;
    }

    private void isClosed(OnnxInferenceEngine engine) {
        assertThatThrownBy(engine::loadedModels).isInstanceOf(IllegalStateException.class);
    }

    /** Stages that record their calls and return empty values, except a real student and teacher engine. */
    private class RecordingStages implements JobStages {

        private final boolean tuned;

        StudentModel student;

        OnnxInferenceEngine onlineEngine;

        RecordingStages(boolean tuned) {
            this.tuned = tuned;
        }

        private void call(String name) {
            DistillationRunTests.this.calls.add(name);
        }

        @Override
        public PreparedData prepareData() {
            call("prepareData");
            return null;
        }

        @Override
        public TeacherOutcome teacher(PreparedData data) {
            call("teacher");
            CacheKey key;
            try {
                Path repository = Files.createDirectories(DistillationRunTests.this.dir.resolve("teachers"));
                this.onlineEngine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository).build());
                Path model = Files.write(repository.resolve("teacher.onnx"), new byte[] {1, 2, 3});
                key = CacheKey.builder().teacher(model).data(List.of("a text")).build();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            Path cache = DistillationRunTests.this.dir.resolve("cache");
            return new TeacherOutcome("teacher", Path.of("tokenizer.json"), List.of(new TeacherStage.SplitTargets(
                    "train", key, true, 1, 2, cache)), Optional.empty(), MemoryMode.ONLINE,
                    Optional.of(this.onlineEngine), SoftTargetCache.inDirectory(cache));
        }

        @Override
        public StudentData studentData(PreparedData data, TeacherOutcome teacher) {
            call("studentData");
            return null;
        }

        @Override
        public Stage searchStage() {
            call("searchStage");
            return this.tuned ? Stage.TUNING : Stage.STUDENT;
        }

        @Override
        public Searched search(StudentData data) {
            call("search");
            this.student = StudentModel.create(BagOfEmbeddingsConfig.builder().vocabSize(10).embeddingDim(4)
                .hiddenSizes(4).outputSize(2).build().newBlock(), 1);
            return new Searched(this.student, null, 1, "val_accuracy", 0.5, 10, List.of(), List.of(), false,
                    this.tuned);
        }

        @Override
        public void chosen(Searched searched) {
            call("chosen");
        }

        @Override
        public Evaluation evaluation() {
            call("evaluation");
            return null;
        }

        @Override
        public ExportStage.Exported export(Evaluation evaluation, Searched searched, StudentData data)
                throws IOException {
            call("export");
            return new ExportStage.Exported(DistillationRunTests.this.dir.resolve("student-fp32.onnx"), null, 0);
        }

        @Override
        public QuantizeStage.Quantized quantize(Evaluation evaluation, ExportStage.Exported exported,
                StudentData data) {
            call("quantize");
            return new QuantizeStage.Quantized(DistillationRunTests.this.dir.resolve("student-int8.onnx"), null, 0.9,
                    0.9, SpeedProbe.Figures.UNKNOWN, SpeedProbe.Figures.UNKNOWN);
        }

        @Override
        public CompatibilityStage.Compatibility compatibility(QuantizeStage.Quantized quantized) {
            call("compatibility");
            return null;
        }

        @Override
        public ReportStage.Written report(ReportStage.Inputs inputs) {
            call("report");
            ModelFigures figures = ModelFigures.metricOnly(0.9);
            Path out = DistillationRunTests.this.dir;
            return new ReportStage.Written(out.resolve("report.json"), out.resolve("report.html"), figures, figures,
                    figures, List.of(), Map.of());
        }

        @Override
        public long register(QuantizeStage.Quantized quantized, StudentData data) {
            call("register");
            return 7;
        }

        @Override
        public void succeeded() {
            call("succeeded");
        }
    }
}
