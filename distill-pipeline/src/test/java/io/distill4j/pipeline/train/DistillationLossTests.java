package io.distill4j.pipeline.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Values computed by hand. Notation: p = softmax, e = 2.718282; softmax([1, 0]) = [e/(e+1), 1/(e+1)]
 * = [0.731059, 0.268941]; ln(0.731059 / 0.5) = 0.379885, ln(0.268941 / 0.5) = -0.620115.
 */
class DistillationLossTests {

    private static final float TOLERANCE = 1e-5f;

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
    void softAndHardTermsMatchTheHandComputedValue() {
        // teacher [2, 0], student [0, 0], label 0, T = 2, alpha = 0.5
        // p_t = softmax([2, 0] / 2) = softmax([1, 0]) = [0.731059, 0.268941]; p_s = softmax([0, 0]) = [0.5, 0.5]
        // KL(p_t || p_s) = 0.731059 * 0.379885 + 0.268941 * (-0.620115) = 0.277718 - 0.166774 = 0.110944
        // soft = T^2 * KL = 4 * 0.110944 = 0.443776
        // hard = CE([0, 0], 0) = -ln 0.5 = 0.693147
        // loss = 0.5 * 0.443776 + 0.5 * 0.693147 = 0.568462
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(0.5f).build();
        float value = loss.evaluate(labels(new float[][] { { 2, 0 } }, 0), logits(new float[][] { { 0, 0 } })).getFloat();
        assertThat(value).isCloseTo(0.568462f, within(TOLERANCE));
    }

    @Test
    void rowsWithoutAHardLabelContributeOnlyTheSoftTerm() {
        // row 0: teacher [2, 0], student [0, 0], label 0 -> KL 0.110944 (above), CE 0.693147
        // row 1: teacher [0, 2], student [1, 0], no label
        //   p_t = softmax([0, 1]) = [0.268941, 0.731059]; p_s = softmax([0.5, 0]) = [0.622459, 0.377541]
        //   KL = 0.268941 * ln(0.268941 / 0.622459) + 0.731059 * ln(0.731059 / 0.377541)
        //      = 0.268941 * (-0.839185) + 0.731059 * 0.660815 = -0.225692 + 0.483095 = 0.257403
        // soft = T^2 * mean over both rows = 4 * (0.110944 + 0.257403) / 2 = 0.736694
        // hard = mean over the labelled row only = 0.693147
        // loss = 0.5 * 0.736694 + 0.5 * 0.693147 = 0.714921
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(0.5f).build();
        NDList labels = labels(new float[][] { { 2, 0 }, { 0, 2 } }, 0, DistillationLoss.NO_LABEL);
        float value = loss.evaluate(labels, logits(new float[][] { { 0, 0 }, { 1, 0 } })).getFloat();
        assertThat(value).isCloseTo(0.714921f, within(TOLERANCE));

        // Any negative label means "none"; and a batch with no labelled row has hard term 0: 0.5 * 0.736694.
        NDList unlabelled = labels(new float[][] { { 2, 0 }, { 0, 2 } }, -7, DistillationLoss.NO_LABEL);
        float softOnly = loss.evaluate(unlabelled, logits(new float[][] { { 0, 0 }, { 1, 0 } })).getFloat();
        assertThat(softOnly).isCloseTo(0.368347f, within(TOLERANCE));
        // Leaving the hard-label array out is the same as marking every row unlabelled.
        NDList teacherOnly = new NDList(this.manager.create(new float[][] { { 2, 0 }, { 0, 2 } }));
        assertThat(loss.evaluate(teacherOnly, logits(new float[][] { { 0, 0 }, { 1, 0 } })).getFloat())
            .isCloseTo(0.368347f, within(TOLERANCE));
    }

    @Test
    void alphaOneIsThePureSoftTermAndIgnoresHardLabels() {
        // loss = 1 * 4 * 0.110944 = 0.443776, whatever the hard label says
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(1f).build();
        assertThat(loss.evaluate(labels(new float[][] { { 2, 0 } }, 1), logits(new float[][] { { 0, 0 } })).getFloat())
            .isCloseTo(0.443776f, within(TOLERANCE));
        assertThat(loss.evaluate(new NDList(this.manager.create(new float[][] { { 2, 0 } })), logits(new float[][] { { 0, 0 } }))
            .getFloat()).isCloseTo(0.443776f, within(TOLERANCE));
    }

