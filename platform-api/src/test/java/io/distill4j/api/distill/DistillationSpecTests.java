package io.distill4j.api.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.TaskType;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.ErrorCode;
import org.junit.jupiter.api.Test;

class DistillationSpecTests {

    private static final TeacherSpec MINILM = TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"),
            Path.of("minilm/tokenizer.json"));

    @Test
    void theReadmeExampleBuildsWithSaneDefaults() {
        DistillationSpec spec = DistillationSpec.builder()
                .teacher(MINILM)
                .data(DataSpec.tsv(Path.of("banking77/train.tsv")).test(Path.of("banking77/test.tsv")))
                .task(DistillationTask.TEXT_CLASSIFICATION)
                .gate(QualityGate.relativeToTeacher(0.97))
                .register("banking77-student")
                .build();

        assertThat(spec.name()).isEqualTo("minilm-distill");
        assertThat(spec.student()).isEqualTo(StudentSpec.auto());
        assertThat(spec.budget()).isEqualTo(Budget.ofDefaults());
        assertThat(spec.budget().maxDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(spec.seed()).isEqualTo(42);
        assertThat(spec.augmentation().isEnabled()).isFalse();
        assertThat(spec.memoryMode()).isEqualTo(MemoryMode.STAGED);
        assertThat(spec.softTargetPrecision()).isEqualTo(SoftTargetPrecision.FLOAT32);
        assertThat(spec.output()).isEmpty();
        assertThat(spec.register()).contains("banking77-student");
        assertThat(spec.gates()).singleElement().satisfies(g -> assertThat(g.describe(spec.task()))
                .isEqualTo("accuracy after INT8 >= 97.0 % of the teacher's"));
        assertThat(spec.task().taskType()).isEqualTo(TaskType.TEXT_CLASSIFICATION);
        assertThat(spec.toBuilder().seed(7).build()).satisfies(copy -> {
            assertThat(copy.seed()).isEqualTo(7);
            assertThat(copy.gates()).isEqualTo(spec.gates());
            assertThat(copy.register()).isEqualTo(spec.register());
        });
    }

    @Test
    void missingAndInvalidFieldsAreNamed() {
        DataSpec data = DataSpec.tsv(Path.of("train.tsv"));
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder().data(data).build())
                .withMessage("teacher must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder().teacher(MINILM).build())
                .withMessage("data must not be null");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DistillationSpec.builder().teacher(MINILM).data(data).register("../x").build())
                .withMessageStartingWith("register: ");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DistillationSpec.builder().teacher(MINILM).data(data.unlabeled()).build())
                .withMessageContaining("data: an encoder teacher needs labelled data");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DistillationSpec.builder()
                        .teacher(TeacherSpec.precomputedLogits(Path.of("logits.jsonl"), Path.of("tokenizer.json")))
                        .data(data).task(DistillationTask.TEXT_EMBEDDING).build())
                .withMessageContaining("cannot teach TEXT_EMBEDDING");
        assertThatIllegalArgumentException().isThrownBy(() -> Budget.of(Duration.ZERO, 4))
                .withMessageContaining("budget.maxDuration must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> Budget.ofDefaults().maxTrials(0))
                .withMessage("budget.maxTrials must be in [1, 1000], was 0");
    }

    @Test
    void precomputedTeacherOutputsAreKeptAndRefusedForTeachersThatDoNotRunAModelOfTheEngine() {
        DataSpec data = DataSpec.tsv(Path.of("train.tsv"));
        DistillationSpec spec = DistillationSpec.builder().teacher(MINILM).data(data)
                .teacherOutputs(Path.of("teacher-outputs")).build();
        assertThat(spec.teacherOutputs()).contains(Path.of("teacher-outputs"));
        assertThat(spec.toBuilder().build().teacherOutputs()).contains(Path.of("teacher-outputs"));
        assertThat(DistillationSpec.builder().teacher(MINILM).data(data).build().teacherOutputs()).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder()
                .teacher(TeacherSpec.precomputedLogits(Path.of("logits.jsonl"), Path.of("tokenizer.json")))
                .data(data).teacherOutputs(Path.of("teacher-outputs")).build())
                .withMessageStartingWith("teacherOutputs: ").withMessageContaining("PrecomputedLogits");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder().teacherOutputs(Path.of("")))
                .withMessageContaining("teacherOutputs");
    }

    @Test
    void aScheduleIsRefusedWhereThereIsNothingToScheduleNamingTheField() {
        DataSpec data = DataSpec.tsv(Path.of("train.tsv"));
        StudentSpec.Training training = StudentSpec.Training.of(3e-3f, 2f, 0.5f);
        DistillationSpec.Builder embedding = DistillationSpec.builder().teacher(MINILM).data(data)
                .task(DistillationTask.TEXT_EMBEDDING);
        assertThatIllegalArgumentException().isThrownBy(() -> embedding
                .student(StudentSpec.bagOfEmbeddings(64, 32).training(training.temperatureAnnealing(true))).build())
                .withMessage("student.training.temperatureAnnealing applies to TEXT_CLASSIFICATION only: the "
                        + "TEXT_EMBEDDING losses have no temperature or alpha to schedule");
        assertThatIllegalArgumentException().isThrownBy(() -> embedding
                .student(StudentSpec.bagOfEmbeddings(64, 32).training(training.hardLabelWarmupEpochs(1))).build())
                .withMessageStartingWith("student.training.hardLabelWarmupEpochs applies to TEXT_CLASSIFICATION only");
        assertThat(embedding.student(StudentSpec.bagOfEmbeddings(64, 32).training(training)).build().student()
                .training()).as("an embedding job may still pin the learning rate").contains(training);

        TeacherSpec logits = TeacherSpec.precomputedLogits(Path.of("logits.jsonl"), Path.of("tokenizer.json"));
        DistillationSpec.Builder unlabelled = DistillationSpec.builder().teacher(logits).data(data.unlabeled());
        assertThatIllegalArgumentException().isThrownBy(() -> unlabelled
                .student(StudentSpec.bagOfEmbeddings(64, 32).training(training.hardLabelWarmupEpochs(1))).build())
                .withMessageStartingWith("student.training.hardLabelWarmupEpochs needs labelled data");
        assertThat(unlabelled.student(StudentSpec.bagOfEmbeddings(64, 32).training(training.temperatureAnnealing(true)))
                .build().student().training()).as("annealing needs no labels").isPresent();
    }

    @Test
    void gatesCompareRelativeOrAbsolute() {
        QualityGate relative = QualityGate.relativeToTeacher(0.97);
        assertThat(relative.passes(0.90, 0.92)).isTrue();
        assertThat(relative.passes(0.89, 0.92)).isFalse();
        QualityGate absolute = QualityGate.minimum("macro_f1", 0.8).beforeInt8();
        assertThat(absolute.passes(0.8, 0.99)).isTrue();
        assertThat(absolute.describe(DistillationTask.TEXT_CLASSIFICATION)).isEqualTo("macro_f1 before INT8 >= 0.8");
        assertThat(QualityGate.relativeToTeacher(0.9).metricFor(DistillationTask.TEXT_EMBEDDING)).isEqualTo("spearman");
        assertThatIllegalArgumentException().isThrownBy(() -> QualityGate.relativeToTeacher(1.5))
                .withMessageContaining("(0, 1]");
        assertThatIllegalArgumentException().isThrownBy(() -> QualityGate.minimum(" ", 1))
                .withMessageContaining("gate.metric must not be blank");
    }

    @Test
    void progressEventsAreChecked() {
        ProgressEvent event = new ProgressEvent("job-1", JobState.RUNNING, Stage.TEACHER, 10, 100, 0.2,
                Map.of("texts_per_s", 250.0), Optional.of(Duration.ofSeconds(30)), "teacher: 10 of 100 batches",
                Instant.EPOCH);
        assertThat(event.metrics()).containsEntry("texts_per_s", 250.0);
        assertThatIllegalArgumentException().isThrownBy(() -> new ProgressEvent("job-1", JobState.RUNNING,
                Stage.TEACHER, 0, -1, 1.5, Map.of(), Optional.empty(), "", Instant.EPOCH))
                .withMessage("fraction must be in [0, 1], was 1.5");
        assertThatIllegalArgumentException().isThrownBy(() -> new ProgressEvent("job-1", JobState.RUNNING,
                Stage.TEACHER, -1, -1, 0, Map.of(), Optional.empty(), "", Instant.EPOCH))
                .withMessage("step must be >= 0, was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> new ProgressEvent("job-1", JobState.RUNNING,
                Stage.TEACHER, 11, 10, 0, Map.of(), Optional.empty(), "", Instant.EPOCH))
                .withMessage("step must be <= totalSteps (10), was 11");
        Map<String, Double> withNull = new java.util.HashMap<>();
        withNull.put("loss", null);
        assertThatIllegalArgumentException().isThrownBy(() -> new ProgressEvent("job-1", JobState.RUNNING,
                Stage.STUDENT, 0, -1, 0, withNull, Optional.empty(), "", Instant.EPOCH))
                .withMessage("metrics['loss'] must not be null");
        Map<String, Double> ordered = new java.util.LinkedHashMap<>();
        ordered.put("loss", 0.5);
        ordered.put("accuracy", 0.9);
        ProgressEvent keepsOrder = new ProgressEvent("job-1", JobState.RUNNING, Stage.STUDENT, 0, -1, 0, ordered,
                Optional.empty(), "", Instant.EPOCH);
        assertThat(keepsOrder.metrics().keySet()).containsExactly("loss", "accuracy");
        ordered.put("lr", 1e-3);
        assertThat(keepsOrder.metrics()).hasSize(2);
    }

    @Test
    void jobStatesAndExceptionsSayWhetherTheJobEnded() {
        assertThat(List.of(JobState.values())).filteredOn(JobState::isTerminal)
                .containsExactly(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
        DistillationCancelledException cancelled = new DistillationCancelledException("job-1", "cancelled by user");
        assertThat(cancelled).isInstanceOf(DistillationException.class);
        assertThat(cancelled.code()).isEqualTo(ErrorCode.DISTILLATION_CANCELLED);
        assertThat(new DistillationException("job-1", "failed", null).code()).isEqualTo(ErrorCode.DISTILLATION_FAILED);
    }

    @Test
    void quotingIsAutoUnlessSetAndSurvivesEveryCopy() {
        DataSpec data = DataSpec.tsv(Path.of("reviews.tsv"));
        assertThat(data.quoting()).isEqualTo(Quoting.AUTO);

        DataSpec literal = data.quoting(Quoting.NONE).test(Path.of("test.tsv")).header(false).textColumn(0)
                .labelColumn(1).validationShare(0.2).maxBadRowShare(0.05);

        assertThat(literal.quoting()).isEqualTo(Quoting.NONE);
        assertThat(DataSpec.csv(Path.of("a.csv")).quoting(Quoting.RFC_4180).quoting()).isEqualTo(Quoting.RFC_4180);
        assertThatIllegalArgumentException().isThrownBy(() -> data.quoting(null)).withMessage("data.quoting must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> DataSpec.jsonLines(Path.of("a.jsonl")).quoting(Quoting.NONE))
                .withMessageStartingWith("data.quoting applies to CSV and TSV files").withMessageEndingWith("was NONE");
    }

    @Test
    void dataFormatsAndTeacherNamesComeFromPaths() {
        assertThat(DataSpec.of(Path.of("a/train.tsv")).format()).isEqualTo(DataFormat.TSV);
        assertThat(DataSpec.of(Path.of("a/train.csv")).format()).isEqualTo(DataFormat.CSV);
        assertThat(DataSpec.of(Path.of("a/train.jsonl")).format()).isEqualTo(DataFormat.JSON_LINES);
        assertThat(DataSpec.of(Path.of("a/train.ndjson")).format()).isEqualTo(DataFormat.JSON_LINES);
        assertThat(DataSpec.of(Path.of("a/TRAIN.TAB")).format()).isEqualTo(DataFormat.TSV);
        assertThat(DataSpec.of(Path.of("a/train.JsonLines")).format()).isEqualTo(DataFormat.JSON_LINES);
        assertThatIllegalArgumentException().isThrownBy(() -> DataSpec.of(Path.of("a/train")));
        DataSpec original = DataSpec.tsv(Path.of("train.tsv"));
        DataSpec derived = original.test(Path.of("test.tsv"));
        assertThat(original.test()).isEmpty();
        assertThat(derived.test()).contains(Path.of("test.tsv"));
        assertThat(TeacherSpec.onnxEncoder(Path.of("models/minilm/model.onnx"), Path.of("t.json")).name())
                .isEqualTo("minilm");
        assertThatIllegalArgumentException().isThrownBy(() -> DataSpec.of(Path.of("a/train.xlsx")));
        assertThat(TeacherSpec.onnxClassifier(Path.of("sst2-bert.onnx"), Path.of("t.json")).name())
                .isEqualTo("sst2-bert");
        assertThat(TeacherSpec.repositoryModel("minilm").supports(DistillationTask.TEXT_EMBEDDING)).isTrue();
    }

    @Test
    void anEncoderTeacherPoolsByTheMeanUnlessTheSpecSaysOtherwise() {
        Path model = Path.of("bge/model.onnx");
        Path tokenizer = Path.of("bge/tokenizer.json");

        assertThat(TeacherSpec.onnxEncoder(model, tokenizer).pooling()).isEqualTo(Pooling.MEAN);
        assertThat(TeacherSpec.onnxEncoder(model, tokenizer, Pooling.CLS).pooling()).isEqualTo(Pooling.CLS);
        assertThat(Pooling.CLS.id()).isEqualTo("cls");
        assertThat(Pooling.MEAN.id()).isEqualTo("mean");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.onnxEncoder(model, tokenizer, null))
                .withMessageContaining("teacher.pooling");
    }
}
