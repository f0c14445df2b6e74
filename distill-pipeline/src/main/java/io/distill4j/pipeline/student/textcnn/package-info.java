/**
 * The TextCNN student (Kim 2014): token embeddings, one 1-D convolution per kernel width with a masked
 * max over time, then an MLP. {@link io.distill4j.pipeline.student.textcnn.TextCnnConfig} holds its sizes and
 * hands out its {@link io.distill4j.pipeline.student.Architecture};
 * {@link io.distill4j.pipeline.student.textcnn.TextCnnStudent} is the DJL block, and a package-private graph
 * writer exports the same forward pass to ONNX.
 */
package io.distill4j.pipeline.student.textcnn;
