package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.distill.DistillationResult.GateOutcome;
import io.distill4j.api.distill.DistillationResult.ModelFigures;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.QualityGate;
import io.distill4j.api.distill.Stage;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.report.DataSummary;
import io.distill4j.pipeline.report.DistillationReport;
import io.distill4j.pipeline.report.DistillationReportWriter;
import io.distill4j.pipeline.report.QuantizationSummary;
import io.distill4j.pipeline.speed.SpeedProbe;
import io.distill4j.pipeline.teacher.TeacherOutcome;

/**
 * {@link Stage#REPORT}: puts the figures of teacher, fp32 and INT8 student side by side, judges the
 * spec's quality gates, and writes everything the job measured — data, stages, trials, the chosen trial's
 * epochs, quantization, compatibility, warnings — as {@code report.json} and {@code report.html}.
 */
final class ReportStage {

    private ReportStage() {
    }

    /**
     * What the report says, for the job's result.
     *
     * @param json the JSON report
     * @param html the HTML report
     * @param teacher the teacher's figures (metric only when it has no model)
     * @param fp32 the exported student's figures
     * @param int8 the INT8 student's figures
     * @param gates each quality gate's outcome
     * @param hyperParameters the chosen student's settings
     */
    record Written(Path json, Path html, ModelFigures teacher, ModelFigures fp32, ModelFigures int8,
            List<GateOutcome> gates, Map<String, String> hyperParameters) {
    }

    /** What the stages before this one left. */
    record Inputs(PreparedData data, TeacherOutcome teacher, StudentData students, Searched searched,
            ExportStage.Exported exported, QuantizeStage.Quantized quantized,
            CompatibilityStage.Compatibility compatibility) {
    }

    static Written run(RunContext run, Inputs in) throws IOException {
        ModelFigures teacher = in.teacher().model()
            .map(m -> new ModelFigures(in.students().teacherMetric(), m.parameters(), m.fileBytes(),
                    m.speed().p50LatencyMillis(), m.speed().throughput()))
            .orElseGet(() -> ModelFigures.metricOnly(in.students().teacherMetric()));
        QuantizeStage.Quantized q = in.quantized();
        ModelFigures fp32 = figures(q.fp32Metric(), in.searched().parameters(), in.exported().file(), q.fp32Speed());
        ModelFigures int8 = figures(q.int8Metric(), in.searched().parameters(), q.file(), q.int8Speed());
        List<GateOutcome> gates = gates(run.spec(), teacher.metric(), fp32.metric(), int8.metric());
        Map<String, String> hyperParameters = hyperParameters(run, in);
        Path json = run.outputFile("report.json");
        Path html = run.outputFile("report.html");
        DistillationReport report = build(run, in, teacher, fp32, int8, gates, hyperParameters);
        DistillationReportWriter.writeJson(report, json);
        DistillationReportWriter.writeHtml(report, html);
        return new Written(json, html, teacher, fp32, int8, gates, hyperParameters);
    }

    private static ModelFigures figures(double metric, long parameters, Path file, SpeedProbe.Figures speed)
            throws IOException {
        return new ModelFigures(metric, parameters, Files.size(file), speed.p50LatencyMillis(), speed.throughput());
    }

    /** Each gate of the spec judged on the measured figures; a gate on a metric the task lacks fails. */
    static List<GateOutcome> gates(DistillationSpec spec, double teacher, double fp32, double int8) {
        List<GateOutcome> outcomes = new ArrayList<>();
        for (QualityGate gate : spec.gates()) {
            String metric = gate.metricFor(spec.task());
            double student = gate.afterInt8() ? int8 : fp32;
            if (!metric.equals(spec.task().primaryMetric())) {
                outcomes.add(new GateOutcome(gate.describe(spec.task()) + " (metric '" + metric
                        + "' is not measured for " + spec.task() + ")", Double.NaN, gate.threshold(), false));
                continue;
            }
            double required = gate.relative() ? gate.threshold() * teacher : gate.threshold();
            outcomes.add(new GateOutcome(gate.describe(spec.task()), student, required, gate.passes(student, teacher)));
        }
        return outcomes;
    }

    private static Map<String, String> hyperParameters(RunContext run, Inputs in) {
        Map<String, String> hyperParameters = new LinkedHashMap<>(in.searched().candidate().describe());
        hyperParameters.put("parameters", Long.toString(in.searched().parameters()));
        hyperParameters.put("epochs", Integer.toString(in.searched().epochs()));
        hyperParameters.put("maxEpochs", Integer.toString(run.config().maxEpochs()));
        hyperParameters.put("batchSize", Integer.toString(SearchStage.BATCH_SIZE));
        hyperParameters.put("memoryMode", in.teacher().mode().name());
        return hyperParameters;
    }

    private static DistillationReport build(RunContext run, Inputs in, ModelFigures teacher, ModelFigures fp32,
            ModelFigures int8, List<GateOutcome> gates, Map<String, String> hyperParameters) {
        CompatibilityReport cpu = in.compatibility().cpu();
        CompatibilityReport cuda = in.compatibility().cuda();
        Searched searched = in.searched();
        DistillationReport.Builder report = DistillationReport.builder(run.id(), run.spec().task())
            .name(run.spec().name())
            .figures(teacher, fp32, int8)
            .hyperParameters(hyperParameters)
            .data(summary(in.data()))
            .quantization(QuantizationSummary.from(in.quantized().result()))
            .compatibility("CPU", cpu.verdict().label())
            .compatibility("CUDA", cuda.verdict().label());
        in.teacher().choice().ifPresent(report::teacherChoice);
        in.teacher().labelling().ifPresent(report::labelling);
        run.clock().records().values().forEach(report::stage);
        searched.trials().forEach(report::trial);
        if (searched.tuned()) {
            report.chosenTrial(Integer.toString(searched.trial()));
        }
        searched.history().forEach(report::epoch);
        gates.forEach(report::gate);
        if (searched.stoppedByBudget()) {
            report.warning("The time budget ended the search after " + searched.trials().size() + " trials; the best "
                    + "student so far was kept");
        }
        if (!run.embedding() && !in.students().scoredHasLabels()) {
            report.warning("The scored split has no labels: its " + run.metricName() + " is the agreement with the "
                    + "teacher's answers (the teacher's own is 1); give a labelled test file for a true " + run.metricName());
        }
        if (in.teacher().allCached()) {
            report.warning("The teacher did not run: every split came from the soft-target cache");
        }
        if (!cuda.fallbacks().isEmpty() || cuda.verdict() != CompatibilityVerdict.COMPATIBLE) {
            report.warning(String.format(Locale.ROOT, "On CUDA the student is %s: %s", cuda.verdict().label(),
                    cuda.summary().lines().findFirst().orElse("")));
        }
        gates.stream().filter(g -> !g.passed()).forEach(g -> report.warning(String.format(Locale.ROOT,
                "Gate not met: %s (measured %.4f, required %.4f)", g.description(), g.measured(), g.required())));
        return report.build();
    }

    /** The data section: rows per split, bad rows, and the augmentation choice when there was one. */
    private static DataSummary summary(PreparedData data) {
        DataSummary summary = DataSummary.fromReports(rows(data), data.reports());
        return data.augmentation().map(summary::withAugmentation).orElse(summary);
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
}
