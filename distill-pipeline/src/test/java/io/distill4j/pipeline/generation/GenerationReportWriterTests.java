package io.distill4j.pipeline.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.pipeline.report.DiversityFigures;
import io.distill4j.pipeline.report.GenerationFigures;
import io.distill4j.pipeline.report.GenerationReport;
import io.distill4j.pipeline.report.GenerationReportWriter;

/** The generation report as JSON (read back exactly) and as a self-contained, escaped HTML page. */
class GenerationReportWriterTests {

    private static GenerationReport report(Optional<String> embeddingModel, DiversityFigures diversity) {
        List<GenerationFigures> labels = List.of(
                new GenerationFigures("refund", 10, 3, 1, 30, 29, 2, 1, 3, 4, 2, 0, 7, 10, diversity),
                new GenerationFigures("<b>delivery</b> & \"co\"", 10, 2, 0, 20, 20, 0, 0, 1, 2, 0, 5, 0, 12,
                        DiversityFigures.UNKNOWN));
        return new GenerationReport("job-7", Instant.parse("2025-03-01T10:15:30Z"), Duration.ofMillis(12_500),
                "openAiChatModel:OpenAiChatModel:gpt-4o-mini", embeddingModel, Optional.of("keywords:test"), 0.9, 10,
                1000, 0.92, 2, true, 4, new LabellingUsage(9, 1200, 800), new LabellingUsage(3, 300, 100), labels,
                GenerationFigures.total(labels, diversity), "/data/generated.jsonl", "/cache/abc.jsonl");
    }

    @Test
    void theJsonIsReadBackAsTheSameReportUnknownFiguresIncluded(@TempDir Path dir) throws Exception {
        GenerationReport report = report(Optional.of("all-minilm-l6-v2"), new DiversityFigures(0.61, 0.87, 0.42, 45));
        Path file = dir.resolve("reports/generation.json");
        GenerationReportWriter.writeJson(report, file);
        assertThat(GenerationReportWriter.readJson(file)).isEqualTo(report);
        String json = GenerationReportWriter.toJson(report);
        assertThat(json).startsWith("{\n  \"reportVersion\" : 1,\n  \"jobId\" : \"job-7\"")
                .contains("\"meanPairwiseDistance\" : \"NaN\"", "\"duration\" : \"PT12.5S\"");

        GenerationReport without = report(Optional.empty(), DiversityFigures.UNKNOWN);
        assertThat(GenerationReportWriter.fromJson(GenerationReportWriter.toJson(without))).isEqualTo(without);
    }

    @Test
    void readingIsStrict() {
        String json = GenerationReportWriter.toJson(report(Optional.empty(), DiversityFigures.UNKNOWN));
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationReportWriter.fromJson(json.replace(
                "\"reportVersion\" : 1", "\"reportVersion\" : 2"))).withMessageContaining("reportVersion must be 1");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationReportWriter.fromJson(json.replace(
                "\"rounds\" : 2", "\"rounds\" : 2, \"extra\" : 1"))).withMessageContaining("invalid");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationReportWriter.fromJson(json.replace(
                "\"kept\" : 10", "\"kept\" : 11"))).withMessageContaining("must add up to the 29 generated, were 30");
    }

    @Test
    void theCountsMustAddUpAndTheTotalMustBeTheirSum() {
        assertThatIllegalArgumentException().isThrownBy(() -> new GenerationFigures("l", 1, 1, 0, 1, 2, 0, 0, 0, 0,
                0, 0, 0, 1, DiversityFigures.UNKNOWN)).withMessageContaining("must add up to the 2 generated, were 1");
        assertThatIllegalArgumentException().isThrownBy(() -> new DiversityFigures(1.2, 0, 0, 0))
                .withMessageContaining("diversity.distinct1 must be in [0.0, 1.0], was 1.2");
        GenerationReport report = report(Optional.empty(), DiversityFigures.UNKNOWN);
        assertThat(report.total().generated()).isEqualTo(49);
        assertThat(report.total().kept()).isEqualTo(22);
        assertThat(report.total().removed()).isEqualTo(27);
    }

    @Test
    void theHtmlPageIsSelfContainedAndEscapesEveryText() {
        String html = GenerationReportWriter.toHtml(report(Optional.of("all-minilm-l6-v2"),
                new DiversityFigures(0.61, 0.87, 0.42, 45)));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("default-src 'none'")
                .contains("&lt;b&gt;delivery&lt;/b&gt; &amp; &quot;co&quot;").doesNotContain("<b>delivery")
                .contains("<td class=\"num\">0.6100</td>", "<td class=\"num\">0.4200</td>", "cosine &gt;= 0.92 with "
                        + "all-minilm-l6-v2", "22 of 20 wanted texts kept", "the budget was reached", "(all labels)")
                .doesNotContain("http://", "https://", "<script", "src=");
    }
}
