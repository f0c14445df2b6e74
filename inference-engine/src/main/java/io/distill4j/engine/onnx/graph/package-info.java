/**
 * The ONNX graph in code: {@link io.distill4j.engine.onnx.graph.OnnxModelBuilder} assembles a
 * {@link io.distill4j.engine.onnx.proto.ModelProto} from typed inputs, initializers and operator nodes,
 * checking as it goes that every name is unique and every node input is already defined;
 * {@link io.distill4j.engine.onnx.graph.OnnxModelValidator} holds the structural checks every model
 * passes, built, read or rewritten (defined inputs, unique outputs, no cycles, tensor data matching its
 * shape); {@link io.distill4j.engine.onnx.graph.GraphView} gives a rewrite the nodes of a graph in
 * topological order with the producer and consumers of each value;
 * {@link io.distill4j.engine.onnx.graph.OnnxTensors} makes constant tensors and
 * {@link io.distill4j.engine.onnx.graph.OnnxElementType} maps Distill4j element types to ONNX data
 * types. The types here hold no native resources; the models they produce are plain protobuf messages
 * that the caller owns.
 */
package io.distill4j.engine.onnx.graph;
