/**
 * Student models: the small networks a teacher is distilled into, written as DJL blocks this project
 * defines itself, because the ONNX exporter must know each block's graph (DJL has no ONNX export, and
 * no opaque model-zoo block is used). Every student extends {@link io.distill4j.pipeline.student.StudentBlock}
 * and keeps one contract: inputs {@code (input_ids [B, T], attention_mask [B, T])} as integers,
 * output {@code [B, outputSize]} float32 (logits or an embedding), structure fully given by an
 * immutable {@link io.distill4j.pipeline.student.StudentConfig} record, parameters as named DJL
 * parameters of plain child blocks, and the forward pass as explicit code the exporter mirrors node
 * for node. {@link io.distill4j.pipeline.student.BagOfEmbeddingsStudent},
 * {@link io.distill4j.pipeline.student.TextCnnStudent} and {@link io.distill4j.pipeline.student.TransformerStudent}
 * (a small BERT-style encoder) exist; BERT-family encoders with imported weights follow the same contract.
 * {@link io.distill4j.pipeline.student.StudentModel} owns the native memory of an initialised student
 * and is closed with try-with-resources.
 */
package io.distill4j.pipeline.student;
