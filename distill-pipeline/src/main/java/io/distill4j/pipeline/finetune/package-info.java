/**
 * Fine-tuning of a BERT-family ONNX encoder in the JVM: {@link io.distill4j.pipeline.finetune.FineTuner}
 * rebuilds the encoder as a Transformer student with all its layers and its whole vocabulary, adds a
 * classification head, trains everything on the labelled data with the pipeline's own trainer (AdamW,
 * warm-up, clipping, layer-wise learning-rate decay, early stopping, per-epoch checkpoints), exports the
 * best epoch to ONNX and writes it as a model version folder that the engine serves;
 * {@link io.distill4j.pipeline.finetune.FineTuneParity} proves the served export computes what was trained.
 */
package io.distill4j.pipeline.finetune;
