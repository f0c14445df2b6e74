/**
 * Text pre- and post-processing: tokenization with DJL's HuggingFace tokenizers ({@link
 * io.distill4j.engine.text.TextTokenizer}), padding of token batches ({@link
 * io.distill4j.engine.text.TokenBatch}), pooling of encoder outputs into embeddings and softmax over
 * classifier logits ({@link io.distill4j.engine.text.TextHeads}).
 */
package io.distill4j.engine.text;
