package io.distill4j.pipeline.student.bag;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.train.PyTorchRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BagOfEmbeddingsStudentTests {

    private static final BagOfEmbeddingsConfig WITH_HIDDEN = BagOfEmbeddingsConfig.builder()
        .vocabSize(10).embeddingDim(4).hiddenSizes(8).outputSize(2).activation(HiddenActivation.GELU).build();

    private static final BagOfEmbeddingsConfig LINEAR = BagOfEmbeddingsConfig.builder()
        .vocabSize(10).embeddingDim(4).outputSize(3).build();

    @Test
    void parametersAreExplicitlyNamedAndCountedAsTheConfigSays() {
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 1)) {
            List<String> names = model.block().getParameters().keys();
            assertThat(names).containsExactly("embedding", "01hidden1_weight", "01hidden1_bias", "02output_weight",
                    "02output_bias");
            assertThat(model.block().getParameters().get("embedding").getArray().getShape()).isEqualTo(new Shape(10, 4));
            assertThat(model.block().getParameters().get("01hidden1_weight").getArray().getShape()).isEqualTo(new Shape(8, 4));
            assertThat(model.parameterCount()).isEqualTo(WITH_HIDDEN.parameterCount()).isEqualTo(98);
            assertThat(model.block().parameterCount()).isEqualTo(98);
            assertThat(model.block().describeInput().keys()).containsExactly("input_ids", "attention_mask");
            assertThat(model.block().getOutputShapes(new Shape[] { new Shape(5, 7), new Shape(5, 7) }))
                .containsExactly(new Shape(5, 2));
        }
    }

    @Test
    void outputIsTheMaskedMeanOfTheEmbeddingsThroughTheOutputLayer() {
        // With no hidden layer: out = mean(E[3], E[5]) W^T + b, computed here from the weights in plain Java.
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 2)) {
            float[][] table = matrix(model.block().getParameters().get("embedding").getArray());
            float[][] weight = matrix(model.block().getParameters().get("01output_weight").getArray());
            float[] bias = model.block().getParameters().get("01output_bias").getArray().toFloatArray();
            float[] pooled = new float[4];
            for (int d = 0; d < 4; d++) {
                pooled[d] = (table[3][d] + table[5][d]) / 2;
            }
            float[] expected = new float[3];
            for (int c = 0; c < 3; c++) {
                expected[c] = bias[c];
                for (int d = 0; d < 4; d++) {
                    expected[c] += pooled[d] * weight[c][d];
                }
            }
            float[][] out = model.predict(new long[][] { { 3, 5, 9, 9 } }, new long[][] { { 1, 1, 0, 0 } });
            assertThat(out[0]).containsExactly(expected, within(1e-5f));
        }
    }

    @Test
    void paddingAndTokenOrderDoNotChangeTheOutputButRealTokensDo() {
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 3)) {
            float[] base = model.predict(new long[][] { { 3, 5 } }, new long[][] { { 1, 1 } })[0];
            float[][] batch = model.predict(new long[][] { { 5, 3, 7, 0 }, { 3, 5, 7, 7 }, { 3, 7, 0, 0 } },
                    new long[][] { { 1, 1, 0, 0 }, { 1, 1, 1, 0 }, { 1, 1, 0, 0 } });
            assertThat(batch[0]).containsExactly(base, within(1e-5f));
            assertThat(batch[1]).isNotEqualTo(base);
            assertThat(batch[2]).isNotEqualTo(base);
        }
    }

    @Test
    void aRowWithAnEmptyMaskPoolsToZero() {
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 4)) {
            float[] out = model.predict(new long[][] { { 3, 5 } }, new long[][] { { 0, 0 } })[0];
            float[] bias = model.block().getParameters().get("01output_bias").getArray().toFloatArray();
            assertThat(out).containsExactly(bias, within(1e-6f));
        }
    }

    @Test
    void dropoutActsOnlyWhileTraining() {
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(10).embeddingDim(16).hiddenSizes(16)
            .outputSize(2).dropout(0.5f).build();
        try (StudentModel model = StudentModel.create(config.newBlock(), 5);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            long[][] ids = { { 1, 2, 3 } };
            long[][] mask = { { 1, 1, 1 } };
            assertThat(model.predict(ids, mask)[0]).containsExactly(model.predict(ids, mask)[0]);
            NDList inputs = new NDList(manager.create(new long[] { 1, 2, 3 }, new Shape(1, 3)),
                    manager.create(new long[] { 1, 1, 1 }, new Shape(1, 3)));
            ParameterStore store = new ParameterStore(manager, false);
            float[] inference = model.block().forward(store, inputs, false).singletonOrThrow().toFloatArray();
            assertThat(inference).containsExactly(model.predict(ids, mask)[0], within(1e-6f));
            boolean differs = false;
            for (int i = 0; i < 5 && !differs; i++) {
                float[] training = model.block().forward(store, inputs, true).singletonOrThrow().toFloatArray();
                differs = !Arrays.equals(training, inference);
            }
            assertThat(differs).as("dropout 0.5 over 16 + 16 units changed nothing in 5 training passes").isTrue();
        }
    }

    @Test
    void sameSeedGivesSameWeightsAndAnotherSeedOthers() {
        long[][] ids = { { 1, 2 } };
        long[][] mask = { { 1, 1 } };
        float[] first;
        float[] again;
        float[] other;
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 11)) {
            first = model.predict(ids, mask)[0];
        }
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 11)) {
            again = model.predict(ids, mask)[0];
        }
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 12)) {
            other = model.predict(ids, mask)[0];
        }
        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRejectedWithTheLimit() {
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 6)) {
            assertThatThrownBy(() -> model.predict(new long[][] { { 1, 10 } }, new long[][] { { 1, 1 } }))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids"))
                .hasMessageContaining("0..9").hasMessageContaining("vocabSize 10").hasMessageContaining("found 1..10");
            assertThatThrownBy(() -> model.predict(new long[][] { { -1, 2 } }, new long[][] { { 1, 1 } }))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids"));
        }
    }

    @Test
    void raggedEmptyOrMismatchedInputsAreRejectedByField() {
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 7)) {
            assertThatThrownBy(() -> model.predict(new long[][] { { 1, 2 }, { 1 } }, new long[][] { { 1, 1 }, { 1 } }))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids[1]"));
            assertThatThrownBy(() -> model.predict(new long[0][], new long[0][]))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids"));
            assertThatThrownBy(() -> model.predict(new long[][] { { 1, 2 } }, new long[][] { { 1, 1, 1 } }))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("attention_mask"));
        }
    }

    @Test
    void theBlockChecksTypesAndArityOfItsInputs() {
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 8); NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            NDArray floatIds = manager.create(new float[][] { { 1, 2 } });
            NDArray mask = manager.create(new long[] { 1, 1 }, new Shape(1, 2));
            assertThatThrownBy(() -> model.block().forward(store, new NDList(floatIds, mask), false))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids"));
            assertThatThrownBy(() -> model.block().forward(store, new NDList(mask), false))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("inputs"));
            // int32 ids are accepted and give the int64 result
            NDArray ids32 = manager.create(new int[] { 3, 5 }, new Shape(1, 2));
            float[] out = model.block().forward(store, new NDList(ids32, mask.toType(DataType.INT32, false)), false)
                .singletonOrThrow().toFloatArray();
            assertThat(out).containsExactly(model.predict(new long[][] { { 3, 5 } }, new long[][] { { 1, 1 } })[0], within(1e-6f));
        }
    }

    private static float[][] matrix(NDArray array) {
        int rows = (int) array.getShape().get(0);
        int cols = (int) array.getShape().get(1);
        float[] flat = array.toFloatArray();
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }
}
