package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import io.distill4j.pipeline.train.TrainingProgress;
import org.junit.jupiter.api.Test;

class StepClockTests {

    @Test
    void warmupStepsAreNotTimedAndTheClockAsksToStopAfterTheLastStep() throws InterruptedException {
        StepClock clock = new StepClock(2, 4);
        clock.start();

        clock.report(step(1));
        clock.report(step(2));
        assertThat(clock.timedSteps()).isZero();
        assertThat(clock.timedNanos()).isZero();

        Thread.sleep(5);
        clock.report(step(3));
        assertThat(clock.timedSteps()).isEqualTo(1);
        assertThat(clock.timedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos());
        assertThat(clock.done()).isFalse();

        clock.report(step(4));
        assertThat(clock.timedSteps()).isEqualTo(2);
        assertThat(clock.done()).isTrue();
        assertThat(clock.timedStepNanos()).hasSize(2);
        assertThat(clock.timedStepNanos().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos());
        assertThat(clock.timedStepNanos().stream().mapToLong(Long::longValue).sum()).isEqualTo(clock.timedNanos());
    }

    @Test
    void epochEndsRecordTheirLossAndAreNotSteps() throws InterruptedException {
        StepClock clock = new StepClock(0, 10);
        clock.start();
        clock.report(step(1));
        long afterFirstStep = clock.timedNanos();

        Thread.sleep(20);
        clock.report(new TrainingProgress(1, 1, 10, 0.25, 0.5, Optional.empty()));
        clock.report(step(2));

        assertThat(clock.epochLosses()).containsExactly(0.25);
        assertThat(clock.timedSteps()).isEqualTo(2);
        // The second step runs from the epoch's report, so the pause before it (validation) is left out.
        assertThat(clock.timedNanos() - afterFirstStep).isLessThan(Duration.ofMillis(20).toNanos());
    }

    private static TrainingProgress step(int step) {
        return new TrainingProgress(1, step, 10, Double.NaN, Double.NaN, Optional.of(Duration.ofSeconds(1)));
    }
}
