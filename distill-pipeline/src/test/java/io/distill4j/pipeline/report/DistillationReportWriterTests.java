package io.distill4j.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.distill4j.api.distill.DistillationResult.ModelFigures;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationReportWriterTests {

    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void aReportReadBackFromJsonEqualsTheOneWritten() throws IOException {
        DistillationReport report = ReportFixtures.full(ReportFixtures.HOSTILE_NAME, 5).build();
        Path file = this.dir.resolve("out/report.json");

        DistillationReportWriter.writeJson(report, file);
        DistillationReport read = DistillationReportWriter.readJson(file);

        assertThat(read).isEqualTo(report);
        // Not-a-number scores (the failed trial's) survive as such.
        assertThat(read.trials().get(2).validationScore()).isNaN();
        assertThat(read.trainingCurve().get(0).duration()).isEqualTo(Duration.ofSeconds(41));
        assertThat(read.data().rowsPerSplit().keySet()).containsExactly("train", "validation", "test");
        assertThat(read.data().notes()).containsExactly(ReportFixtures.LITERAL_NOTE);
        assertThat(read.compatibility().keySet()).containsExactly("CPU", "CUDA");
    }

    @Test
    void theJsonHasAVersionThenTheFieldsInDeclarationOrderAndIsStable() {
        DistillationReport report = ReportFixtures.full("stable", 3).build();

        String json = DistillationReportWriter.toJson(report);

        assertThat(DistillationReportWriter.toJson(DistillationReportWriter.fromJson(json))).isEqualTo(json);
        assertThat(json).startsWith("{\n  \"reportVersion\" : 5,\n  \"jobId\" : \"job-7\",");
        List<String> keys = List.of("\"reportVersion\"", "\"jobId\"", "\"name\"", "\"task\"", "\"metric\"", "\"created\"",
                "\"teacher\"", "\"studentFp32\"", "\"studentInt8\"", "\"stages\"", "\"hyperParameters\"", "\"trials\"",
                "\"chosenTrial\"", "\"trainingCurve\"", "\"gates\"", "\"data\"", "\"quantization\"", "\"compatibility\"",
                "\"warnings\"", "\"teacherChoice\"", "\"labelling\"");
        List<Integer> positions = keys.stream().map(json::indexOf).toList();
        assertThat(positions).doesNotContain(-1).isSorted();
        assertThat(json).contains("\"created\" : \"2025-03-01T10:15:30.123Z\"")
                .contains("\"duration\" : \"PT1M35S\"")
                .contains("\"learningRate\" : 0.002,\n    \"duration\" : \"PT41S\"")
                .contains("\"task\" : \"TEXT_CLASSIFICATION\"");
        assertThat(json.indexOf("\"hidden\"")).isLessThan(json.indexOf("\"learningRate\""));
        assertThat(json.indexOf("\"learningRate\"")).isLessThan(json.indexOf("\"temperature\""));
    }

    @Test
    void writingReplacesTheFileAndLeavesNoTemporaryFileBehind() throws IOException {
        Path file = this.dir.resolve("report.json");
        DistillationReportWriter.writeJson(ReportFixtures.full("first", 2).build(), file);
        DistillationReportWriter.writeJson(ReportFixtures.full("second", 2).build(), file);
        DistillationReportWriter.writeHtml(ReportFixtures.full("second", 2).build(), this.dir.resolve("report.html"));

        assertThat(DistillationReportWriter.readJson(file).name()).isEqualTo("second");
        try (Stream<Path> files = Files.list(this.dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.json", "report.html");
        }
    }

    @Test
    void readingRefusesAnotherVersionUnknownOrMissingKeysAndInvalidReports() throws IOException {
        String json = DistillationReportWriter.toJson(ReportFixtures.full("strict", 2).build());

        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(
                json.replace("\"reportVersion\" : 5", "\"reportVersion\" : 1"))).withMessageContaining("reportVersion must be 5");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(
                json.replace("\"jobId\" :", "\"surprise\" : 1, \"jobId\" :"))).withMessageContaining("surprise");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(
                json.replace("\"metric\" : \"accuracy\",", ""))).withMessageContaining("metric");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(
                json.replace("\"chosenTrial\" : \"t1\"", "\"chosenTrial\" : \"t42\""))).withMessageContaining("t42");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson("[1, 2"))
                .withMessageContaining("not valid JSON");

        Path file = this.dir.resolve("broken.json");
        Files.writeString(file, json.replace("\"reportVersion\" : 5", "\"reportVersion\" : 0"));
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> DistillationReportWriter.readJson(file))
                .withMessageContaining("broken.json").withMessageContaining("reportVersion");
    }

    @Test
    void intermediateDistillationIsNamedWithItsWeightsAndLayerMappingInTheJsonAndTheHtml() throws IOException {
        String key = DistillationReport.INTERMEDIATE_DISTILLATION;
        DistillationReport on = ReportFixtures.full("cut", 2).hyperParameters(Map.of(key, "on", key + ".hiddenWeight",
                "1.0", key + ".attentionWeight", "0.5", key + ".layerMapping", "0->0, 1->3, 2->6")).build();
        Path file = this.dir.resolve("on.json");
        DistillationReportWriter.writeJson(on, file);
        assertThat(Files.readString(file)).contains("\"intermediateDistillation.layerMapping\" : \"0->0, 1->3, 2->6\"");
        assertThat(DistillationReportWriter.toHtml(on)).contains("<p id=\"intermediate-distillation\">Intermediate-layer "
                + "distillation: the student also learned the teacher's hidden states (weight 1.0) and attention "
                + "distributions (weight 0.5), student layer to teacher layer <span class=\"mono\">0-&gt;0, 1-&gt;3, "
                + "2-&gt;6</span>");

        DistillationReport skipped = ReportFixtures.full("skipped", 2).hyperParameters(Map.of(key,
                "off (skipped, the default only: the teacher is not an ONNX encoder)")).build();
        assertThat(DistillationReportWriter.toHtml(skipped)).contains("Intermediate-layer distillation: off (skipped, "
                + "the default only: the teacher is not an ONNX encoder).");
        assertThat(DistillationReportWriter.toHtml(ReportFixtures.full("bag", 2).build()))
                .doesNotContain("intermediate-distillation");
    }

    @Test
    void theTeacherChoiceRoundTripsAndAVersionTwoReportIsReadWithoutOne() {
        DistillationReport report = ReportFixtures.full("choice", 2).build();
        String json = DistillationReportWriter.toJson(report);

        TeacherChoice choice = DistillationReportWriter.fromJson(json).teacherChoice().orElseThrow();
        assertThat(choice).isEqualTo(report.teacherChoice().orElseThrow());
        assertThat(json).contains("\"estimatedFineTuning\" : \"PT41M\"").contains("\"probeSteps\" : 96");

        String withoutChoice = json.substring(0, json.indexOf(",\n  \"teacherChoice\"")) + "\n}\n";
        String versionTwo = withoutAugmentation(withoutChoice).replace("\"reportVersion\" : 5",
                "\"reportVersion\" : 2");
        assertThat(DistillationReportWriter.fromJson(versionTwo).teacherChoice()).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(withoutChoice))
                .withMessageContaining("teacherChoice");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(json.replace(
                "\"reportVersion\" : 5", "\"reportVersion\" : 2"))).withMessageContaining("has no teacherChoice");
    }

    @Test
    void theAugmentationChoiceRoundTripsAndAVersionThreeReportIsReadWithoutOne() {
        DistillationReport report = ReportFixtures.full("augmented", 2).build();
        String json = DistillationReportWriter.toJson(report);

        assertThat(DistillationReportWriter.fromJson(json).data().augmentation())
                .contains(ReportFixtures.AUGMENTATION);
        assertThat(json).contains("\"augmentation\" : {\n      \"automatic\" : true,\n      \"copiesPerExample\" : 3,");

        String withoutAugmentation = withoutAugmentation(json);
        String versionThree = withoutAugmentation.replace(",\n  \"labelling\" : null", "")
                .replace("\"reportVersion\" : 5", "\"reportVersion\" : 3");
        DistillationReport read = DistillationReportWriter.fromJson(versionThree);
        assertThat(read.data().augmentation()).isEmpty();
        assertThat(read.teacherChoice()).isEqualTo(report.teacherChoice());
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(withoutAugmentation))
                .withMessageContaining("augmentation");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(json.replace(
                "\"reportVersion\" : 5", "\"reportVersion\" : 3"))).withMessageContaining("has no augmentation");
    }

    @Test
    void theLabellingSummaryRoundTripsIsShownAndAVersionFourReportIsReadWithoutOne() {
        LabellingSummary summary = new LabellingSummary("openAiChatModel:OpenAiChatModel:gpt-4o-mini", 1200, 200, 990,
                10, 4, 13, Map.of(TargetSource.SAMPLES, 1186), Map.of("train", 12, "validation", 2), 7,
                new LabellingUsage(5004, 420_000, 30_000), new LabellingUsage(1000, 80_000, 6_000),
                OptionalDouble.of(0.081), true, "/var/lib/distill4j/cache/labelling/ab12.jsonl");
        DistillationReport report = ReportFixtures.full("llm", 2).labelling(summary).build();
        String json = DistillationReportWriter.toJson(report);

        assertThat(DistillationReportWriter.fromJson(json).labelling()).contains(summary);
        assertThat(json).contains("\"SAMPLES\" : 1186").contains("\"cost\" : 0.081");
        assertThat(DistillationReportWriter.toHtml(report)).contains("<h2>Labelling model</h2>")
                .contains("not asked, budget reached").contains("left out of train").contains("0.0810");

        String withoutLabelling = json.substring(0, json.indexOf(",\n  \"labelling\"")) + "\n}\n";
        String versionFour = withoutLabelling.replace("\"reportVersion\" : 5", "\"reportVersion\" : 4");
        assertThat(DistillationReportWriter.fromJson(versionFour).labelling()).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(withoutLabelling))
                .withMessageContaining("labelling");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReportWriter.fromJson(json.replace(
                "\"reportVersion\" : 5", "\"reportVersion\" : 4"))).withMessageContaining("has no labelling");
    }

    @Test
    void theHtmlSaysHowManyCopiesWereMadeAndWhy() {
        String html = DistillationReportWriter.toHtml(ReportFixtures.full("augmented", 2).build());
        DistillationReport plain = ReportFixtures.full("plain", 2).build();
        DataSummary data = plain.data();
        String without = DistillationReportWriter.toHtml(ReportFixtures.full("plain", 2).data(new DataSummary(
                data.rowsPerSplit(), data.badRowsByReason(), data.badRowExamples(), data.notes())).build());

        assertThat(html).contains("<p id=\"augmentation\">Augmentation: auto: 12,083 training examples \u2192 3 copies "
                + "per example (transfer \u2264 60,000 rows) &amp; &lt;rows&gt;</p>");
        assertThat(html.indexOf("id=\"augmentation\"")).isGreaterThan(html.indexOf("<section id=\"data\">"));
        assertThat(without).doesNotContain("id=\"augmentation\"");
    }

    /** {@code json} with its {@code data.augmentation} key removed, as a report that predates it. */
    private static String withoutAugmentation(String json) {
        int start = json.indexOf(",\n    \"augmentation\" : ");
        int end = json.indexOf("\n  },\n  \"quantization\"");
        assertThat(start).isPositive().isLessThan(end);
        return json.substring(0, start) + json.substring(end);
    }

    @Test
    void theHtmlSaysWhatTheTeacherBecameAndWhy() {
        String html = DistillationReportWriter.toHtml(ReportFixtures.full("choice", 2).build());
        String without = DistillationReportWriter.toHtml(DistillationReport.builder("job-8",
                DistillationTask.TEXT_CLASSIFICATION).figures(
                        ReportFixtures.full("x", 1).build().teacher(), ReportFixtures.full("x", 1).build().studentFp32(),
                        ReportFixtures.full("x", 1).build().studentInt8()).build());

        assertThat(html).contains("<section id=\"teacher-choice\">")
                .contains("fine-tuned: probe 0.874 vs frozen 0.812 at 1,024 examples; estimated 41 min within the "
                        + "60 min budget &amp; &lt;more&gt;")
                .contains("encoder fine-tuned").contains("1,024 training and 500 validation examples, 96 steps");
        assertThat(without).doesNotContain("teacher-choice");
    }

    @Test
    void everyTextOfTheReportIsEscapedInTheHtml() {
        DistillationReport report = ReportFixtures.full(ReportFixtures.HOSTILE_NAME, 3)
                .hyperParameters(Map.of("<b>bold</b>", "x & y"))
                .compatibility("<img src=x>", "\"quoted\" 'single'")
                .warning("</section><script>steal()</script>")
                .build();

        String html = DistillationReportWriter.toHtml(report);

        assertThat(html).doesNotContain("<script").doesNotContain("<b>").doesNotContain("<img")
                .doesNotContain("</section><")
                .contains("banking &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;")
                .contains("&lt;b&gt;bold&lt;/b&gt;").contains("x &amp; y")
                .contains("&lt;img src=x&gt;").contains("&quot;quoted&quot; &#39;single&#39;")
                .contains("below the median of rung 0 &amp; &lt;pruned&gt;")
                .contains("<p>reviews &lt;2024&gt;.tsv was read literally: its &quot;quotes&quot; &amp; tabs are text</p>");
        // The title and the first heading carry the escaped name.
        assertThat(html).contains("<title>banking &lt;script&gt;").contains("<h1>banking &lt;script&gt;");
    }

    @Test
    void theHtmlIsSelfContained() {
        String html = DistillationReportWriter.toHtml(ReportFixtures.full("self-contained", 4).build());

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">").contains("<style>")
                .contains("default-src 'none'");
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("http://").doesNotContain("https://")
                .doesNotContain("src=").doesNotContain("href=").doesNotContain("<script").doesNotContain("<link")
                .doesNotContain("<img").doesNotContain("<iframe").doesNotContain("url(").doesNotContain("@import")
                .doesNotContain("xlink");
        assertThat(html).contains("<section id=\"comparison\">").contains("<section id=\"gates\">")
                .contains("<section id=\"stages\">").contains("<section id=\"hyperparameters\">")
                .contains("<section id=\"trials\">").contains("<section id=\"data\">")
                .contains("<section id=\"quantization\">").contains("<section id=\"compatibility\">")
                .contains("<section id=\"warnings\" class=\"warnings\">");
    }

    @Test
    void theChartsHaveOnePointPerEpochWithAValue() {
        DistillationReport.Builder builder = ReportFixtures.full("charts", 0);
        for (int epoch = 1; epoch <= 7; epoch++) {
            builder.epoch(new EpochRecord(epoch, 2.0 / epoch, epoch == 4 ? Double.NaN : 0.7 + 0.02 * epoch, 0.001,
                    Duration.ofSeconds(30)));
        }

        List<String> charts = charts(DistillationReportWriter.toHtml(builder.build()));

        assertThat(charts).hasSize(2);
        assertThat(count(charts.get(0), "<circle ")).isEqualTo(7);
        assertThat(polylinePoints(charts.get(0))).hasSize(7);
        // Epoch 4 has no validation score: that chart has six points.
        assertThat(count(charts.get(1), "<circle ")).isEqualTo(6);
        assertThat(polylinePoints(charts.get(1))).hasSize(6);
        assertThat(charts.get(0)).contains("<title>Training loss per epoch</title>");
        assertThat(charts.get(1)).contains("<title>Validation accuracy per epoch</title>");
    }

    @Test
    void theChartsHaveTickedAndLabelledAxesAndPointsInsideThePlot() {
        String chart = charts(DistillationReportWriter.toHtml(ReportFixtures.full("axes", 5).build())).get(0);

        // Loss 1.5 / epoch for epochs 1..5 spans 0.3 to 1.5: a step of 1.2 / 5 rounds up to 0.5.
        List<String> ticks = texts(chart, "tick");
        assertThat(ticks).containsExactly("0.0", "0.5", "1.0", "1.5", "1", "2", "3", "4", "5");
        assertThat(texts(chart, "label")).contains("epoch");
        assertThat(chart).contains(">training loss</text>");
        for (double[] point : polylinePoints(chart)) {
            assertThat(point[0]).isBetween(0.0, (double) SvgLineChart.WIDTH);
            assertThat(point[1]).isBetween(0.0, (double) SvgLineChart.HEIGHT);
        }
        // The loss falls, so each point lies further down the page (SVG's y grows downwards).
        List<double[]> points = polylinePoints(chart);
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i)[0]).isGreaterThan(points.get(i - 1)[0]);
            assertThat(points.get(i)[1]).isGreaterThan(points.get(i - 1)[1]);
        }
    }

    @Test
    void aReportWithoutCurveTrialsOrQuantizationStillRenders() {
        ModelFigures figures = new ModelFigures(Double.NaN, -1, -1, Double.NaN, Double.NaN);
        DistillationReport report = DistillationReport.builder("job-2", DistillationTask.TEXT_EMBEDDING)
                .figures(figures, figures, figures).build();

        String html = DistillationReportWriter.toHtml(report);

        assertThat(charts(html)).isEmpty();
        assertThat(html).contains("No training curve was recorded.").contains("No tuning ran")
                .contains("No quality gates were set.").contains("n/a").doesNotContain("NaN");
        assertThat(DistillationReportWriter.fromJson(DistillationReportWriter.toJson(report))).isEqualTo(report);
    }

    @Test
    void aTeacherWithoutAModelIsComparedOnItsMetricAlone() {
        DistillationReport report = ReportFixtures.full("precomputed", 2)
                .figures(ModelFigures.metricOnly(0.93), new ModelFigures(0.91, 1_204_100, 4_818_000, 0.81, 9_811.0),
                        new ModelFigures(0.9, 1_204_100, 1_262_000, 0.52, 14_020.4))
                .build();

        String html = DistillationReportWriter.toHtml(report);

        assertThat(html).contains("Teacher size and speed: not measured, the teacher was given as precomputed outputs")
                .contains("97.8 % of the metric").doesNotContain("smaller").doesNotContain("faster")
                .doesNotContain("NaN").doesNotContain("-1");
        assertThat(DistillationReportWriter.toHtml(ReportFixtures.full("model", 2).build()))
                .doesNotContain("Teacher size and speed: not measured");
        assertThat(DistillationReportWriter.fromJson(DistillationReportWriter.toJson(report))).isEqualTo(report);
    }

    @Test
    void numbersAreFormattedTheSameWhateverTheDefaultLocale() {
        DistillationReport report = ReportFixtures.full("locale", 2).build();
        String html;
        String json;
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            html = DistillationReportWriter.toHtml(report);
            json = DistillationReportWriter.toJson(report);
        }
        finally {
            Locale.setDefault(before);
        }

        assertThat(html).isEqualTo(DistillationReportWriter.toHtml(report));
        assertThat(html).contains(">0.9312<").contains(">22,713,216<").contains(">86.7 MiB<").contains(">11.25 ms<")
                .contains(">14,020.4 texts/s<").contains(">1 min 35 s<");
        assertThat(json).contains("\"metric\" : 0.9312");
    }

    @Test
    void ticksAreOneTwoOrFiveTimesAPowerOfTen() {
        SvgLineChart.Ticks ticks = SvgLineChart.Ticks.nice(0.13, 0.87, 6);
        assertThat(ticks.step()).isEqualTo(0.2, within(1e-12));
        assertThat(ticks.values()).hasSize(6);
        assertThat(ticks.values().stream().map(ticks::label)).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");

        SvgLineChart.Ticks large = SvgLineChart.Ticks.nice(120, 980, 6);
        assertThat(large.values().stream().map(large::label)).containsExactly("0", "200", "400", "600", "800", "1000");
        assertThat(SvgLineChart.Ticks.niceStep(0.0031)).isEqualTo(0.005, within(1e-15));
    }

    private static List<String> charts(String html) {
        List<String> charts = new ArrayList<>();
        Matcher matcher = SVG.matcher(html);
        while (matcher.find()) {
            charts.add(matcher.group());
        }
        return charts;
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            count++;
        }
        return count;
    }

    private static List<double[]> polylinePoints(String svg) {
        Matcher matcher = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(svg);
        assertThat(matcher.find()).as("a polyline in " + svg).isTrue();
        List<double[]> points = new ArrayList<>();
        for (String pair : matcher.group(1).trim().split(" ")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return points;
    }

    private static List<String> texts(String svg, String cssClass) {
        Matcher matcher = Pattern.compile("<text class=\"" + cssClass + "\"[^>]*>([^<]*)</text>").matcher(svg);
        List<String> texts = new ArrayList<>();
        while (matcher.find()) {
            texts.add(matcher.group(1));
        }
        return texts;
    }
}
