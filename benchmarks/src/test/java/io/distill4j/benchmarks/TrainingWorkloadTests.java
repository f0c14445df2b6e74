package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TrainingWorkloadTests {

    @Test
    void bagArgumentsNameItsHiddenWidthsForTheScript() {
        TrainingWorkload workload = TrainingSpeedOptions.parse(new String[] { "--hidden", "64,32" }).workload();

        List<String> arguments = workload.arguments();
        assertThat(arguments).containsSubsequence("--student", "bag", "--vocab", "2264");
        assertThat(arguments).endsWith("--hidden", "64,32");
        assertThat(arguments).doesNotContain("--layers", "--max-positions");
    }

    @Test
    void transformerArgumentsNameItsShapeForTheScript() {
        TrainingWorkload workload = TrainingSpeedOptions.parse(
                new String[] { "--student", "transformer", "--layers", "3", "--heads", "2" }).workload();

        assertThat(workload.arguments()).endsWith("--layers", "3", "--heads", "2", "--intermediate", "256",
                "--max-positions", "128");
        assertThat(workload.arguments()).doesNotContain("--hidden");
    }

    @Test
    void epochsHoldEveryWarmupAndTimedStep() {
        TrainingWorkload workload = TrainingSpeedOptions.parse(
                new String[] { "--steps", "30", "--warmup-steps", "21" }).workload();

        assertThat(workload.totalSteps()).isEqualTo(51);
        assertThat(workload.epochs()).isEqualTo(2);
    }
}
