/**
 * Student models: the small networks a teacher is distilled into, written as DJL blocks this project
 * defines itself, because the ONNX exporter must know each block's graph (DJL has no ONNX export, and
 * no opaque model-zoo block is used). Every student extends {@link io.distill4j.pipeline.student.StudentBlock}
 * and keeps one contract: inputs {@code (input_ids [B, T], attention_mask [B, T])} as integers,
 * output {@code [B, outputSize]} float32 (logits or an embedding), structure fully given by an
 * immutable {@link io.distill4j.pipeline.student.StudentConfig} record whose shared settings are one
 * {@link io.distill4j.pipeline.student.StudentHead}, parameters as named DJL parameters of plain child
 * blocks, and the forward pass as explicit code the exporter mirrors node for node. Each architecture lives
 * in a package of its own ({@code student.bag}, {@code student.textcnn}, {@code student.transformer}) with
 * its configuration, its block and its ONNX graph writer, and is known to the rest of the pipeline only as
 * an {@link io.distill4j.pipeline.student.Architecture}, all of them registered in one place. A student with
 * encoder layers is also a {@link io.distill4j.pipeline.student.LayeredBlock}, which can return its hidden
 * states and attention along with its output for intermediate-layer distillation.
 * {@link io.distill4j.pipeline.student.StudentModel} owns the native memory of an initialised student
 * and is closed with try-with-resources.
 */
package io.distill4j.pipeline.student;
