package io.distill4j.pipeline.train;

import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;

/**
 * Copies of a block's weights as plain Java arrays, one per parameter in the block's parameter order: what
 * the trainer keeps of the best epoch and what a checkpoint restores.
 */
final class BlockWeights {

    private BlockWeights() {
    }

    /** Each parameter's values, in parameter order. */
    static float[][] snapshot(Block block) {
        ParameterList parameters = block.getParameters();
        float[][] copy = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            copy[i] = parameters.get(i).getValue().getArray().toFloatArray();
        }
        return copy;
    }

    /** Writes {@code weights} (a {@link #snapshot}) into the block's parameters, in their own memory. */
    static void restore(Block block, float[][] weights) {
        ParameterList parameters = block.getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            PyTorchRuntime.copyInto(parameters.get(i).getValue().getArray(), weights[i]);
        }
    }
}
