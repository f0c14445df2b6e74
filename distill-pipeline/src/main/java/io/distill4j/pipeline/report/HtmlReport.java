package io.distill4j.pipeline.report;

import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import io.distill4j.api.distill.DistillationResult.GateOutcome;
import io.distill4j.api.distill.DistillationResult.ModelFigures;

/** Renders a {@link DistillationReport} as one self-contained HTML page; see {@link DistillationReportWriter}. */
final class HtmlReport {

    /** The page's style sheet, shared with the generation report so both look alike. */
    static final String STYLE = """
            :root { color-scheme: light; }
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
            h1 { font-size: 1.6rem; margin-bottom: .2rem; }
            h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
            h3 { font-size: 1rem; margin-bottom: .3rem; }
            .meta { color: #57606a; margin-top: 0; }
            table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
            th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
            th { background: #f6f8fa; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.chosen td { background: #eef6ff; }
            .pass { color: #1a7f37; font-weight: 600; }
            .fail { color: #cf222e; font-weight: 600; }
            .verdict { font-size: 1.05rem; }
            .warnings { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem 1rem; }
            .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
            .chart { max-width: 100%; height: auto; background: #fff; border: 1px solid #d0d7de; }
            .chart .axis { stroke: #57606a; stroke-width: 1; }
            .chart .grid { stroke: #eaeef2; stroke-width: 1; }
            .chart .series { fill: none; stroke: #0969da; stroke-width: 2; }
            .chart .point { fill: #0969da; }
            .chart text { font-size: 11px; fill: #1f2328; }
            .chart .label { font-size: 12px; fill: #57606a; }
            .chart .empty { font-size: 13px; fill: #57606a; }
            code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
            footer { margin-top: 3rem; color: #57606a; font-size: .85rem; }
            """;

    private final DistillationReport report;

    private final StringBuilder out = new StringBuilder(32 * 1024);

    HtmlReport(DistillationReport report) {
        this.report = report;
    }

