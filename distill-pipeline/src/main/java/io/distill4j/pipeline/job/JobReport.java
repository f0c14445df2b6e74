package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.Stage;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.report.DataSummary;
import io.distill4j.pipeline.report.DistillationReport;
import io.distill4j.pipeline.report.DistillationReportWriter;
import io.distill4j.pipeline.report.EpochRecord;
import io.distill4j.pipeline.report.QuantizationSummary;
import io.distill4j.pipeline.report.StageRecord;
import io.distill4j.pipeline.report.TrialRecord;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.train.TrainingEpoch;

/** Turns what a {@link DistillationRun} measured into a {@link DistillationReport} and writes it as JSON and HTML. */
final class JobReport {

    private JobReport() {
    }

    static DistillationReport write(Path json, Path html, PipelineJob job, PreparedData data,
            TeacherOutcome teacher, DistillationRun.Searched searched,
            DistillationResult.ModelFigures teacherFigures, DistillationResult.ModelFigures fp32,
            DistillationResult.ModelFigures int8, List<DistillationResult.GateOutcome> gates,
            QuantizationResult quantized, CompatibilityReport cpu, CompatibilityReport cuda,
            Map<Stage, StageRecord> stages, Map<String, String> hyperParameters) throws IOException {
        DistillationReport.Builder report = DistillationReport.builder(job.id(), job.spec().task())
                .name(job.spec().name())
                .figures(teacherFigures, fp32, int8)
                .hyperParameters(hyperParameters)
                .data(DataSummary.fromReports(rows(data), data.reports()))
                .quantization(QuantizationSummary.from(quantized))
                .compatibility("CPU", cpu.verdict().label())
                .compatibility("CUDA", cuda.verdict().label());
        stages.values().forEach(report::stage);
        for (io.distill4j.pipeline.tune.TrialRecord trial : searched.trials()) {
            report.trial(trial(trial));
        }
        if (searched.tuned()) {
            report.chosenTrial(Integer.toString(searched.trial()));
        }
        for (TrainingEpoch epoch : searched.history()) {
            report.epoch(new EpochRecord(epoch.epoch(), epoch.trainLoss(), epoch.validationScore(),
                    epoch.learningRate()));
        }
        gates.forEach(report::gate);
        if (searched.stoppedByBudget()) {
            report.warning("The time budget ended the search after " + searched.trials().size() + " trials; the best "
                    + "student so far was kept");
        }
        if (teacher.allCached()) {
            report.warning("The teacher did not run: every split came from the soft-target cache");
        }
        if (!cuda.fallbacks().isEmpty() || cuda.verdict() != CompatibilityVerdict.COMPATIBLE) {
            report.warning(String.format(Locale.ROOT, "On CUDA the student is %s: %s", cuda.verdict().label(),
                    cuda.summary().lines().findFirst().orElse("")));
        }
        gates.stream().filter(g -> !g.passed()).forEach(g -> report.warning(String.format(Locale.ROOT,
                "Gate not met: %s (measured %.4f, required %.4f)", g.description(), g.measured(), g.required())));
        DistillationReport built = report.build();
        DistillationReportWriter.writeJson(built, json);
        DistillationReportWriter.writeHtml(built, html);
        return built;
    }

    private static Map<String, Long> rows(PreparedData data) {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("train", (long) data.train().size());
        if (data.transfer() != data.train()) {
            rows.put("augmented", (long) (data.transfer().size() - data.train().size()));
        }
        rows.put("validation", (long) data.validation().size());
        data.test().map(TextDataset::size).ifPresent(n -> rows.put("test", (long) n));
        return rows;
    }

    private static TrialRecord trial(io.distill4j.pipeline.tune.TrialRecord trial) {
        String id = Integer.toString(trial.id());
        Map<String, String> settings = trial.candidate().describe();
        Duration duration = trial.duration();
        return switch (trial.status()) {
            case COMPLETED -> TrialRecord.completed(id, trial.rung(), settings, trial.epochs(), trial.score(), duration);
            case STOPPED_BY_BUDGET -> TrialRecord.pruned(id, trial.rung(), settings, trial.epochs(), trial.score(),
                    duration, trial.detail().isEmpty() ? "the time budget ran out" : trial.detail());
            case FAILED -> TrialRecord.failed(id, trial.rung(), settings, trial.epochs(), duration,
                    trial.detail().isEmpty() ? "failed" : trial.detail());
        };
    }
}
