package io.distill4j.pipeline.student.transformer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.train.PyTorchRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The forward pass with its hidden states and attention, beside the ordinary one. */
class TransformerInternalsTests {

    @Test
    void theOutputIsTheOrdinaryForwardPassBitForBitFollowedByEveryLayersInternals() {
        TransformerConfig config = TransformerConfig.builder().vocabSize(30).maxPositions(8).hiddenSize(8).layers(3)
            .heads(2).intermediateSize(16).outputSize(4).build();
        long[][] ids = {{3, 7, 9}, {4, 5, 0}};
        long[][] mask = {{1, 1, 1}, {1, 1, 0}};
        try (StudentModel model = StudentModel.create(config.newBlock(), 5);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            float[][] ordinary = model.predict(ids, mask);
            TransformerStudent block = (TransformerStudent) model.block();
            NDList all = block.forwardWithInternals(new ParameterStore(manager, false),
                    new NDList(manager.create(new long[] {3, 7, 9, 4, 5, 0}, new Shape(2, 3)),
                            manager.create(new long[] {1, 1, 1, 1, 1, 0}, new Shape(2, 3))), false);

            assertThat(all).hasSize(1 + 4 + 3);
            float[] output = all.get(0).toFloatArray();
            assertThat(output).startsWith(ordinary[0]).endsWith(ordinary[1]);
            for (int i = 1; i <= 4; i++) {
                assertThat(all.get(i).getShape()).as("hidden state %d", i - 1).isEqualTo(new Shape(2, 3, 8));
            }
            for (int i = 5; i <= 7; i++) {
                assertThat(all.get(i).getShape()).isEqualTo(new Shape(2, 2, 3, 3));
                float[] p = all.get(i).toFloatArray();
                for (int row = 0; row < p.length / 3; row++) {
                    assertThat(p[row * 3] + p[row * 3 + 1] + p[row * 3 + 2]).isCloseTo(1f, within(1e-5f));
                    if (row >= 6) {
                        assertThat(p[row * 3 + 2]).as("the padded key of the second row").isZero();
                    }
                }
            }
        }
    }
}
