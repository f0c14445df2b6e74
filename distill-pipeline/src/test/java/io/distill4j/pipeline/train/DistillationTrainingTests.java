package io.distill4j.pipeline.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test: a bag-of-embeddings student distilled from a fixed "teacher" on a tiny synthetic task.
 * Each text holds token 1 (class 0) or token 2 (class 1) among noise tokens 3..7, padded with 0 to 6
 * tokens. The teacher's logits are a fixed function of that: [+2, -2] for class 0, [-2, +2] for class 1.
 * Every fourth example has no hard label, so the masked path is trained too.
 */
class DistillationTrainingTests {

    private static final int EXAMPLES = 32;

    private static final int LENGTH = 6;

    private static final int STEPS = 50;

    @Test
    void studentLearnsTheTeachersTaskAndEveryNativeOwnerIsClosed() {
        Random random = new Random(42);
        long[][] ids = new long[EXAMPLES][LENGTH];
        long[][] mask = new long[EXAMPLES][LENGTH];
        float[][] teacher = new float[EXAMPLES][];
        long[] hard = new long[EXAMPLES];
        int[] truth = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            truth[i] = i % 2;
            int length = 2 + random.nextInt(LENGTH - 1);
            int signalAt = random.nextInt(length);
            for (int t = 0; t < length; t++) {
                ids[i][t] = (t == signalAt) ? 1 + truth[i] : 3 + random.nextInt(5);
                mask[i][t] = 1;
            }
            teacher[i] = (truth[i] == 0) ? new float[] { 2, -2 } : new float[] { -2, 2 };
            hard[i] = (i % 4 == 3) ? DistillationLoss.NO_LABEL : truth[i];
        }
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(8).embeddingDim(8).hiddenSizes(16)
            .outputSize(2).activation(HiddenActivation.GELU).build();
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(
                DistillationLoss.builder().temperature(2).alpha(0.5f).build())
            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.05f)).optWeightDecays(0.01f).build())
            .optDevices(new Device[] { Device.cpu() });

        List<Float> losses = new ArrayList<>();
        StudentModel escaped;
        NDArray table;
        try (StudentModel model = StudentModel.create(config.newBlock(), 42);
                Trainer trainer = model.newTrainer(trainingConfig)) {
            escaped = model;
            table = model.block().getParameters().get("embedding").getArray();
            Shape shape = new Shape(EXAMPLES, LENGTH);
            for (int step = 0; step < STEPS; step++) {
                try (NDManager batch = trainer.getManager().newSubManager()) {
                    NDList inputs = new NDList(batch.create(flatten(ids), shape), batch.create(flatten(mask), shape));
                    NDList labels = new NDList(batch.create(teacher), batch.create(hard));
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList predictions = trainer.forward(inputs, labels);
                        NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                        losses.add(loss.getFloat());
                        collector.backward(loss);
                    }
                    trainer.step();
                }
            }
            assertThat(trainer.getManager().isOpen()).isTrue();

            float[][] logits = model.predict(ids, mask);
            int correct = 0;
            for (int i = 0; i < EXAMPLES; i++) {
                int predicted = (logits[i][0] >= logits[i][1]) ? 0 : 1;
                correct += (predicted == truth[i]) ? 1 : 0;
            }
            assertThat(correct).as("training-set accuracy").isEqualTo(EXAMPLES);
        }
        assertThat(losses.get(STEPS - 1)).as("loss after %d steps vs. first, all: %s", STEPS, losses)
            .isLessThan(losses.get(0) / 4);
        assertThat(escaped.isClosed()).isTrue();
        assertThat(table.isReleased()).isTrue();
        assertThat(table.getManager().isOpen()).isFalse();
    }

    private static long[] flatten(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }
}
