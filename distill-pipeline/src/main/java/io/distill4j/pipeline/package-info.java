/**
 * The distillation pipeline: data preparation, the teacher stage and its on-disk soft-target cache,
 * DJL student models, knowledge-distillation losses, training, auto-tuning and ONNX export.
 * Nothing is implemented yet: this module is built out in wave 1, step 3.
 */
package io.distill4j.pipeline;
