/**
 * Operator compatibility of ONNX models: {@link io.distill4j.engine.onnx.compat.ModelInventory} lists
 * what a {@link io.distill4j.engine.onnx.proto.ModelProto} is made of (IR version, imported operator
 * sets, producer, every operator with its count and node names, subgraphs included, the element types
 * and dynamic dimensions the model declares, initializer sizes, external data files, operators from
 * non-standard domains) and renders it as a Markdown table for people or as JSON for tools. Operators
 * are recorded with the operator set version the model imports for their domain; matching them against
 * the since-versions of the ONNX operator schemas is left to a later step. Nothing here holds a native
 * resource or a reference to the model; inventories are immutable values.
 */
package io.distill4j.engine.onnx.compat;
