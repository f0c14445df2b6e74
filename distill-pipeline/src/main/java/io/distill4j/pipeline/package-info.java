/**
 * The distillation pipeline: data preparation ({@code data}), the teacher stage ({@code teacher}: an
 * encoder plus a fitted head as one teacher graph) and its on-disk soft-target cache, DJL student
 * models, knowledge-distillation losses, training, auto-tuning, ONNX export, the job report
 * ({@code report}) and registration in the model repository ({@code registry}). Built out in wave 1,
 * step 3; see each sub-package for what exists.
 */
package io.distill4j.pipeline;
