package io.distill4j.api.distill;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DistillationResultTests {

    private static DistillationResult result(DistillationResult.ModelFigures teacher) {
        DistillationResult.ModelFigures student = new DistillationResult.ModelFigures(0.9, 1_000, 4_000, 0.5, 900);
        Path dir = Path.of("out");
        return new DistillationResult("job-1", DistillationTask.TEXT_CLASSIFICATION, "accuracy", teacher, student,
                student, new DistillationResult.Files(dir, dir.resolve("a.onnx"), dir.resolve("b.onnx"),
                        dir.resolve("r.json"), dir.resolve("r.html")), Optional.empty(), OptionalLong.empty(),
                Map.of(), 1, List.of(), Map.of(), false);
    }

    @Test
    void aTeacherKnownOnlyByItsOutputsHasAMetricAndNoModel() {
        DistillationResult.ModelFigures figures = DistillationResult.ModelFigures.metricOnly(0.93);

        assertThat(figures.hasModel()).isFalse();
        assertThat(figures.parameters()).isEqualTo(-1);
        assertThat(figures.fileBytes()).isEqualTo(-1);
        assertThat(figures.p50LatencyMillis()).isNaN();
        assertThat(figures.throughput()).isNaN();
        assertThat(result(figures).summary()).contains("accuracy: teacher 0.9300")
                .contains("parameters: teacher not measured (no model), student 1,000");
    }

    @Test
    void aTeacherModelIsCountedInTheSummary() {
        DistillationResult.ModelFigures figures = new DistillationResult.ModelFigures(0.95, 22_000_000, 90_000_000,
                10, 400);

        assertThat(figures.hasModel()).isTrue();
        assertThat(result(figures).summary()).contains("parameters: teacher 22,000,000, student 1,000");
    }
}
