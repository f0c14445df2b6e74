/**
 * The distillation pipeline: {@code PipelineDistiller} (the {@link io.distill4j.api.distill.Distiller})
 * runs each job ({@code job}) through its stages — data ({@code data}), the teacher behind one SPI
 * ({@code teacher}) into the soft-target cache ({@code cache}), the student architectures
 * ({@code student}, one package each) trained ({@code train}) and tuned ({@code tune}), ONNX export
 * ({@code export}), the report ({@code report}) and registration in the model repository
 * ({@code registry}).
 */
package io.distill4j.pipeline;
