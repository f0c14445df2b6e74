/**
 * The bag-of-embeddings student, the smallest one: the masked mean of the token embeddings followed by an
 * MLP. {@link io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig} holds its sizes and hands out its
 * {@link io.distill4j.pipeline.student.Architecture}; {@link io.distill4j.pipeline.student.bag.BagOfEmbeddingsStudent}
 * is the DJL block, and a package-private graph writer exports the same forward pass to ONNX.
 */
package io.distill4j.pipeline.student.bag;
