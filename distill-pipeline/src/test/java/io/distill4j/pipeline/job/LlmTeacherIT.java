package io.distill4j.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.TargetSource;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.report.DistillationReport;
import io.distill4j.pipeline.report.DistillationReportWriter;
import io.distill4j.pipeline.report.LabellingSummary;
import io.distill4j.pipeline.testing.KeywordLabellingModel;
import io.distill4j.pipeline.testing.MiniLmFiles;

/**
 * A labelling model as the teacher of unlabelled data, end to end: the model (an in-process stand-in that
 * answers by keyword, fails transiently and answers some texts outside the label set) labels every text, the
 * student learns its answers on the real pipeline, and is registered and served; the report says what was
 * asked, left out and spent; a second job asks the model nothing.
 */
class LlmTeacherIT {

    private static final LabelSet TOPICS = LabelSet.of("card", "transfer", "exchange");

    @Test
    void unlabelledTextsLabelledByAModelBecomeARegisteredStudentAndASecondJobAsksNothing(@TempDir Path dir)
            throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 60, 1);
        Path test = TopicData.write(dir.resolve("data/test.csv"), 10, 2);
        KeywordLabellingModel model = new KeywordLabellingModel(Map.of("card", "card", "transfer", "transfer"), 1,
                text -> text.contains("urgent"), text -> false, 0);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models"))
                .threads(2).maxEpochs(3).labellingModel("keywords", model)
                .labellingLimits(LabellingLimits.builder().concurrency(4)
                        .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).pricePerMillionTokens(1.0, 2.0).build())
                .build();
        DistillationSpec spec = DistillationSpec.builder().name("topics-llm")
                .teacher(TeacherSpec.llm("keywords", TOPICS, MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train).unlabeled().test(test)).budget(Budget.of(Duration.ofMinutes(10), 4))
                .register("topics-llm-student").build();

        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(spec);
            int asked = model.calls.get();

            DistillationReport report = DistillationReportWriter.fromJson(Files.readString(result.files().reportJson()));
            LabellingSummary labelling = report.labelling().orElseThrow();
            assertThat(labelling.model()).isEqualTo("keywords:test");
            assertThat(labelling.asked()).isEqualTo(labelling.texts()).isPositive();
            assertThat(labelling.fromJournal()).isZero();
            assertThat(labelling.unanswered()).isPositive();
            assertThat(labelling.outOfSetAnswers()).isEqualTo(3L * labelling.unanswered());
            assertThat(labelling.leftOut().get("train")).isPositive();
            assertThat(labelling.sources()).containsOnlyKeys(TargetSource.SINGLE_ANSWER);
            assertThat(labelling.retries()).isEqualTo(labelling.texts());
            assertThat(labelling.cost()).isPresent();
            assertThat(asked).isEqualTo(2 * labelling.texts());
            assertThat(Files.readString(result.files().reportHtml())).contains("Labelling model")
                    .contains("no answer in the label set");

            // The stand-in answers every transfer text without the word "transfer" as "exchange": its test
            // accuracy is well above chance but not perfect, and the student learns it.
            assertThat(result.teacher().metric()).isGreaterThan(0.6).isLessThan(1.0);
            assertThat(result.studentInt8().metric()).isGreaterThan(0.5);
            assertThat(result.registeredModel()).contains("topics-llm-student");
            try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                    .modelRepository(dir.resolve("models")).build())) {
                engine.load("topics-llm-student");
                assertThat(engine.classify("topics-llm-student", List.of("Hello, my card was declined, Thanks."), 1)
                        .get(0).top().get(0).label()).isEqualTo("card");
            }

            DistillationResult again = distiller.distill(spec);
            assertThat(model.calls).hasValue(asked);
            LabellingSummary second = DistillationReportWriter.fromJson(Files.readString(again.files().reportJson()))
                    .labelling().orElseThrow();
            assertThat(second.fromJournal()).isEqualTo(labelling.texts());
            assertThat(second.spent().requests()).isZero();
            assertThat(again.teacher().metric()).isEqualTo(result.teacher().metric());
        }
    }

    @Test
    void theModelsLabelsTeachAnEncoderThatTeachesTheStudentOnEveryText(@TempDir Path dir) throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 40, 4);
        Path test = TopicData.write(dir.resolve("data/test.csv"), 10, 5);
        KeywordLabellingModel model = KeywordLabellingModel.answering(Map.of("card", "card", "transfer", "transfer"));
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).threads(2).maxEpochs(3)
                .labellingModel("keywords", model).labellingLimits(LabellingLimits.builder().concurrency(1).build())
                .build();
        // A budget of 50 requests for 120 texts: the encoder labels what the model was not asked.
        TeacherSpec.Llm teacher = TeacherSpec.llm("keywords", TOPICS, MiniLmFiles.tokenizer())
                .budget(new LabellingBudget(50, 0))
                .encoder(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer())
                        .fineTuningPolicy(FineTuningPolicy.NEVER));
        DistillationSpec spec = DistillationSpec.builder().name("topics-llm-encoder").teacher(teacher)
                .data(DataSpec.csv(train).unlabeled().test(test)).budget(Budget.of(Duration.ofMinutes(10), 2))
                .build();

        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(spec);

            assertThat(model.calls).hasValue(50);
            DistillationReport report = DistillationReportWriter.fromJson(Files.readString(result.files().reportJson()));
            LabellingSummary labelling = report.labelling().orElseThrow();
            // Only the distinct training and validation texts are for the model; the test split is the encoder's.
            assertThat(labelling.texts()).isBetween(100, 120);
            assertThat(labelling.asked()).isEqualTo(50);
            assertThat(labelling.notAsked()).isEqualTo(labelling.texts() - 50);
            assertThat(labelling.budgetReached()).isTrue();
            assertThat(labelling.leftOut()).isEmpty();
            assertThat(report.teacherChoice()).isPresent();
            // The frozen MiniLM head fitted on the model's 50 answers labels the test split as the model would:
            // well above chance (1/3), and no better than the stand-in's own keyword answers.
            assertThat(result.teacher().metric()).isGreaterThan(0.6);
            assertThat(result.studentInt8().metric()).isGreaterThan(0.5);
        }
    }

    @Test
    void withoutAnyLabelTheScoredMetricIsTheAgreementWithTheModelsAnswers(@TempDir Path dir) throws Exception {
        Path train = TopicData.write(dir.resolve("data/train.csv"), 30, 3);
        KeywordLabellingModel model = KeywordLabellingModel.answering(Map.of("card", "card", "transfer", "transfer"));
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).threads(2).maxEpochs(3)
                .labellingModel("keywords", model).build();
        DistillationSpec spec = DistillationSpec.builder().name("topics-unlabelled")
                .teacher(TeacherSpec.llm("", TOPICS, MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train).unlabeled()).budget(Budget.of(Duration.ofMinutes(10), 1)).build();

        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(spec);
            // Scored against the model's answers, not NaN for want of labels; the teacher agrees with itself.
            assertThat(result.teacher().metric()).isEqualTo(1.0);
            assertThat(result.studentInt8().metric()).isBetween(0.0, 1.0);
            assertThat(result.studentFp32().metric()).isBetween(0.0, 1.0);
            DistillationReport report = DistillationReportWriter.fromJson(Files.readString(result.files().reportJson()));
            assertThat(report.warnings()).anySatisfy(warning -> assertThat(warning)
                    .contains("agreement with the teacher's answers"));
        }
    }
}
