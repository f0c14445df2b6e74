package io.distill4j.pipeline.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Progress lines say the epoch, the step, the speed and the time left, or the epoch's loss and accuracy. */
class FineTuneProgressTests {

    @Test
    void aStepLineGivesSpeedAndAnEtaInHoursMinutesOrSeconds() {
        assertThat(step(Duration.ofSeconds(2950)).line())
                .isEqualTo("fine-tuning epoch 1/3, step 120 of 6300, 2.10 steps/s, ETA 49m 10s");
        assertThat(step(Duration.ofMinutes(125)).line()).endsWith("ETA 2h 05m");
        assertThat(step(Duration.ofSeconds(7)).line()).endsWith("ETA 7s");
        assertThat(step(Duration.ofSeconds(7)).epochEnd()).isFalse();
    }

    @Test
    void anEpochLineGivesTheLossAndTheValidationAccuracy() {
        FineTuneProgress end = new FineTuneProgress(2, 3, 4200, 6300, 0.41234, 0.88126, Double.NaN, Optional.empty());
        assertThat(end.epochEnd()).isTrue();
        assertThat(end.line()).isEqualTo("fine-tuning epoch 2/3 done: loss 0.4123, validation accuracy 0.8813");
    }

    private static FineTuneProgress step(Duration eta) {
        return new FineTuneProgress(1, 3, 120, 6300, Double.NaN, Double.NaN, 2.1, Optional.of(eta));
    }
}
