package io.distill4j.pipeline.student;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

/**
 * A student whose forward pass goes through layers of token vectors and attention, and that can return
 * them along with its output: what intermediate-layer distillation compares between a student and a
 * teacher of the same family. The ordinary forward pass, the parameters and the exported graph are those
 * of the block; this is a second way to run the same computation.
 */
public interface LayeredBlock {

    /** Encoder layers {@code L}. */
    int layers();

    /** Width {@code H} of the token vectors. */
    int hiddenSize();

    /** Attention heads per layer. */
    int heads();

    /**
     * The forward pass with its internals, on the same inputs as the block's own forward pass.
     *
     * @param inputs {@code input_ids [B, T]} and {@code attention_mask [B, T]}, checked as the block checks them
     * @return {@code 1 + (L + 1) + L} arrays: the output {@code [B, outputSize]} (bit for bit the block's
     *     forward output), the hidden states {@code [B, T, H]} (the embeddings' LayerNorm output, then each
     *     layer's output), then each layer's attention probabilities {@code [B, heads, T, T]} (before dropout;
     *     a padded key has probability zero)
     */
    NDList forwardWithInternals(ParameterStore parameterStore, NDList inputs, boolean training);
}
