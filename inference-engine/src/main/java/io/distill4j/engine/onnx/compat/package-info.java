/**
 * Operator compatibility of ONNX models with ONNX Runtime:
 * {@link io.distill4j.engine.onnx.compat.ModelInventory} lists what a
 * {@link io.distill4j.engine.onnx.proto.ModelProto} is made of (IR version, imported operator sets,
 * producer, every operator with its count and node names, subgraphs included, the element types and
 * dynamic dimensions the model declares, initializer sizes, external data files, operators from
 * non-standard domains); {@link io.distill4j.engine.onnx.compat.CompatibilityChecker} checks each node
 * against the kernel tables of the execution providers of a
 * {@link io.distill4j.engine.onnx.compat.CompatibilityTarget} ({@link
 * io.distill4j.engine.onnx.compat.KernelTable}, transcribed from ONNX Runtime's published
 * operator-kernel lists into resource files next to these classes) and the known traps (integer
 * quantization on CUDA, quantization below opset 10, custom domains, opsets out of range), and returns a
 * {@link io.distill4j.engine.onnx.compat.CompatibilityReport} with a verdict, one finding per node, a
 * table for people and JSON for tools; {@link io.distill4j.engine.onnx.compat.Preflight} creates a real
 * session with each provider to prove the model loads. Inventories, tables and reports are immutable
 * values that hold no native resource and no reference to the model; a preflight closes every session
 * it creates before it returns.
 */
package io.distill4j.engine.onnx.compat;
