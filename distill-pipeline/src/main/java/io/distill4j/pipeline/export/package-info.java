/**
 * ONNX export of trained students: {@link io.distill4j.pipeline.export.StudentExporter} reads the
 * parameters of a {@link io.distill4j.pipeline.student.StudentModel} by their explicit names and writes
 * the same forward pass, node for node, with the engine's ONNX IR builder; the result has the inputs
 * {@code input_ids} and {@code attention_mask} ({@code [batch, sequence]} int64), one output
 * {@code logits} or {@code embedding} ({@code [batch, outputSize]} float32), and its provenance in
 * {@code metadata_props}, so that the engine serves it as a text model and the INT8 quantizer
 * understands its weights. {@link io.distill4j.pipeline.export.ExportOptions} carries the operator set,
 * the provenance a job adds (teacher hash, job id, labels) and, for a pruned vocabulary, the table from
 * tokenizer ids to embedding rows. Each architecture's graph writer (an
 * {@link io.distill4j.pipeline.export.ArchitectureGraph} built from the operators of
 * {@link io.distill4j.pipeline.export.StudentGraph}) lives in the architecture's own package and is found
 * through its {@link io.distill4j.pipeline.student.Architecture}; a parity test per architecture proves that
 * DJL and ONNX Runtime compute the same outputs.
 */
package io.distill4j.pipeline.export;
