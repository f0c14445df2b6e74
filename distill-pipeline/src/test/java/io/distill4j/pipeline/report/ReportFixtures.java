package io.distill4j.pipeline.report;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.distill.DistillationResult.GateOutcome;
import io.distill4j.api.distill.DistillationResult.ModelFigures;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.Stage;

/** A report with every part filled, and figures that differ per part so that a mix-up shows. */
final class ReportFixtures {

    /** The note of a TSV file read literally, with characters the HTML must escape. */
    static final String LITERAL_NOTE = "reviews <2024>.tsv was read literally: its \"quotes\" & tabs are text";


    static final String HOSTILE_NAME = "banking <script>alert('x')</script> & \"friends\"";

    private ReportFixtures() {
    }

    static DistillationReport.Builder full(String name, int epochs) {
        DistillationReport.Builder builder = DistillationReport.builder("job-7", DistillationTask.TEXT_CLASSIFICATION)
                .name(name)
                .created(Instant.parse("2025-03-01T10:15:30.123Z"))
                .figures(new ModelFigures(0.9312, 22_713_216, 90_868_100, 11.25, 412.5),
                        new ModelFigures(0.9187, 1_204_100, 4_818_000, 0.81, 9_811.0),
                        new ModelFigures(0.9165, 1_204_100, 1_262_000, 0.52, 14_020.4))
                .stage(new StageRecord(Stage.PREPARE_DATA, Duration.ofMillis(850), 210_000_000, 260_000_000, 265_000_000))
                .stage(new StageRecord(Stage.TEACHER, Duration.ofSeconds(95), 260_000_000, 300_000_000, 1_400_000_000))
                .stage(StageRecord.timed(Stage.STUDENT, Duration.ofMinutes(4).plusSeconds(3)))
                .hyperParameters(Map.of("temperature", "4", "hidden", "256", "learningRate", "0.002"))
                .trial(TrialRecord.completed("t1", 1, Map.of("hidden", "256", "learningRate", "0.002"), 3, 0.9011,
                        Duration.ofSeconds(31)))
                .trial(TrialRecord.pruned("t2", 0, Map.of("hidden", "64", "learningRate", "0.02"), 1, 0.7123,
                        Duration.ofSeconds(9), "below the median of rung 0 & <pruned>"))
                .trial(TrialRecord.failed("t3", 0, Map.of("hidden", "1024", "dropout", "0.1"), 0, Duration.ofSeconds(2),
                        "out of memory"))
                .chosenTrial("t1")
                .gate(new GateOutcome("accuracy after INT8 >= 97.0 % of the teacher's", 0.9165, 0.9033, true))
                .gate(new GateOutcome("accuracy before INT8 >= 0.95", 0.9187, 0.95, false))
                .data(new DataSummary(orderedSplits(), Map.of("empty_text", 2L),
                        List.of("train.tsv line 12: the text is empty", "train.tsv line 40: the text is empty"),
                        List.of(LITERAL_NOTE)).withAugmentation(AUGMENTATION))
                .quantization(new QuantizationSummary(12, 1, 2, 4_818_000, 1_262_000,
                        Optional.of(new QuantizationSummary.Gate(false, 0.93, "argmaxAgreement 0.93, required 0.99")),
                        Optional.of(new QuantizationSummary.Gate(true, 0.995, "argmaxAgreement 0.995, required 0.99")),
                        List.of("Gemm 'head': gate: took back")))
                .compatibility("CPU", "compatible")
                .compatibility("CUDA", "compatible with fallbacks")
                .warning("The validation split has only 40 rows; scores are noisy.")
                .teacherChoice(new TeacherChoice(true, "fine-tuned: probe 0.874 vs frozen 0.812 at 1,024 examples; "
                        + "estimated 41 min within the 60 min budget & <more>", 0.83, 500, 0.812, 0.874, 1024, 500, 96,
                        Duration.ofSeconds(80), Optional.of(Duration.ofMinutes(41)), Duration.ofMinutes(60)));
        for (int epoch = 1; epoch <= epochs; epoch++) {
            builder.epoch(new EpochRecord(epoch, 1.5 / epoch, 0.80 + 0.01 * epoch, 0.002 / epoch,
                    Duration.ofSeconds(40 + epoch)));
        }
        return builder;
    }

    /** The augmentation choice of {@link #full}, with characters HTML must escape. */
    static final AugmentationChoice AUGMENTATION = new AugmentationChoice(true, 3, 12_083,
            "auto: 12,083 training examples \u2192 3 copies per example (transfer \u2264 60,000 rows) & <rows>");

    private static Map<String, Long> orderedSplits() {
        Map<String, Long> splits = new LinkedHashMap<>();
        splits.put("train", 8_000L);
        splits.put("validation", 1_000L);
        splits.put("test", 1_002L);
        return splits;
    }
}
