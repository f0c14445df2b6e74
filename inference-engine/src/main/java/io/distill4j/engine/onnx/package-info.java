/**
 * Reading and writing {@code .onnx} files: {@link io.distill4j.engine.onnx.OnnxModelReader} parses a
 * file or byte array into a {@link io.distill4j.engine.onnx.proto.ModelProto} within size and nesting
 * limits and rejects, with a {@link io.distill4j.api.exception.ModelLoadException} that says what is
 * wrong and where, anything that is not a well-formed model (see
 * {@link io.distill4j.engine.onnx.graph.OnnxModelValidator}) or whose external data lies outside the
 * model's folder; {@link io.distill4j.engine.onnx.OnnxModelWriter} serializes a model and replaces a
 * file atomically. Nothing here holds a native resource or an open file after a call returns; the
 * messages read are immutable and owned by the caller.
 */
package io.distill4j.engine.onnx;
