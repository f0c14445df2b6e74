package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FineTuningSpeedTableTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Test
    void sideReadsStepTimesIntoRatesAndPercentiles() {
        // Ten steps: 0.1 s each but one of 0.5 s, 1.4 s in all.
        TimedSide side = TimedSide.of("DJL", 1, json("""
                {"step_seconds": [0.1, 0.1, 0.1, 0.1, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1], "main_thread_cpu_seconds": 1.2,
                 "peak_rss_bytes": 1048576}
                """), 32);

        assertThat(side.stepsPerSecond()).isCloseTo(10 / 1.4, offset(1e-9));
        assertThat(side.sentencesPerSecond()).isCloseTo(320 / 1.4, offset(1e-9));
        assertThat(side.steps().latencyMillis(0.5)).isEqualTo(100.0);
        assertThat(side.steps().latencyMillis(0.9)).isEqualTo(100.0);
        assertThat(side.steps().latencyMillis(1.0)).isEqualTo(500.0);
        assertThat(side.trainingThreadCpuMillisPerStep()).isCloseTo(120.0, offset(1e-9));
        assertThat(side.peakRssBytes()).isEqualTo(1048576);
    }

    @Test
    void sideWithoutStepTimesIsRejected() {
        assertThatThrownBy(() -> TimedSide.of("PyTorch", 1, json("{\"steps_per_second\": 3}"), 32))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("PyTorch's result holds no step_seconds");
    }

    @Test
    void tableHasOneRowPerSideAndTheRatioOnDjlsRow() {
        TimedSide djl = TimedSide.of("DJL", 1, json("{\"step_seconds\": [0.5, 0.5, 0.5, 0.5]}"), 32);
        TimedSide pytorch = TimedSide.of("PyTorch", 1, json("""
                {"step_seconds": [0.4, 0.4, 0.4, 0.4], "main_thread_cpu_seconds": 1.0, "peak_rss_bytes": 734003200}
                """), 32);

        String table = FineTuningSpeedTable.of(List.of(djl, pytorch));

        assertThat(table.lines().toList()).containsExactly(
                "| round | side | steps/s | sentences/s | ms/step median | ms/step p90 | training thread CPU ms/step"
                        + " | peak RSS (MiB) | DJL / PyTorch |",
                "|---|---|---|---|---|---|---|---|---|",
                "| 1 | DJL | 2.000 | 64.0 | 500.0 | 500.0 | n/a | n/a | 0.800 |",
                "| 1 | PyTorch | 2.500 | 80.0 | 400.0 | 400.0 | 250.0 | 700 |  |");
        assertThat(FineTuningSpeedTable.ratio(djl, pytorch)).isCloseTo(0.8, offset(1e-9));
    }

    @Test
    void sidesOutOfPairsAreRejected() {
        TimedSide djl = TimedSide.of("DJL", 1, json("{\"step_seconds\": [0.5]}"), 32);
        TimedSide pytorch = TimedSide.of("PyTorch", 2, json("{\"step_seconds\": [0.4]}"), 32);

        assertThatThrownBy(() -> FineTuningSpeedTable.of(List.of(djl)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FineTuningSpeedTable.of(List.of(djl, pytorch)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rounds 1 and 2");
    }

    private static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }
}
