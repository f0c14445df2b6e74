package io.distill4j.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.report.DistillationReportWriter;
import io.distill4j.pipeline.report.TeacherChoice;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.testing.NegationData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole job on all-MiniLM-L6-v2 with the default fine-tuning policy, on a task the frozen encoder does
 * not master and with enough validation examples to compare on: the probe runs, and the report (JSON and
 * HTML) and a progress milestone say what the teacher became, why, and on which figures.
 */
class AutoFineTuningIT {

    @Test
    void theProbeRunsAndTheReportCarriesTheChoiceWithItsFigures(@TempDir Path dir) throws Exception {
        Path train = NegationData.write(dir.resolve("data/train.csv"), 192, 1);
        Path validation = NegationData.write(dir.resolve("data/validation.csv"), 120, 2);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).threads(2).maxEpochs(1)
                .maxSequenceLength(16).build();
        DistillationSpec spec = DistillationSpec.builder().name("negation")
                .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train).validation(validation)).budget(Budget.of(Duration.ofMinutes(20), 1)).build();
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationJob job = distiller.submit(spec);
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            job.subscribe(events::add);
            DistillationResult result = job.await(Duration.ofMinutes(10));

            assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
            TeacherChoice choice = DistillationReportWriter.readJson(result.files().reportJson()).teacherChoice()
                    .orElseThrow();
            assertThat(choice.validationExamples()).isEqualTo(120);
            assertThat(choice.frozenAccuracy()).isBetween(0.0, 0.98);
            assertThat(choice.probeTrainExamples()).isEqualTo(192);
            assertThat(choice.probeValidationExamples()).isEqualTo(120);
            // 192 examples, batch 32, 3 epochs at most (patience 1 may stop after 2).
            assertThat(choice.probeSteps()).isBetween(12, 18);
            assertThat(choice.probeDuration()).isPositive();
            assertThat(choice.probeAccuracy()).isBetween(0.0, 1.0);
            assertThat(choice.equalDataFrozenAccuracy()).isBetween(0.0, 1.0);
            assertThat(choice.estimatedFineTuning()).hasValueSatisfying(d -> assertThat(d).isPositive());
            assertThat(choice.budget()).isEqualTo(Duration.ofMinutes(20));
            assertThat(choice.reason()).matches("(fine-tuned|kept the frozen head): probe 0\\.\\d{3} vs frozen "
                    + "0\\.\\d{3} at 192 examples.*");
            assertThat(choice.fineTuned()).isEqualTo(choice.reason().startsWith("fine-tuned"));
            assertThat(choice.fineTuned()).isEqualTo(choice.probeAccuracy() - choice.equalDataFrozenAccuracy()
                    >= 0.01 - 1e-9);
            assertThat(Files.readString(result.files().reportHtml()))
                    .contains("<section id=\"teacher-choice\">").contains(choice.reason());
            assertThat(events).map(ProgressEvent::message).contains("teacher: " + choice.reason())
                    .anyMatch(m -> m.startsWith("teacher: probe: fine-tuning epoch 1/3"));
        }
    }
}
