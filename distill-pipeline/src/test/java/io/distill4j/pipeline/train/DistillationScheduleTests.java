package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The temperature and alpha of each epoch, from the configuration alone. */
class DistillationScheduleTests {

    @Test
    void annealingIsLinearInTheEpochIndexFromTheConfiguredTemperatureToOne() {
        DistillationSchedule schedule = DistillationSchedule.of(TrainerConfig.builder().epochs(5).temperature(4)
                .temperatureAnnealing(true).build());
        // T(e) = 4 * (1 - f) + f, f = (e - 1) / 4: 4, 3.25, 2.5, 1.75, 1
        assertThat(new float[] { schedule.temperatureAt(1), schedule.temperatureAt(2), schedule.temperatureAt(3),
            schedule.temperatureAt(4), schedule.temperatureAt(5) }).containsExactly(4f, 3.25f, 2.5f, 1.75f, 1f);
        assertThat(schedule.alphaAt(1)).as("annealing leaves alpha alone").isEqualTo(0.5f);
    }

    @Test
    void aSingleEpochOrNoAnnealingKeepsTheTemperature() {
        assertThat(DistillationSchedule.of(TrainerConfig.builder().epochs(1).temperature(4).temperatureAnnealing(true)
                .build()).temperatureAt(1)).isEqualTo(4f);
        DistillationSchedule constant = DistillationSchedule.of(TrainerConfig.builder().epochs(5).temperature(4).build());
        for (int epoch = 1; epoch <= 5; epoch++) {
            assertThat(constant.temperatureAt(epoch)).isEqualTo(4f);
            assertThat(constant.alphaAt(epoch)).isEqualTo(0.5f);
        }
    }

    @Test
    void theWarmupEpochsHaveAlphaZeroThenTheConfiguredAlphaApplies() {
        DistillationSchedule schedule = DistillationSchedule.of(TrainerConfig.builder().epochs(4).alpha(0.7f)
                .hardLabelWarmupEpochs(2).build());
        assertThat(new float[] { schedule.alphaAt(1), schedule.alphaAt(2), schedule.alphaAt(3), schedule.alphaAt(4) })
            .containsExactly(0f, 0f, 0.7f, 0.7f);
        assertThat(schedule.alpha()).as("before the first startEpoch: epoch 1").isZero();
        schedule.startEpoch(3);
        assertThat(schedule.alpha()).isEqualTo(0.7f);
    }

    @Test
    void aScheduleThatVariesRefusesAnEpochOutsideTheRun() {
        DistillationSchedule schedule = DistillationSchedule.of(TrainerConfig.builder().epochs(3)
                .temperatureAnnealing(true).build());
        assertThatIllegalArgumentException().isThrownBy(() -> schedule.startEpoch(4))
                .withMessage("epoch must be in [1, 3], was 4");
        assertThatIllegalArgumentException().isThrownBy(() -> schedule.startEpoch(0))
                .withMessage("epoch must be in [1, 3], was 0");
    }
}