    @Test
    void alphaZeroIsPlainCrossEntropyAndAgreesWithDjl() {
        // loss = CE([0, 0], 0) = ln 2 = 0.693147; the teacher's logits do not matter
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(0f).build();
        NDArray student = this.manager.create(new float[][] { { 0, 0 }, { 3, -1 } });
        NDList labels = labels(new float[][] { { 9, -9 }, { -5, 5 } }, 0, 1);
        float ours = loss.evaluate(labels, new NDList(student)).getFloat();
        float djl = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels.get(1)), new NDList(student)).getFloat();
        // row 1: CE([3, -1], 1) = ln(e^3 + e^-1) + 1 = 3.018150 + 1 = 4.018150; mean = (0.693147 + 4.018150) / 2 = 2.355649
        assertThat(ours).isCloseTo(2.355649f, within(TOLERANCE)).isCloseTo(djl, within(TOLERANCE));
    }

    @Test
    void alphaZeroWithoutHardLabelsIsRejected() {
        DistillationLoss loss = DistillationLoss.builder().alpha(0f).build();
        assertThatThrownBy(() -> loss.evaluate(new NDList(this.manager.create(new float[][] { { 1, 0 } })),
                logits(new float[][] { { 0, 0 } })))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("labels[1]"));
    }

    @Test
    void anAnnealedTemperatureFallsFromTheConfiguredOneAtTheFirstEpochToOneAtTheLast() {
        // teacher [2, 0], student [0, 0], label 0, alpha = 0.5, T annealed from 3 over 3 epochs: T(e) = 3, 2, 1
        // epoch 1, T = 3: p_t = softmax([0.666667, 0]) = [0.660756, 0.339244]
        //   KL = 0.660756 * ln(0.660756 / 0.5) + 0.339244 * ln(0.339244 / 0.5)
        //      = 0.660756 * 0.278777 + 0.339244 * (-0.387890) = 0.184204 - 0.131589 = 0.052615
        //   loss = 0.5 * 9 * 0.052615 + 0.5 * 0.693147 = 0.236766 + 0.346574 = 0.583340
        // epoch 2, T = 2: 0.568462 (softAndHardTermsMatchTheHandComputedValue)
        // epoch 3, T = 1: p_t = softmax([2, 0]) = [0.880797, 0.119203]
        //   KL = 0.880797 * 0.566219 + 0.119203 * (-1.433781) = 0.498724 - 0.170911 = 0.327813
        //   loss = 0.5 * 1 * 0.327813 + 0.5 * 0.693147 = 0.510480
        DistillationSchedule schedule = DistillationSchedule.of(TrainerConfig.builder().epochs(3).temperature(3)
                .alpha(0.5f).temperatureAnnealing(true).build());
        DistillationLoss loss = DistillationLoss.scheduled(schedule);
        float[] expected = { 0.583340f, 0.568462f, 0.510480f };
        for (int epoch = 1; epoch <= 3; epoch++) {
            schedule.startEpoch(epoch);
            assertThat(loss.temperature()).isEqualTo(4f - epoch);
            assertThat(loss.evaluate(labels(new float[][] { { 2, 0 } }, 0), logits(new float[][] { { 0, 0 } }))
                .getFloat()).as("epoch %d", epoch).isCloseTo(expected[epoch - 1], within(TOLERANCE));
        }
    }

    @Test
    void withoutAScheduleTheTrainersLossIsTheBuildersLossInEveryEpoch() {
        DistillationSchedule schedule = DistillationSchedule.of(TrainerConfig.builder().epochs(3).temperature(3)
                .alpha(0.7f).build());
        DistillationLoss scheduled = DistillationLoss.scheduled(schedule);
        DistillationLoss built = DistillationLoss.builder().temperature(3).alpha(0.7f).build();
        NDList labels = labels(new float[][] { { 2, 0 }, { 0, 2 } }, 0, DistillationLoss.NO_LABEL);
        float expected = built.evaluate(labels, logits(new float[][] { { 0, 0 }, { 1, 0 } })).getFloat();
        for (int epoch = 1; epoch <= 3; epoch++) {
            schedule.startEpoch(epoch);
            assertThat(scheduled.evaluate(labels, logits(new float[][] { { 0, 0 }, { 1, 0 } })).getFloat())
                .isEqualTo(expected);
        }
    }

    @Test
    void aWarmupEpochIsTheHardLabelOnlyLossAndUnlabelledRowsAddNothing() {
        // Warm-up of 1 of 3 epochs, T = 2, alpha = 0.5. Epoch 1 is the alpha = 0 loss: rows
        // (teacher [2, 0], student [0, 0], label 0) and (teacher [0, 2], student [1, 0], no label) give
        // CE over the labelled row only = ln 2 = 0.693147. Epoch 2 is the alpha = 0.5 loss, 0.714921
        // (rowsWithoutAHardLabelContributeOnlyTheSoftTerm).
        DistillationSchedule schedule = DistillationSchedule.of(TrainerConfig.builder().epochs(3).temperature(2)
                .alpha(0.5f).hardLabelWarmupEpochs(1).build());
        DistillationLoss loss = DistillationLoss.scheduled(schedule);
        DistillationLoss hardOnly = DistillationLoss.builder().temperature(2).alpha(0f).build();
        NDList labels = labels(new float[][] { { 2, 0 }, { 0, 2 } }, 0, DistillationLoss.NO_LABEL);
        NDList student = logits(new float[][] { { 0, 0 }, { 1, 0 } });

        schedule.startEpoch(1);
        assertThat(loss.alpha()).isZero();
        float warmup = loss.evaluate(labels, student).getFloat();
        assertThat(warmup).isCloseTo(0.693147f, within(TOLERANCE))
            .isEqualTo(hardOnly.evaluate(labels, student).getFloat());
        NDList noLabel = labels(new float[][] { { 2, 0 }, { 0, 2 } }, DistillationLoss.NO_LABEL,
                DistillationLoss.NO_LABEL);
        assertThat(loss.evaluate(noLabel, student).getFloat()).as("a batch without labels in warm-up").isZero();

        schedule.startEpoch(2);
        assertThat(loss.alpha()).isEqualTo(0.5f);
        assertThat(loss.evaluate(labels, student).getFloat()).isCloseTo(0.714921f, within(TOLERANCE));
    }

    @Test
    void temperatureOneUsesThePlainSoftmax() {
        // teacher [1, 0], student [0, 1], label 0, T = 1, alpha = 0.5
        // p_t = [0.731059, 0.268941], p_s = [0.268941, 0.731059]; ln(p_t / p_s) = [1, -1]
        // KL = 0.731059 * 1 + 0.268941 * (-1) = 0.462117; soft = 1^2 * 0.462117
        // hard = -ln 0.268941 = 1.313262
        // loss = 0.5 * 0.462117 + 0.5 * 1.313262 = 0.887690
        DistillationLoss loss = DistillationLoss.builder().temperature(1).alpha(0.5f).build();
        assertThat(loss.evaluate(labels(new float[][] { { 1, 0 } }, 0), logits(new float[][] { { 0, 1 } })).getFloat())
            .isCloseTo(0.887690f, within(TOLERANCE));
    }

    @Test
    void gradientMatchesTheHandDerivationAndOneStepMovesTheStudentTowardsTeacherAndLabel() {
        // d loss / d s = alpha * T * (p_s(T) - p_t(T)) + (1 - alpha) * (p_s(1) - onehot)
        //             = 0.5 * 2 * ([0.5, 0.5] - [0.731059, 0.268941]) + 0.5 * ([0.5, 0.5] - [1, 0])
        //             = [-0.231059, 0.231059] + [-0.25, 0.25] = [-0.481059, 0.481059]
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(0.5f).build();
        Engine engine = PyTorchRuntime.engine();
        NDArray student = this.manager.create(new float[][] { { 0, 0 } });
        student.setRequiresGradient(true);
        NDList labels = labels(new float[][] { { 2, 0 } }, 0);
        float before;
        try (GradientCollector collector = engine.newGradientCollector()) {
            NDArray value = loss.evaluate(labels, new NDList(student));
            before = value.getFloat();
            collector.backward(value);
        }
        float[] gradient = student.getGradient().toFloatArray();
        assertThat(gradient[0]).isCloseTo(-0.481059f, within(TOLERANCE));
        assertThat(gradient[1]).isCloseTo(0.481059f, within(TOLERANCE));

        // One SGD step, lr 0.5: s = [0, 0] - 0.5 * grad = [0.240530, -0.240530]: class 0 (teacher's and label's) rises.
        NDArray stepped = this.manager.create(new float[][] { { 0, 0 } }).sub(student.getGradient().mul(0.5f));
        assertThat(stepped.toFloatArray()[0]).isGreaterThan(0f);
        assertThat(stepped.toFloatArray()[1]).isLessThan(0f);
        float after = loss.evaluate(labels, new NDList(stepped)).getFloat();
        assertThat(after).isLessThan(before);
    }

    @Test
    void teacherLogitsGetNoGradientAndUnlabelledRowsGetOnlyTheSoftGradient() {
        // Unlabelled row [0, 0] vs teacher [2, 0] with alpha = 0.5, T = 2, batch of 1:
        // grad = 0.5 * 2 * ([0.5, 0.5] - [0.731059, 0.268941]) = [-0.231059, 0.231059] (no CE part)
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(0.5f).build();
        NDArray student = this.manager.create(new float[][] { { 0, 0 } });
        student.setRequiresGradient(true);
        try (GradientCollector collector = PyTorchRuntime.engine().newGradientCollector()) {
            collector.backward(loss.evaluate(labels(new float[][] { { 2, 0 } }, DistillationLoss.NO_LABEL), new NDList(student)));
        }
        assertThat(student.getGradient().toFloatArray()).containsExactly(new float[] { -0.231059f, 0.231059f },
                within(TOLERANCE));
    }

    @Test
    void alphaOutsideZeroToOneIsRejectedByName() {
        for (float alpha : new float[] { -0.1f, 1.1f, Float.NaN }) {
            assertThatIllegalArgumentException().isThrownBy(() -> DistillationLoss.builder().alpha(alpha))
                .withMessageStartingWith("alpha must be in [0, 1]");
        }
    }

    @Test
    void temperatureMustBePositiveAndFinite() {
        for (float temperature : new float[] { 0f, -1f, Float.NaN, Float.POSITIVE_INFINITY }) {
            assertThatIllegalArgumentException().isThrownBy(() -> DistillationLoss.builder().temperature(temperature))
                .withMessageStartingWith("temperature must be finite and > 0");
        }
    }

    @Test
    void mismatchedTeacherShapeNamesTheField() {
        DistillationLoss loss = DistillationLoss.builder().build();
        assertThatThrownBy(() -> loss.evaluate(new NDList(this.manager.create(new float[][] { { 1, 0, 0 } })),
                logits(new float[][] { { 0, 0 } })))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("labels[0]"))
            .hasMessageContaining("(1, 3)").hasMessageContaining("(1, 2)");
    }

    @Test
    void hardLabelsOutOfRangeOrNotIntegerAreRejected() {
        DistillationLoss loss = DistillationLoss.builder().build();
        assertThatThrownBy(() -> loss.evaluate(labels(new float[][] { { 1, 0 } }, 2), logits(new float[][] { { 0, 0 } })))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("labels[1]"))
            .hasMessageContaining("0..1");
        NDList floatLabels = new NDList(this.manager.create(new float[][] { { 1, 0 } }), this.manager.create(new float[] { 0 }));
        assertThatThrownBy(() -> loss.evaluate(floatLabels, logits(new float[][] { { 0, 0 } })))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("labels[1]"));
    }

    @Test
    void studentMustBeOneRankTwoArray() {
        DistillationLoss loss = DistillationLoss.builder().build();
        NDArray flat = this.manager.create(new float[] { 0, 0 });
        assertThatThrownBy(() -> loss.evaluate(new NDList(flat), new NDList(flat)))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("predictions[0]"));
        assertThatThrownBy(() -> loss.evaluate(new NDList(flat), new NDList(flat, flat)))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("predictions"));
    }

    @Test
    void accumulatorsReportTheLossLikeAnyDjlLoss() {
        DistillationLoss loss = DistillationLoss.builder().temperature(2).alpha(0.5f).build();
        loss.addAccumulator("train");
        loss.updateAccumulator("train", labels(new float[][] { { 2, 0 } }, 0), logits(new float[][] { { 0, 0 } }));
        assertThat(loss.getAccumulator("train")).isCloseTo(0.568462f, within(TOLERANCE));
        assertThat(loss.getName()).isEqualTo("DistillationLoss");
    }

    private NDList logits(float[][] values) {
        return new NDList(this.manager.create(values));
    }

    private NDList labels(float[][] teacher, long... hardLabels) {
        NDArray hard = this.manager.create(hardLabels, new Shape(hardLabels.length));
        return new NDList(this.manager.create(teacher), hard);
    }
}
