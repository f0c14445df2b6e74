package io.distill4j.pipeline.train;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EmbeddingDistillationLossTests {

    private static final float TOLERANCE = 1e-6f;

    private NDManager manager;

    @BeforeEach
    void openManager() {
        this.manager = PyTorchRuntime.engine().newBaseManager();
    }

    @AfterEach
    void closeManager() {
        this.manager.close();
    }

    @Test
    void mseIsTheMeanOverAllElements() {
        // student [[1, 2], [0, 0]] - teacher [[0, 2], [1, 1]] = [[1, 0], [-1, -1]]; squares 1, 0, 1, 1; mean 3 / 4
        float value = EmbeddingDistillationLoss.mse()
            .evaluate(of(new float[][] { { 0, 2 }, { 1, 1 } }), of(new float[][] { { 1, 2 }, { 0, 0 } }))
            .getFloat();
        assertThat(value).isCloseTo(0.75f, within(TOLERANCE));
    }

    @Test
    void cosineIsOneMinusTheCosineAveragedOverRowsAndIgnoresScale() {
        // row 0: [1, 0] vs [0, 1] -> cos 0 -> 1; row 1: [1, 1] vs [2, 2] -> cos 1 -> 0; mean 0.5
        EmbeddingDistillationLoss loss = EmbeddingDistillationLoss.cosine();
        NDList teacher = of(new float[][] { { 0, 1 }, { 2, 2 } });
        assertThat(loss.evaluate(teacher, of(new float[][] { { 1, 0 }, { 1, 1 } })).getFloat()).isCloseTo(0.5f, within(TOLERANCE));
        assertThat(loss.evaluate(teacher, of(new float[][] { { 3, 0 }, { 0.1f, 0.1f } })).getFloat())
            .isCloseTo(0.5f, within(TOLERANCE));
        // row 0: [1, 1] vs [1, 0]: cos = 1 / sqrt(2) = 0.707107 -> 0.292893; row 1 [-2, -2] vs [2, 2]: cos -1 -> 2
        // mean = (0.292893 + 2) / 2 = 1.146447
        assertThat(loss.evaluate(of(new float[][] { { 1, 0 }, { 2, 2 } }), of(new float[][] { { 1, 1 }, { -2, -2 } }))
            .getFloat()).isCloseTo(1.146447f, within(1e-5f));
    }

    @Test
    void aZeroStudentVectorGivesDistanceOneNotNaN() {
        // cos = 0 / max(0, 1e-8) / 1 = 0 -> 1 - 0 = 1
        float value = EmbeddingDistillationLoss.cosine()
            .evaluate(of(new float[][] { { 1, 0 } }), of(new float[][] { { 0, 0 } }))
            .getFloat();
        assertThat(value).isCloseTo(1f, within(TOLERANCE));
    }

    @Test
    void widthMismatchPointsAtTheProjectionHead() {
        assertThatThrownBy(() -> EmbeddingDistillationLoss.mse()
            .evaluate(of(new float[][] { { 1, 0, 0 } }), of(new float[][] { { 1, 0 } })))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("predictions[0]"))
            .hasMessageContaining("ProjectionHead(3)");
        assertThatThrownBy(() -> EmbeddingDistillationLoss.mse()
            .evaluate(of(new float[][] { { 1, 0 }, { 0, 1 } }), of(new float[][] { { 1, 0 } })))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("labels[0]"));
    }

    @Test
    void projectionHeadRejectsANonPositiveWidth() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ProjectionHead(0)).withMessageContaining("teacherWidth");
    }

    @Test
    void narrowStudentLearnsAWideTeachersEmbeddingsThroughAProjectionHead() {
        // Student: bag of embeddings, width 4; teacher: fixed 8-wide embeddings per example.
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder()
            .vocabSize(6).embeddingDim(4).outputSize(4).output(StudentOutput.EMBEDDING).build();
        ProjectionHead head = new ProjectionHead(8);
        SequentialBlock trained = new SequentialBlock().add(config.newBlock()).add(head);
        long[] ids = { 1, 2, 3, 4, 5, 1, 3, 0 };
        long[] mask = { 1, 1, 1, 1, 1, 1, 1, 0 };
        float[][] teacher = { { 1, 0, 0, 0, 1, 0, 0, 0 }, { 0, 1, 0, 0, 0, 1, 0, 0 }, { 0, 0, 1, 0, 0, 0, 1, 0 },
                { 0, 0, 0, 1, 0, 0, 0, 1 } };
        PyTorchRuntime.engine().setRandomSeed(3);
        List<Float> losses = new ArrayList<>();
        try (Model model = Model.newInstance("projection", Device.cpu(), PyTorchRuntime.ENGINE_NAME)) {
            model.setBlock(trained);
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(EmbeddingDistillationLoss.cosine())
                .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.05f)).build())
                .optDevices(new Device[] { Device.cpu() });
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(new Shape(4, 2), new Shape(4, 2));
                assertThat(trainer.getModel().getBlock().getOutputShapes(new Shape[] { new Shape(4, 2), new Shape(4, 2) })[0])
                    .isEqualTo(new Shape(4, 8));
                for (int step = 0; step < 40; step++) {
                    try (NDManager batch = trainer.getManager().newSubManager()) {
                        NDList inputs = new NDList(batch.create(ids, new Shape(4, 2)), batch.create(mask, new Shape(4, 2)));
                        NDList labels = new NDList(batch.create(teacher));
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(labels, trainer.forward(inputs, labels));
                            losses.add(loss.getFloat());
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                }
            }
            assertThat(head.getParameters().get(0).getValue().getArray().getShape()).isEqualTo(new Shape(8, 4));
        }
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) / 2);
    }

    private NDList of(float[][] values) {
        return new NDList(this.manager.create(values));
    }
}
