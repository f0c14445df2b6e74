package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/** DJL's AdamW with readable and seedable moments, against DJL's AdamW itself. */
class CheckpointedAdamWTests {

    private static final float[] START = {0.5f, -1.25f, 2f};

    private static final float[] FIRST_GRADIENT = {0.3f, -0.7f, 1.1f};

    private static final float[] SECOND_GRADIENT = {-0.2f, 0.4f, 0.9f};

    private static AdamW.Builder builder() {
        return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.1f)).optWeightDecays(0.01f);
    }

    @Test
    void movingTheMomentsToANewOptimizerContinuesExactlyAsDjlsAdamW() {
        try (NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            NDArray reference = manager.create(START);
            AdamW djl = builder().build();
            djl.update("w", reference, manager.create(FIRST_GRADIENT));
            djl.update("w", reference, manager.create(SECOND_GRADIENT));

            NDArray weight = manager.create(START);
            float[][] moments;
            try (CheckpointedAdamW first = new CheckpointedAdamW(builder(), Map.of())) {
                assertThat(first.moments("w")).isNull();
                first.update("w", weight, manager.create(FIRST_GRADIENT));
                moments = first.moments("w");
            }
            // After one update m = (1 - beta1) g and v = (1 - beta2) g^2: the first map is the first moment.
            for (int i = 0; i < START.length; i++) {
                assertThat(moments[0][i]).isCloseTo(0.1f * FIRST_GRADIENT[i], withinPercentage(0.1));
                assertThat(moments[1][i]).isCloseTo(0.001f * FIRST_GRADIENT[i] * FIRST_GRADIENT[i], withinPercentage(0.1));
            }
            try (CheckpointedAdamW second = new CheckpointedAdamW(builder().optBeginNumUpdate(1), Map.of("w", moments))) {
                second.update("w", weight, manager.create(SECOND_GRADIENT));
            }
            assertThat(weight.toFloatArray()).as("bit for bit").containsExactly(reference.toFloatArray());
        }
    }

    @Test
    void closeFreesTheMomentsOnceAndRefusesLaterUpdates() {
        try (NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            CheckpointedAdamW optimizer = new CheckpointedAdamW(builder(), Map.of());
            NDArray weight = manager.create(START);
            optimizer.update("w", weight, manager.create(FIRST_GRADIENT));
            assertThat(optimizer.moments("w")).isNotNull();

            optimizer.close();
            optimizer.close();
            assertThat(optimizer.moments("w")).isNull();
            assertThatIllegalStateException().isThrownBy(() -> optimizer.update("w", weight,
                    manager.create(FIRST_GRADIENT))).withMessageContaining("closed");
        }
    }
}