    String render() {
        DistillationReport r = this.report;
        this.out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'\">\n")
                .append("<title>").append(e(r.name())).append(" - Distill4j distillation report</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        header();
        warnings();
        comparison();
        teacherChoice();
        labelling();
        gates();
        training();
        hyperParameters();
        trials();
        stages();
        data();
        quantization();
        compatibility();
        this.out.append("<footer>Distill4j distillation report, job <span class=\"mono\">").append(e(r.jobId()))
                .append("</span>, made ").append(e(DateTimeFormatter.ISO_INSTANT.format(r.created())))
                .append(". This page is self-contained: it loads nothing from anywhere.</footer>\n</body>\n</html>\n");
        return this.out.toString();
    }

    private void header() {
        DistillationReport r = this.report;
        this.out.append("<header>\n<h1>").append(e(r.name())).append("</h1>\n<p class=\"meta\">Job <span class=\"mono\">")
                .append(e(r.jobId())).append("</span> &middot; ").append(e(r.task().taskType().id()))
                .append(" &middot; metric <strong>").append(e(r.metric())).append("</strong> &middot; ")
                .append(e(DateTimeFormatter.ISO_INSTANT.format(r.created()))).append("</p>\n");
        long failed = r.gates().stream().filter(g -> !g.passed()).count();
        if (r.gates().isEmpty()) {
            this.out.append("<p class=\"verdict\">No quality gates were set.</p>\n");
        }
        else if (failed == 0) {
            this.out.append("<p class=\"verdict pass\">All ").append(r.gates().size())
                    .append(" quality gate(s) passed.</p>\n");
        }
        else {
            this.out.append("<p class=\"verdict fail\">").append(failed).append(" of ").append(r.gates().size())
                    .append(" quality gate(s) failed.</p>\n");
        }
        this.out.append("</header>\n");
    }

    private void warnings() {
        if (this.report.warnings().isEmpty()) {
            return;
        }
        this.out.append("<section id=\"warnings\" class=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for (String warning : this.report.warnings()) {
            this.out.append("<li>").append(e(warning)).append("</li>\n");
        }
        this.out.append("</ul>\n</section>\n");
    }

    private void comparison() {
        DistillationReport r = this.report;
        this.out.append("<section id=\"comparison\">\n<h2>Teacher and student</h2>\n<table>\n<thead><tr><th>model</th><th>")
                .append(e(r.metric()))
                .append("</th><th>parameters</th><th>file size</th><th>p50 latency</th><th>throughput</th>"
                        + "<th>compared with the teacher</th></tr></thead>\n<tbody>\n");
        figuresRow("Teacher", r.teacher(), null);
        figuresRow("Student (FP32)", r.studentFp32(), r.teacher());
        figuresRow("Student (INT8)", r.studentInt8(), r.teacher());
        this.out.append("</tbody>\n</table>\n<p class=\"meta\">Latency is the median for one text; throughput is "
                + "texts per second at batch 32, both on the inference engine.");
        if (!r.teacher().hasModel()) {
            this.out.append(" Teacher size and speed: not measured, the teacher was given as precomputed outputs, "
                    + "not as a model.");
        }
        this.out.append("</p>\n</section>\n");
    }

    private void teacherChoice() {
        if (this.report.teacherChoice().isEmpty()) {
            return;
        }
        TeacherChoice c = this.report.teacherChoice().get();
        this.out.append("<section id=\"teacher-choice\">\n<h2>Frozen head or fine-tuning</h2>\n<p class=\"verdict\">")
                .append(e(c.reason())).append("</p>\n<table>\n<tbody>\n");
        choiceRow("teacher", c.fineTuned() ? "encoder fine-tuned" : "head fitted on the frozen encoder");
        choiceRow("frozen head, validation accuracy", Html.metric(c.frozenAccuracy()) + " on "
                + Html.count(c.validationExamples()) + " examples");
        if (c.probeSteps() > 0) {
            choiceRow("probe", Html.count(c.probeTrainExamples()) + " training and "
                    + Html.count(c.probeValidationExamples()) + " validation examples, " + Html.count(c.probeSteps())
                    + " steps in " + Html.duration(c.probeDuration()));
            choiceRow("probe, validation accuracy", Html.metric(c.probeAccuracy()));
            choiceRow("frozen head on the probe's data", Html.metric(c.equalDataFrozenAccuracy()));
        }
        c.estimatedFineTuning().ifPresent(d -> choiceRow("fine-tuning, estimated", Html.duration(d)));
        choiceRow("budget", Html.duration(c.budget()));
        this.out.append("</tbody>\n</table>\n<p class=\"meta\">The probe is a short fine-tuning on a subsample, "
                + "compared with a frozen head fitted on the same subsample: a heuristic.</p>\n</section>\n");
    }

    private void labelling() {
        if (this.report.labelling().isEmpty()) {
            return;
        }
        LabellingSummary l = this.report.labelling().get();
        this.out.append("<section id=\"labelling\">\n<h2>Labelling model</h2>\n<p class=\"verdict\">")
                .append(e(l.model() + ": " + l.describe())).append("</p>\n<table>\n<tbody>\n");
        choiceRow("texts (distinct)", Html.count(l.texts()));
        choiceRow("answered from the journal", Html.count(l.fromJournal()));
        choiceRow("asked in this job", Html.count(l.asked()));
        if (l.notAsked() > 0 || l.budgetReached()) {
            choiceRow("not asked, budget reached", Html.count(l.notAsked()));
        }
        choiceRow("no answer in the label set", Html.count(l.unanswered()));
        choiceRow("answers outside the label set (asked again)", Html.count(l.outOfSetAnswers()));
        l.sources().forEach((source, n) -> choiceRow("soft targets from " + source.name().toLowerCase(
                Locale.ROOT).replace('_', ' '), Html.count(n)));
        l.leftOut().forEach((split, n) -> choiceRow("left out of " + split, Html.count(n)));
        choiceRow("retries after transient failures", Html.count(l.retries()));
        choiceRow("requests / prompt tokens / completion tokens", Html.count(l.spent().requests()) + " / "
                + Html.count(l.spent().promptTokens()) + " / " + Html.count(l.spent().completionTokens()));
        l.cost().ifPresent(c -> choiceRow("cost", String.format(Locale.ROOT, "%.4f", c)));
        choiceRow("journal", l.journal());
        this.out.append("</tbody>\n</table>\n<p class=\"meta\">Answers are kept in the journal by model, options and "
                + "prompt: a second job asks only what is not there.</p>\n</section>\n");
    }

    private void choiceRow(String label, String value) {
        this.out.append("<tr><th>").append(e(label)).append("</th><td>").append(e(value)).append("</td></tr>\n");
    }

    private void figuresRow(String label, ModelFigures figures, ModelFigures teacher) {
        this.out.append("<tr><th>").append(e(label)).append("</th>")
                .append(num(Html.metric(figures.metric())))
                .append(num(Html.count(figures.parameters())))
                .append("<td class=\"num\" title=\"").append(e(Html.count(figures.fileBytes()))).append(" bytes\">")
                .append(e(Html.bytes(figures.fileBytes()))).append("</td>")
                .append(num(Html.millis(figures.p50LatencyMillis())))
                .append(num(Html.throughput(figures.throughput())))
                .append("<td>").append(teacher == null ? "" : e(relative(figures, teacher))).append("</td></tr>\n");
    }

    /** E.g. {@code 98.7 % of the metric, 14.2x smaller, 6.3x faster}. */
    private static String relative(ModelFigures student, ModelFigures teacher) {
        StringBuilder text = new StringBuilder();
        if (Double.isFinite(student.metric()) && Double.isFinite(teacher.metric()) && teacher.metric() != 0) {
            text.append(Html.percent(student.metric() / teacher.metric())).append(" of the metric");
        }
        if (student.fileBytes() > 0 && teacher.fileBytes() > 0) {
            appendPart(text, ratio((double) teacher.fileBytes() / student.fileBytes()) + " smaller");
        }
        if (student.p50LatencyMillis() > 0 && teacher.p50LatencyMillis() > 0) {
            appendPart(text, ratio(teacher.p50LatencyMillis() / student.p50LatencyMillis()) + " faster");
        }
        return text.toString();
    }

    private static void appendPart(StringBuilder text, String part) {
        if (text.length() > 0) {
            text.append(", ");
        }
        text.append(part);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.1fx", value);
    }

    private void gates() {
        List<GateOutcome> gates = this.report.gates();
        this.out.append("<section id=\"gates\">\n<h2>Quality gates</h2>\n");
        if (gates.isEmpty()) {
            this.out.append("<p>None were set.</p>\n</section>\n");
            return;
        }
        this.out.append("<table>\n<thead><tr><th>gate</th><th>measured</th><th>required</th><th>outcome</th></tr>"
                + "</thead>\n<tbody>\n");
        for (GateOutcome gate : gates) {
            this.out.append("<tr><td>").append(e(gate.description())).append("</td>")
                    .append(num(Html.metric(gate.measured()))).append(num(Html.metric(gate.required())))
                    .append(gate.passed() ? "<td class=\"pass\">passed</td>" : "<td class=\"fail\">failed</td>")
                    .append("</tr>\n");
        }
        this.out.append("</tbody>\n</table>\n</section>\n");
    }

    private void training() {
        List<EpochRecord> curve = this.report.trainingCurve();
        this.out.append("<section id=\"training\">\n<h2>Training of the student</h2>\n");
        if (curve.isEmpty()) {
            this.out.append("<p>No training curve was recorded.</p>\n</section>\n");
            return;
        }
        long[] epochs = curve.stream().mapToLong(EpochRecord::epoch).toArray();
        double[] loss = curve.stream().mapToDouble(EpochRecord::trainLoss).toArray();
        double[] score = curve.stream().mapToDouble(EpochRecord::validationScore).toArray();
        String metric = this.report.metric();
        this.out.append("<div class=\"charts\">\n<figure>\n<figcaption>Training loss per epoch</figcaption>\n")
                .append(SvgLineChart.render("Training loss per epoch", "epoch", "training loss", epochs, loss, "%.4f"))
                .append("</figure>\n<figure>\n<figcaption>Validation ").append(e(metric))
                .append(" per epoch</figcaption>\n")
                .append(SvgLineChart.render("Validation " + metric + " per epoch", "epoch", "validation " + metric,
                        epochs, score, "%.4f"))
                .append("</figure>\n</div>\n");
        this.out.append("<table>\n<thead><tr><th>epoch</th><th>training loss</th><th>validation ").append(e(metric))
                .append("</th><th>learning rate</th></tr></thead>\n<tbody>\n");
        for (EpochRecord epoch : curve) {
            this.out.append("<tr>").append(num(Integer.toString(epoch.epoch())))
                    .append(num(Html.metric(epoch.trainLoss()))).append(num(Html.metric(epoch.validationScore())))
                    .append(num(Html.number(epoch.learningRate()))).append("</tr>\n");
        }
        this.out.append("</tbody>\n</table>\n</section>\n");
    }

    private void hyperParameters() {
        this.out.append("<section id=\"hyperparameters\">\n<h2>Chosen hyper-parameters</h2>\n");
        this.report.chosenTrial().ifPresent(id -> this.out.append("<p>From trial <span class=\"mono\">").append(e(id))
                .append("</span>.</p>\n"));
        keyValueTable(this.report.hyperParameters(), "setting", "value", "None were recorded.");
        intermediateDistillation();
        this.out.append("</section>\n");
    }

    /** A sentence on intermediate-layer distillation, for a Transformer student. */
    private void intermediateDistillation() {
        Map<String, String> settings = this.report.hyperParameters();
        String key = DistillationReport.INTERMEDIATE_DISTILLATION;
        String state = settings.get(key);
        if (state == null) {
            return;
        }
        this.out.append("<p id=\"intermediate-distillation\">");
        if (state.equals("on")) {
            this.out.append("Intermediate-layer distillation: the student also learned the teacher's hidden states "
                    + "(weight ").append(e(settings.getOrDefault(key + ".hiddenWeight", "?")))
                .append(") and attention distributions (weight ")
                .append(e(settings.getOrDefault(key + ".attentionWeight", "?")))
                .append("), student layer to teacher layer <span class=\"mono\">")
                .append(e(settings.getOrDefault(key + ".layerMapping", "?"))).append("</span> (0 is the embeddings).");
        }
        else {
            this.out.append("Intermediate-layer distillation: ").append(e(state)).append('.');
        }
        this.out.append("</p>\n");
    }

    private void trials() {
        List<TrialRecord> trials = this.report.trials();
        this.out.append("<section id=\"trials\">\n<h2>Tuning trials</h2>\n");
        if (trials.isEmpty()) {
            this.out.append("<p>No tuning ran: the student's settings were fixed.</p>\n</section>\n");
            return;
        }
        TreeSet<String> names = new TreeSet<>();
        trials.forEach(t -> names.addAll(t.hyperParameters().keySet()));
        this.out.append("<table>\n<thead><tr><th>trial</th><th>rung</th><th>status</th><th>validation ")
                .append(e(this.report.metric())).append("</th><th>epochs</th><th>duration</th>");
        names.forEach(name -> this.out.append("<th>").append(e(name)).append("</th>"));
        this.out.append("<th>reason</th></tr></thead>\n<tbody>\n");
        String chosen = this.report.chosenTrial().orElse(null);
        for (TrialRecord trial : trials) {
            this.out.append(trial.id().equals(chosen) ? "<tr class=\"chosen\">" : "<tr>")
                    .append("<td class=\"mono\">").append(e(trial.id())).append(trial.id().equals(chosen) ? " (chosen)" : "")
                    .append("</td>").append(num(Integer.toString(trial.rung())))
                    .append("<td class=\"").append(trial.status() == TrialRecord.Status.FAILED ? "fail" : "")
                    .append("\">").append(e(trial.status().name().toLowerCase(Locale.ROOT))).append("</td>")
                    .append(num(Html.metric(trial.validationScore()))).append(num(Integer.toString(trial.epochs())))
                    .append(num(Html.duration(trial.duration())));
            names.forEach(name -> this.out.append("<td>").append(e(trial.hyperParameters().getOrDefault(name, "")))
                    .append("</td>"));
            this.out.append("<td>").append(e(trial.reason().orElse(""))).append("</td></tr>\n");
        }
        this.out.append("</tbody>\n</table>\n</section>\n");
    }

    private void stages() {
        List<StageRecord> stages = this.report.stages();
        this.out.append("<section id=\"stages\">\n<h2>Stages</h2>\n");
        if (stages.isEmpty()) {
            this.out.append("<p>No stage timings were recorded.</p>\n</section>\n");
            return;
        }
        this.out.append("<table>\n<thead><tr><th>stage</th><th>duration</th><th>RSS before</th><th>RSS after</th>"
                + "<th>peak RSS</th></tr></thead>\n<tbody>\n");
        for (StageRecord stage : stages) {
            this.out.append("<tr><td>").append(e(stage.stage().name().toLowerCase(Locale.ROOT).replace('_', ' ')))
                    .append("</td>").append(num(Html.duration(stage.duration())))
                    .append(num(Html.bytes(stage.rssBeforeBytes()))).append(num(Html.bytes(stage.rssAfterBytes())))
                    .append(num(Html.bytes(stage.peakRssBytes()))).append("</tr>\n");
        }
        this.out.append("</tbody>\n</table>\n<p class=\"meta\">RSS: resident memory of the whole process, as the "
                + "operating system reports it; n/a where it does not.</p>\n</section>\n");
    }

    private void data() {
        DataSummary data = this.report.data();
        this.out.append("<section id=\"data\">\n<h2>Data</h2>\n");
        if (data.rowsPerSplit().isEmpty()) {
            this.out.append("<p>No data summary was recorded.</p>\n");
        }
        else {
            this.out.append("<table>\n<thead><tr><th>split</th><th>rows</th></tr></thead>\n<tbody>\n");
            data.rowsPerSplit().forEach((split, rows) -> this.out.append("<tr><td>").append(e(split)).append("</td>")
                    .append(num(Html.count(rows))).append("</tr>\n"));
            this.out.append("</tbody>\n</table>\n");
        }
        data.augmentation().ifPresent(choice -> this.out.append("<p id=\"augmentation\">Augmentation: ")
                .append(e(choice.reason())).append("</p>\n"));
        data.notes().forEach(note -> this.out.append("<p>").append(e(note)).append("</p>\n"));
        if (data.badRows() == 0) {
            this.out.append("<p>No rows were skipped as bad.</p>\n");
        }
        else {
            this.out.append("<h3>").append(Html.count(data.badRows())).append(" bad row(s) skipped</h3>\n");
            keyValueTable(countsAsText(data.badRowsByReason()), "reason", "rows", "");
            if (!data.badRowExamples().isEmpty()) {
                this.out.append("<p>First examples:</p>\n<ul class=\"mono\">\n");
                data.badRowExamples().forEach(line -> this.out.append("<li>").append(e(line)).append("</li>\n"));
                this.out.append("</ul>\n");
            }
        }
        this.out.append("</section>\n");
    }

    private static Map<String, String> countsAsText(Map<String, Long> counts) {
        Map<String, String> text = new LinkedHashMap<>();
        counts.forEach((key, value) -> text.put(key, Html.count(value)));
        return text;
    }

    private void quantization() {
        this.out.append("<section id=\"quantization\">\n<h2>INT8 quantization</h2>\n");
        if (this.report.quantization().isEmpty()) {
            this.out.append("<p>No quantization summary was recorded.</p>\n</section>\n");
            return;
        }
        QuantizationSummary q = this.report.quantization().get();
        this.out.append("<table>\n<tbody>\n")
                .append("<tr><th>nodes quantized</th>").append(num(Html.count(q.quantizedNodes()))).append("</tr>\n")
                .append("<tr><th>nodes kept in float</th>").append(num(Html.count(q.excludedNodes()))).append("</tr>\n")
                .append("<tr><th>nodes that cannot be quantized</th>").append(num(Html.count(q.skippedNodes())))
                .append("</tr>\n")
                .append("<tr><th>size</th>").append(num(Html.bytes(q.sourceBytes()) + " \u2192 " + Html.bytes(q.quantizedBytes())))
                .append("</tr>\n");
        q.gateBefore().ifPresent(g -> quantizationGate("accuracy gate, every node quantized", g));
        q.gateAfter().ifPresent(g -> quantizationGate("accuracy gate, model kept", g));
        this.out.append("</tbody>\n</table>\n");
        if (!q.exclusions().isEmpty()) {
            this.out.append("<p>Kept in float:</p>\n<ul class=\"mono\">\n");
            q.exclusions().forEach(line -> this.out.append("<li>").append(e(line)).append("</li>\n"));
            this.out.append("</ul>\n");
        }
        this.out.append("</section>\n");
    }

    private void quantizationGate(String label, QuantizationSummary.Gate gate) {
        this.out.append("<tr><th>").append(e(label)).append("</th><td><span class=\"")
                .append(gate.passed() ? "pass\">passed" : "fail\">failed").append("</span>, score ")
                .append(e(Html.number(gate.score()))).append("<br>").append(e(gate.details())).append("</td></tr>\n");
    }

    private void compatibility() {
        this.out.append("<section id=\"compatibility\">\n<h2>Compatibility</h2>\n");
        keyValueTable(this.report.compatibility(), "execution provider", "verdict", "No compatibility check was recorded.");
        this.out.append("</section>\n");
    }

    private void keyValueTable(Map<String, String> entries, String keyHeader, String valueHeader, String whenEmpty) {
        if (entries.isEmpty()) {
            if (!whenEmpty.isEmpty()) {
                this.out.append("<p>").append(e(whenEmpty)).append("</p>\n");
            }
            return;
        }
        this.out.append("<table>\n<thead><tr><th>").append(e(keyHeader)).append("</th><th>").append(e(valueHeader))
                .append("</th></tr></thead>\n<tbody>\n");
        entries.forEach((key, value) -> this.out.append("<tr><td>").append(e(key)).append("</td><td class=\"mono\">")
                .append(e(value)).append("</td></tr>\n"));
        this.out.append("</tbody>\n</table>\n");
    }

    private static String num(String text) {
        return "<td class=\"num\">" + e(text) + "</td>";
    }

    private static String e(String text) {
        return Html.escape(text);
    }
}
