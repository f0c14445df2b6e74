package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

/** Layer-wise learning-rate decay gives each parameter of a Transformer its layer's rate inside AdamW. */
class LayerwiseDecayTests {

    private static final float RATE = 0.01f;

    private static final float DECAY = 0.5f;

    private static StudentModel transformer() {
        return StudentModel.create(TransformerConfig.builder().vocabSize(10).maxPositions(8).hiddenSize(4).layers(3)
                .heads(1).intermediateSize(8).outputSize(2).build().newBlock(), 3);
    }

    /** d^(L - i) for layer i of L = 3, d^(L + 1) for the embeddings, 1 for the output layer. */
    private static float expectedFactor(String name) {
        String bare = name.replaceFirst("^\\d+", "");
        if (bare.startsWith("layer")) {
            return (float) Math.pow(DECAY, 3 - Integer.parseInt(bare.substring(5, bare.indexOf('_'))));
        }
        return bare.contains("embeddings") ? (float) Math.pow(DECAY, 4) : 1f;
    }

    @Test
    void eachParameterLearnsAtTheScheduleTimesItsLayersFactor() {
        try (StudentModel model = transformer()) {
            LayerwiseDecay decay = LayerwiseDecay.of(model.block(), DECAY, Tracker.fixed(RATE));
            int layerParameters = 0;
            for (Pair<String, Parameter> parameter : model.block().getParameters()) {
                float factor = expectedFactor(parameter.getKey());
                layerParameters += parameter.getKey().contains("layer") ? 1 : 0;
                assertThat(decay.getNewValue(parameter.getValue().getId(), 7)).as(parameter.getKey())
                        .isEqualTo(RATE * factor);
            }
            assertThat(layerParameters).as("three layers of 16 parameters").isEqualTo(48);
            assertThat(decay.factor("not-a-parameter")).isEqualTo(1f);
        }
    }

    @Test
    void adamWsFirstStepMovesEachParameterByItsOwnRate() {
        // AdamW's first, bias-corrected step is lr * g / (|g| + eps): about the learning rate for a gradient of 1.
        try (StudentModel model = transformer(); NDManager manager = PyTorchRuntime.engine().newBaseManager();
                CheckpointedAdamW optimizer = new CheckpointedAdamW(Optimizer.adamW()
                        .optLearningRateTracker(LayerwiseDecay.of(model.block(), DECAY, Tracker.fixed(RATE)))
                        .optWeightDecays(0f).optClipGrad(-1f), Map.of())) {
            for (Pair<String, Parameter> parameter : model.block().getParameters()) {
                float[] start = {0.5f, -0.25f};
                NDArray weight = manager.create(start);
                float[] ones = new float[start.length];
                Arrays.fill(ones, 1f);
                optimizer.update(parameter.getValue().getId(), weight, manager.create(ones));
                float[] moved = weight.toFloatArray();
                for (int i = 0; i < start.length; i++) {
                    assertThat(start[i] - moved[i]).as(parameter.getKey())
                            .isCloseTo(RATE * expectedFactor(parameter.getKey()), within(1e-6f));
                }
            }
        }
    }

    @Test
    void aDecayOfOneLeavesTheTrainerConfigAsItWas() {
        TrainerConfig plain = TrainerConfig.ofDefaults();
        assertThat(plain.layerDecay()).isEqualTo(1f);
        assertThat(plain.toString()).doesNotContain("layerDecay");
        assertThat(plain.toBuilder().layerDecay(0.9f).build().toString()).contains("layerDecay=0.9");
        assertThat(plain.toBuilder().layerDecay(0.9f).build()).isNotEqualTo(plain);
    }
}
