package io.distill4j.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import io.distill4j.api.ElementType;
import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.distill.DistillationResult.ModelFigures;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.Stage;
import io.distill4j.pipeline.data.BadRow;
import io.distill4j.pipeline.data.DataReport;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class DistillationReportTests {

    private static final ModelFigures FIGURES = new ModelFigures(0.9, 100, 400, 1.0, 10.0);

    private static DistillationReport.Builder minimal() {
        return DistillationReport.builder("job-1", DistillationTask.TEXT_EMBEDDING).figures(FIGURES, FIGURES, FIGURES);
    }

    @Test
    void theBuilderDefaultsTheNameToTheJobAndTheMetricToTheTasksPrimaryMetric() {
        DistillationReport report = minimal().build();

        assertThat(report.name()).isEqualTo("job-1");
        assertThat(report.metric()).isEqualTo("spearman");
        assertThat(report.trials()).isEmpty();
        assertThat(report.chosenTrial()).isEmpty();
        assertThat(report.quantization()).isEmpty();
        assertThat(report.data()).isEqualTo(DataSummary.empty());
        assertThat(report.gatesPassed()).isTrue();
    }

    @Test
    void hyperParametersAreSortedByNameAndProvidersKeepTheirOrder() {
        DistillationReport report = minimal().hyperParameters(Map.of("temperature", "4", "alpha", "0.5", "hidden", "64"))
                .compatibility("CUDA", "incompatible").compatibility("CPU", "compatible").build();

        assertThat(report.hyperParameters().keySet()).containsExactly("alpha", "hidden", "temperature");
        assertThat(report.compatibility().keySet()).containsExactly("CUDA", "CPU");
    }

    @Test
    void theReportIsAnImmutableCopy() {
        Map<String, String> settings = new HashMap<>(Map.of("hidden", "64"));
        DistillationReport report = minimal().hyperParameters(settings).build();
        settings.put("hidden", "128");

        assertThat(report.hyperParameters()).containsEntry("hidden", "64");
        assertThatThrownBy(() -> report.hyperParameters().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void partsThatContradictEachOtherAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> minimal()
                .stage(StageRecord.timed(Stage.TEACHER, Duration.ofSeconds(1)))
                .stage(StageRecord.timed(Stage.TEACHER, Duration.ofSeconds(2))).build())
                .withMessageContaining("stage TEACHER twice");
        TrialRecord trial = TrialRecord.completed("t1", 0, Map.of(), 1, 0.5, Duration.ZERO);
        assertThatIllegalArgumentException().isThrownBy(() -> minimal().trial(trial).trial(trial).build())
                .withMessageContaining("trial id 't1' twice");
        assertThatIllegalArgumentException().isThrownBy(() -> minimal().trial(trial).chosenTrial("t9").build())
                .withMessageContaining("chosenTrial 't9'");
        assertThatIllegalArgumentException().isThrownBy(() -> minimal().epoch(new EpochRecord(2, 1, 1, 0.1, Duration.ZERO))
                .epoch(new EpochRecord(2, 1, 1, 0.1, Duration.ZERO)).build())
                .withMessageContaining("epoch 2 follows epoch 2");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReport.builder("job", DistillationTask.TEXT_EMBEDDING)
                .build()).withMessageContaining("figures");
    }

    @Test
    void recordsNameTheFieldThatIsWrong() {
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationReport.builder(" ", DistillationTask.TEXT_EMBEDDING))
                .withMessageContaining("jobId");
        assertThatIllegalArgumentException().isThrownBy(() -> new StageRecord(Stage.EXPORT, Duration.ZERO, -2, 0, 0))
                .withMessageContaining("rssBeforeBytes must be >= -1, was -2");
        assertThatIllegalArgumentException().isThrownBy(() -> StageRecord.timed(Stage.EXPORT, Duration.ofSeconds(-1)))
                .withMessageContaining("duration must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> TrialRecord.completed("t", 0, Map.of(), 1, Double.NaN,
                Duration.ZERO)).withMessageContaining("validationScore of completed trial t");
        assertThatIllegalArgumentException().isThrownBy(() -> new TrialRecord("t", 0, Map.of(), 1, Double.NaN,
                Duration.ZERO, TrialRecord.Status.FAILED, Optional.empty())).withMessageContaining("reason of failed trial");
        assertThatIllegalArgumentException().isThrownBy(() -> new EpochRecord(0, 1, 1, 1, Duration.ZERO)).withMessageContaining("epoch");
        assertThatIllegalArgumentException().isThrownBy(() -> new EpochRecord(1, 1, 1, -0.1, Duration.ZERO))
                .withMessageContaining("learningRate");
        assertThatIllegalArgumentException().isThrownBy(() -> new EpochRecord(1, 1, 1, 0.1, Duration.ofSeconds(-1)))
                .withMessageContaining("duration must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> minimal().hyperParameters(Map.of("", "1")))
                .withMessageContaining("hyperParameters key");
    }

    @Test
    void stageRecordsTakeUnknownMemoryFromEmptyOptionals() {
        StageRecord record = StageRecord.of(Stage.TEACHER, Duration.ofSeconds(3), OptionalLong.of(10), OptionalLong.empty(),
                OptionalLong.of(30));

        assertThat(record.rssBeforeBytes()).isEqualTo(10);
        assertThat(record.rssAfterBytes()).isEqualTo(StageRecord.UNKNOWN);
        assertThat(record.peakRssBytes()).isEqualTo(30);
    }

    @Test
    void aDataSummaryKeepsAtMostTwentyExamples() {
        List<String> lines = IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i + ": empty").toList();

        assertThatIllegalArgumentException().isThrownBy(() -> new DataSummary(Map.of(), Map.of("empty_text", 25L), lines,
                List.of()))
                .withMessageContaining("at most 20");
        DataSummary summary = DataSummary.of(Map.of("train", 100L), Map.of("empty_text", 25L), lines);
        assertThat(summary.badRowExamples()).hasSize(DataSummary.MAX_EXAMPLES).startsWith("line 1: empty");
        assertThat(summary.badRows()).isEqualTo(25);
        assertThat(summary.totalRows()).isEqualTo(100);
    }

    @Test
    void aDataSummaryAddsUpTheReadersReports() {
        DataReport train = new DataReport("train.tsv", DataFormat.TSV, 100, 97, 0,
                Map.of(BadRow.Reason.EMPTY_TEXT, 2L, BadRow.Reason.MISSING_LABEL, 1L),
                List.of(new BadRow(5, BadRow.Reason.EMPTY_TEXT, "the text is empty")), 0.1, true);
        DataReport test = new DataReport("test.tsv", DataFormat.TSV, 20, 19, 0, Map.of(BadRow.Reason.EMPTY_TEXT, 1L),
                List.of(new BadRow(3, BadRow.Reason.EMPTY_TEXT, "the text is empty")), 0.1, false);

        DataSummary summary = DataSummary.fromReports(Map.of("train", 97L, "test", 19L), List.of(train, test));

        assertThat(summary.badRowsByReason()).containsEntry("empty_text", 3L).containsEntry("missing_label", 1L);
        assertThat(summary.badRows()).isEqualTo(4);
        assertThat(summary.badRowExamples()).containsExactly("train.tsv line 5: the text is empty",
                "test.tsv line 3: the text is empty");
        assertThat(summary.notes()).singleElement(InstanceOfAssertFactories.STRING)
                .startsWith("train.tsv was read literally").contains("data.quoting");
    }

    @Test
    void aQuantizationSummaryCountsTheQuantizersNodes() {
        ModelProto model = OnnxModelBuilder.create("toy")
                .opset("", 13)
                .input("input_ids", ElementType.INT64, "batch", "sequence")
                .initializer("table", new float[64 * 8], 64, 8)
                .initializer("weight", new float[3 * 8], 3, 8)
                .initializer("bias", new float[3], 3)
                .node("Gather", List.of("table", "input_ids"), List.of("tokens"))
                .node("ReduceMean", List.of("tokens"), List.of("pooled"), n -> n.intsAttribute("axes", 1)
                        .intAttribute("keepdims", 0))
                .node("Gemm", List.of("pooled", "weight", "bias"), List.of("logits"), n -> n.name("head")
                        .intAttribute("transB", 1))
                .output("logits", ElementType.FLOAT32, "batch", 3)
                .build();
        QuantizationResult result = new Int8Quantizer(QuantizationConfig.builder().quantizeEmbeddings(true)
                .excludeNodes("head").build()).quantize(model);

        QuantizationSummary summary = QuantizationSummary.from(result);

        assertThat(summary.quantizedNodes()).isEqualTo(result.quantized().size()).isEqualTo(1);
        assertThat(summary.excludedNodes()).isEqualTo(1);
        assertThat(summary.skippedNodes()).isEqualTo(result.skipped().size());
        assertThat(summary.sourceBytes()).isEqualTo(result.sourceBytes());
        assertThat(summary.quantizedBytes()).isEqualTo(result.quantizedBytes()).isLessThan(result.sourceBytes());
        assertThat(summary.gateBefore()).isEmpty();
        assertThat(summary.gateAfter()).isEmpty();
        assertThat(summary.exclusions()).singleElement().asString().startsWith("Gemm 'head': ")
                .contains(result.excluded().get(0).reason());
    }
}
