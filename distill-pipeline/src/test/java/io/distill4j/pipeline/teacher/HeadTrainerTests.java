package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class HeadTrainerTests {

    private static final List<String> LABELS = List.of("red", "green", "blue");

    /** Three Gaussian clusters in 8 dimensions, centred on +3 along axes 0, 1 and 2. */
    private static float[][] clusters(int perClass, long seed, int[] labelsOut) {
        Random random = new Random(seed);
        float[][] x = new float[perClass * 3][8];
        for (int i = 0; i < x.length; i++) {
            int label = i % 3;
            labelsOut[i] = label;
            for (int d = 0; d < 8; d++) {
                x[i][d] = (float) (random.nextGaussian() * 0.5 + (d == label ? 3 : 0));
            }
        }
        return x;
    }

    @Test
    void separableClustersAreLearnedAndTheBestValidationEpochIsKept() {
        int[] trainLabels = new int[300];
        float[][] train = clusters(100, 1, trainLabels);
        int[] validationLabels = new int[60];
        float[][] validation = clusters(20, 2, validationLabels);

        HeadTrainer.Result result = HeadTrainer.builder().maxEpochs(30).build()
                .fit(train, trainLabels, validation, validationLabels, LABELS);

        assertThat(result.trainAccuracy()).isGreaterThan(0.99);
        assertThat(result.validationAccuracy()).isGreaterThan(0.98);
        assertThat(result.bestEpoch()).isBetween(1, result.epochs());
        assertThat(result.head().labels()).isEqualTo(LABELS);
        // The head scores each cluster's own axis highest.
        float[] probe = new float[8];
        probe[2] = 3;
        float[] logits = result.head().logits(probe);
        assertThat(logits[2]).isGreaterThan(logits[0]);
        assertThat(logits[2]).isGreaterThan(logits[1]);
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedDifferentOnes() {
        int[] labels = new int[90];
        float[][] train = clusters(30, 3, labels);
        HeadTrainer.Result a = HeadTrainer.builder().maxEpochs(5).seed(7).build()
                .fit(train, labels, new float[0][], new int[0], LABELS);
        HeadTrainer.Result b = HeadTrainer.builder().maxEpochs(5).seed(7).build()
                .fit(train, labels, new float[0][], new int[0], LABELS);
        HeadTrainer.Result c = HeadTrainer.builder().maxEpochs(5).seed(8).build()
                .fit(train, labels, new float[0][], new int[0], LABELS);
        assertThat(a.head().weights()).isDeepEqualTo(b.head().weights());
        assertThat(java.util.Arrays.deepEquals(a.head().weights(), c.head().weights())).isFalse();
        assertThat(a.validationAccuracy()).isNaN();
        assertThat(a.epochs()).isEqualTo(5);
    }

    @Test
    void inconsistentInputIsRefusedNamingTheField() {
        HeadTrainer trainer = HeadTrainer.builder().build();
        float[][] x = {{1, 2}, {3, 4}};
        assertThatIllegalArgumentException()
                .isThrownBy(() -> trainer.fit(x, new int[] {0}, new float[0][], new int[0], LABELS))
                .withMessage("train: 2 embeddings but 1 labels");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> trainer.fit(x, new int[] {0, 3}, new float[0][], new int[0], LABELS))
                .withMessage("train: label 3 of example 1 is outside [0, 3)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> trainer.fit(x, new int[] {0, 1}, new float[][] {{1, 2, 3}}, new int[] {0}, LABELS))
                .withMessageContaining("validation: embeddings are 3 wide");
        assertThatIllegalArgumentException().isThrownBy(() -> HeadTrainer.builder().learningRate(0))
                .withMessageContaining("learningRate");
    }
}
