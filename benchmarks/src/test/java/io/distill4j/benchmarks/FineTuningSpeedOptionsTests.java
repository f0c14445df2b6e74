package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

class FineTuningSpeedOptionsTests {

    /** all-MiniLM-L6-v2's shape, as BertEncoderWeights.studentConfig builds it: no dropout. */
    private static final TransformerConfig MINILM = TransformerConfig.builder().vocabSize(30522).maxPositions(512)
            .hiddenSize(384).layers(6).heads(12).intermediateSize(1536).outputSize(2).output(StudentOutput.LOGITS)
            .activation(HiddenActivation.GELU).build();

    @Test
    void defaultsAreBatch32Of64TokensFor30TimedStepsAfter5WarmupSteps() {
        FineTuningSpeedOptions options = FineTuningSpeedOptions.parse(new String[] { "--rounds", "1" });

        assertThat(options.batch()).isEqualTo(32);
        assertThat(options.length()).isEqualTo(64);
        assertThat(options.steps()).isEqualTo(30);
        assertThat(options.warmupSteps()).isEqualTo(5);
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.dropout()).isEqualTo(0.1f);
        assertThat(options.classes()).isEqualTo(2);
        assertThat(options.model()).isNull();
        assertThat(options.python()).isEqualTo("python3");
        assertThat(options.script()).isEqualTo(Path.of("benchmarks/python/train_speed.py"));
        assertThat(options.out()).isEqualTo(Path.of(FineTuningSpeedOptions.DEFAULT_OUT));
    }

    @Test
    void studentIsTheEncoderWithTheRunsDropout() {
        FineTuningSpeedOptions options = FineTuningSpeedOptions.parse(new String[] { "--dropout", "0.2" });

        TransformerConfig student = options.student(MINILM);

        assertThat(student.dropout()).isEqualTo(0.2f);
        assertThat(student).usingRecursiveComparison().ignoringFields("head.dropout").isEqualTo(MINILM);
    }

    @Test
    void workloadTellsTheScriptTheEncodersShapeFullRowsAndCrossEntropyOnly() {
        FineTuningSpeedOptions options = FineTuningSpeedOptions.parse(new String[] { "--length", "48", "--steps",
                "7", "--warmup-steps", "0", "--threads", "1" });

        TrainingWorkload workload = options.workload(options.student(MINILM));

        assertThat(workload.arguments()).containsSubsequence("--student", "transformer").containsSubsequence(
                "--vocab", "30522").containsSubsequence("--embedding-dim", "384").containsSubsequence("--layers", "6")
                .containsSubsequence("--heads", "12").containsSubsequence("--intermediate", "1536")
                .containsSubsequence("--max-positions", "512").containsSubsequence("--classes", "2")
                .containsSubsequence("--min-length", "48").containsSubsequence("--max-length", "48")
                .containsSubsequence("--steps", "7").containsSubsequence("--warmup-steps", "0")
                .containsSubsequence("--threads", "1").containsSubsequence("--activation", "gelu")
                .containsSubsequence("--dropout", "0.1").containsSubsequence("--alpha", "0.0");
        assertThat(workload.totalSteps()).isEqualTo(7);
    }

    @Test
    void lengthBeyondTheEncodersPositionsIsRejected() {
        FineTuningSpeedOptions options = FineTuningSpeedOptions.parse(new String[] { "--length", "513" });

        assertThatThrownBy(() -> options.student(MINILM))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--length (513) must not exceed the encoder's positions (512)");
    }

    @Test
    void dropoutOfOneIsRejectedNamingTheLimit() {
        assertThatThrownBy(() -> FineTuningSpeedOptions.parse(new String[] { "--dropout", "1" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--dropout must be between 0.0 and 0.99, was 1")
                .hasMessageContaining("usage: FineTuningSpeedBenchmark");
    }

    @Test
    void fractionalWarmupStepsAreRejected() {
        assertThatThrownBy(() -> FineTuningSpeedOptions.parse(new String[] { "--warmup-steps", "2.5" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--warmup-steps must be a whole number, was 2.5");
    }

    @Test
    void reportGoesToTheOutDirectoryUnderItsDefaultNameWithItsJsonBeside() {
        FineTuningSpeedOptions options = FineTuningSpeedOptions.parse(new String[] { "--out-dir", "target",
                "--work-dir", "work" });

        assertThat(options.out()).isEqualTo(Path.of("target", "fine-tuning-speed.md"));
        assertThat(options.workDirectory()).isEqualTo(Path.of("work"));
        assertThat(FineTuningSpeedBenchmark.jsonName("fine-tuning-speed.md")).isEqualTo("fine-tuning-speed.json");
        assertThat(FineTuningSpeedBenchmark.jsonName("report")).isEqualTo("report.json");
    }

    @Test
    void unknownFlagIsRejected() {
        assertThatThrownBy(() -> FineTuningSpeedOptions.parse(new String[] { "--student", "bag" }))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("unknown flag(s) [student]");
    }
}
