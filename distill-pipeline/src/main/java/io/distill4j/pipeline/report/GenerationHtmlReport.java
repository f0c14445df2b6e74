package io.distill4j.pipeline.report;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.labelling.LabellingUsage;

/** Renders a {@link GenerationReport} as one self-contained HTML page; see {@link GenerationReportWriter}. */
final class GenerationHtmlReport {

    private final GenerationReport report;

    private final StringBuilder out = new StringBuilder(16 * 1024);

    GenerationHtmlReport(GenerationReport report) {
        this.report = report;
    }

    String render() {
        GenerationReport r = this.report;
        this.out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'\">\n")
                .append("<title>").append(e(r.jobId())).append(" - Distill4j data generation report</title>\n")
                .append("<style>\n").append(HtmlReport.STYLE).append("</style>\n</head>\n<body>\n");
        header();
        filters();
        diversity();
        settings();
        this.out.append("<footer>Distill4j data generation report, job <span class=\"mono\">").append(e(r.jobId()))
                .append("</span>, made ").append(e(DateTimeFormatter.ISO_INSTANT.format(r.created())))
                .append(". This page is self-contained: it loads nothing from anywhere.</footer>\n</body>\n</html>\n");
        return this.out.toString();
    }

    private void header() {
        GenerationReport r = this.report;
        GenerationFigures t = r.total();
        this.out.append("<header>\n<h1>Generated data: ").append(e(r.jobId())).append("</h1>\n<p class=\"meta\">")
                .append("Model <span class=\"mono\">").append(e(r.model())).append("</span> &middot; ")
                .append(e(DateTimeFormatter.ISO_INSTANT.format(r.created()))).append(" &middot; ")
                .append(e(Html.duration(r.duration()))).append("</p>\n<p class=\"verdict")
                .append(t.kept() >= t.target() ? " pass" : " fail").append("\">")
                .append(Html.count(t.kept())).append(" of ").append(Html.count(t.target()))
                .append(" wanted texts kept, from ").append(Html.count(t.generated())).append(" generated in ")
                .append(r.rounds()).append(" round(s)").append(r.budgetReached() ? "; the budget was reached" : "")
                .append(".</p>\n<p>Written to <span class=\"mono\">").append(e(r.output()))
                .append("</span> (JSON Lines, one <code>{\"text\": ..., \"label\": ...}</code> per line).</p>\n")
                .append("</header>\n");
    }

    private void filters() {
        this.out.append("<section id=\"filters\">\n<h2>What each filter removed</h2>\n<p class=\"meta\">Filters run "
                + "in this order: length, exact duplicates (ignoring case and white space, also against the "
                + "examples), near duplicates (embedding cosine), label check; texts beyond the target are "
                + "dropped last.</p>\n<table>\n<thead><tr><th>label</th><th>target</th><th>requests</th>"
                + "<th>from journal</th><th>asked</th><th>generated</th><th>too short</th><th>too long</th>"
                + "<th>exact duplicates</th><th>near duplicates</th><th>other label</th><th>unchecked</th>"
                + "<th>over target</th><th>kept</th></tr></thead>\n<tbody>\n");
        List<GenerationFigures> rows = new ArrayList<>(this.report.labels());
        rows.add(this.report.total());
        for (GenerationFigures f : rows) {
            boolean total = f == this.report.total();
            this.out.append(total ? "<tr class=\"chosen\">" : "<tr>").append("<td>").append(e(f.label()))
                    .append("</td>");
            for (int count : new int[] {f.target(), f.requests(), f.fromJournal(), f.asked(), f.generated(),
                    f.tooShort(), f.tooLong(), f.exactDuplicates(), f.nearDuplicates(), f.inconsistent(),
                    f.unchecked(), f.overTarget(), f.kept()}) {
                this.out.append("<td class=\"num\">").append(Html.count(count)).append("</td>");
            }
            this.out.append("</tr>\n");
        }
        this.out.append("</tbody>\n</table>\n</section>\n");
    }

    private void diversity() {
        this.out.append("<section id=\"diversity\">\n<h2>Diversity of the kept texts</h2>\n<p class=\"meta\">"
                + "distinct-n: distinct word n-grams over all n-grams (1 = no repetition). Mean distance: mean "
                + "cosine distance between the embeddings of two texts (0 = the same meaning).</p>\n<table>\n"
                + "<thead><tr><th>label</th><th>kept</th><th>distinct-1</th><th>distinct-2</th>"
                + "<th>mean pairwise distance</th><th>pairs</th></tr></thead>\n<tbody>\n");
        List<GenerationFigures> rows = new ArrayList<>(this.report.labels());
        rows.add(this.report.total());
        for (GenerationFigures f : rows) {
            DiversityFigures d = f.diversity();
            this.out.append(f == this.report.total() ? "<tr class=\"chosen\">" : "<tr>").append("<td>")
                    .append(e(f.label())).append("</td><td class=\"num\">").append(Html.count(f.kept()))
                    .append("</td><td class=\"num\">").append(Html.metric(d.distinct1()))
                    .append("</td><td class=\"num\">").append(Html.metric(d.distinct2()))
                    .append("</td><td class=\"num\">").append(Html.metric(d.meanPairwiseDistance()))
                    .append("</td><td class=\"num\">").append(Html.count(d.pairs())).append("</td></tr>\n");
        }
        this.out.append("</tbody>\n</table>\n</section>\n");
    }

    private void settings() {
        GenerationReport r = this.report;
        LabellingUsage spent = r.spent();
        LabellingUsage journalled = r.journalled();
        this.out.append("<section id=\"settings\">\n<h2>Settings and cost</h2>\n<table>\n<tbody>\n");
        row("text-generation model", r.model());
        row("temperature", Html.number(r.temperature()));
        row("length bounds", r.minLength() + " to " + r.maxLength() + " characters");
        row("near-duplicate filter", r.embeddingModel().map(name -> "cosine >= " + Html.number(
                r.nearDuplicateThreshold()) + " with " + name).orElse("off (no embedding model)"));
        row("label check", r.labelChecker().orElse("off"));
        row("requests spent", Html.count(spent.requests()) + " (" + Html.count(r.retries()) + " retries)");
        row("tokens spent", Html.count(spent.promptTokens()) + " prompt + " + Html.count(spent.completionTokens())
                + " completion");
        row("answers from the journals", Html.count(journalled.requests()) + " requests, "
                + Html.count(journalled.totalTokens()) + " tokens when they were asked");
        row("journal", r.journal());
        this.out.append("</tbody>\n</table>\n</section>\n");
    }

    private void row(String key, String value) {
        this.out.append("<tr><th>").append(e(key)).append("</th><td>").append(e(value)).append("</td></tr>\n");
    }

    private static String e(String text) {
        return Html.escape(text);
    }
}
