package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import io.distill4j.pipeline.student.HiddenActivation;
import org.junit.jupiter.api.Test;

class TrainingSpeedOptionsTests {

    @Test
    void defaultsAreTheBagStudentTheDistillerPicksOnBanking77() {
        TrainingSpeedOptions options = TrainingSpeedOptions.parse(new String[] { "--rounds", "1" });

        TrainingWorkload workload = options.workload();
        assertThat(workload.student()).isEqualTo("bag");
        assertThat(workload.vocab()).isEqualTo(2264);
        assertThat(workload.embeddingDim()).isEqualTo(128);
        assertThat(workload.hidden()).containsExactly(256);
        assertThat(workload.classes()).isEqualTo(77);
        assertThat(workload.batch()).isEqualTo(32);
        assertThat(workload.steps()).isEqualTo(300);
        assertThat(workload.warmupSteps()).isEqualTo(1000);
        assertThat(workload.activation()).isEqualTo(HiddenActivation.RELU);
        assertThat(options.python()).isEqualTo("python3");
        assertThat(options.script()).isEqualTo(Path.of("benchmarks/python/train_speed.py"));
        assertThat(options.out()).isEqualTo(Path.of(TrainingSpeedOptions.DEFAULT_OUT));
    }

    @Test
    void transformerActivationDefaultsToGelu() {
        TrainingSpeedOptions options = TrainingSpeedOptions.parse(new String[] { "--student", "transformer" });

        assertThat(options.workload().activation()).isEqualTo(HiddenActivation.GELU);
    }

    @Test
    void reportGoesToTheOutDirectoryUnderItsDefaultName() {
        TrainingSpeedOptions options = TrainingSpeedOptions.parse(new String[] { "--out-dir", "target", "--work-dir",
                "ignored" });

        assertThat(options.out()).isEqualTo(Path.of("target", "training-speed.json"));
    }

    @Test
    void unknownStudentIsRejectedWithTheUsage() {
        assertThatThrownBy(() -> TrainingSpeedOptions.parse(new String[] { "--student", "cnn" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--student must be bag or transformer, was cnn")
                .hasMessageContaining("usage: TrainingSpeedBenchmark");
    }

    @Test
    void maxLengthBelowMinLengthIsRejected() {
        assertThatThrownBy(() -> TrainingSpeedOptions.parse(new String[] { "--min-length", "20", "--max-length", "10" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--max-length (10) must be at least --min-length (20)");
    }

    @Test
    void transformerMaxLengthBeyondItsPositionsIsRejected() {
        assertThatThrownBy(() -> TrainingSpeedOptions.parse(
                new String[] { "--student", "transformer", "--max-positions", "16", "--max-length", "30" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--max-length (30) must not exceed --max-positions (16)");
    }

    @Test
    void fractionalWarmupStepsAreRejected() {
        assertThatThrownBy(() -> TrainingSpeedOptions.parse(new String[] { "--warmup-steps", "2.5" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--warmup-steps must be a whole number of at least 0, was 2.5");
    }

    @Test
    void unknownFlagIsRejected() {
        assertThatThrownBy(() -> TrainingSpeedOptions.parse(new String[] { "--epochs", "3" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("unknown flag(s) [epochs]");
    }
}
