package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

/** The trainer's settings: defaults, the builder, the checks and the text a run's fingerprint includes. */
class TrainerConfigTests {

    @Test
    void theBuilderStartsFromTheDefaults() {
        TrainerConfig defaults = TrainerConfig.ofDefaults();
        assertThat(TrainerConfig.builder().build()).isEqualTo(defaults).hasSameHashCodeAs(defaults);
        assertThat(defaults.epochs()).isEqualTo(10);
        assertThat(defaults.batchSize()).isEqualTo(32);
        assertThat(defaults.learningRate()).isEqualTo(2e-3f);
        assertThat(defaults.warmupShare()).isEqualTo(0.1);
        assertThat(defaults.weightDecay()).isEqualTo(0.01f);
        assertThat(defaults.clipGradient()).isEqualTo(1f);
        assertThat(defaults.temperature()).isEqualTo(2f);
        assertThat(defaults.alpha()).isEqualTo(0.5f);
        assertThat(defaults.patience()).isEqualTo(3);
        assertThat(defaults.seed()).isEqualTo(42);
        assertThat(defaults.objective()).isEqualTo(Objective.CLASSIFICATION);
        assertThat(defaults.temperatureAnnealing()).isFalse();
        assertThat(defaults.hardLabelWarmupEpochs()).isZero();
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        TrainerConfig config = TrainerConfig.builder().epochs(7).seed(3).objective(Objective.EMBEDDING_MSE).build();
        TrainerConfig changed = config.toBuilder().batchSize(8).build();
        assertThat(changed.batchSize()).isEqualTo(8);
        assertThat(changed.toBuilder().batchSize(config.batchSize()).build()).isEqualTo(config);
        assertThat(changed).isNotEqualTo(config);
    }

    @Test
    void theTextNamesEverySetting() {
        assertThat(TrainerConfig.ofDefaults()).hasToString("TrainerConfig[epochs=10, batchSize=32, learningRate=0.002, "
                + "warmupShare=0.1, weightDecay=0.01, clipGradient=1.0, temperature=2.0, alpha=0.5, patience=3, seed=42, "
                + "objective=CLASSIFICATION]");
    }

    @Test
    void badSettingsAreNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder().epochs(0).build())
                .withMessage("epochs must be >= 1, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder().warmupShare(1.0).build())
                .withMessage("warmupShare must be in [0, 1), was 1.0");
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder().alpha(1.5f).build())
                .withMessage("alpha must be in [0, 1], was 1.5");
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder().layerDecay(0f).build())
                .withMessage("layerDecay must be in (0, 1], was 0.0");
        assertThatNullPointerException().isThrownBy(() -> TrainerConfig.builder().objective(null).build())
                .withMessage("objective");
    }

    @Test
    void theScheduleIsPartOfTheTextAndTheIdentityOnlyWhenOn() {
        TrainerConfig scheduled = TrainerConfig.builder().temperatureAnnealing(true).hardLabelWarmupEpochs(2).build();
        assertThat(scheduled).hasToString("TrainerConfig[epochs=10, batchSize=32, learningRate=0.002, "
                + "warmupShare=0.1, weightDecay=0.01, clipGradient=1.0, temperature=2.0, alpha=0.5, patience=3, seed=42, "
                + "objective=CLASSIFICATION, temperatureAnnealing=true, hardLabelWarmupEpochs=2]");
        assertThat(scheduled).isNotEqualTo(TrainerConfig.ofDefaults())
            .isNotEqualTo(scheduled.toBuilder().temperatureAnnealing(false).build())
            .isNotEqualTo(scheduled.toBuilder().hardLabelWarmupEpochs(1).build())
            .isEqualTo(scheduled.toBuilder().build());
        assertThat(scheduled.toBuilder().temperatureAnnealing(false).hardLabelWarmupEpochs(0).build())
            .isEqualTo(TrainerConfig.ofDefaults()).hasToString(TrainerConfig.ofDefaults().toString());
    }

    @Test
    void aWarmupOutOfRangeOrAScheduleOfAnEmbeddingObjectiveIsRefusedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder().hardLabelWarmupEpochs(-1).build())
                .withMessage("hardLabelWarmupEpochs must be in [0, epochs - 1] = [0, 9], was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TrainerConfig.builder().epochs(3).hardLabelWarmupEpochs(3).build())
                .withMessage("hardLabelWarmupEpochs must be in [0, epochs - 1] = [0, 2], was 3");
        assertThat(TrainerConfig.builder().epochs(3).hardLabelWarmupEpochs(2).build().hardLabelWarmupEpochs())
                .isEqualTo(2);
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder()
                .objective(Objective.EMBEDDING_COSINE).temperatureAnnealing(true).build())
                .withMessage("temperatureAnnealing applies to objective CLASSIFICATION only: EMBEDDING_COSINE has no"
                        + " temperature, alpha or hard labels");
        assertThatIllegalArgumentException().isThrownBy(() -> TrainerConfig.builder()
                .objective(Objective.EMBEDDING_MSE).hardLabelWarmupEpochs(1).build())
                .withMessageStartingWith("hardLabelWarmupEpochs applies to objective CLASSIFICATION only");
    }
}
