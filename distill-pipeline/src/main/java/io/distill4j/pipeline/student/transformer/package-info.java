/**
 * The Transformer student, a small BERT-style encoder, randomly initialised or started from some of the
 * teacher encoder's own layers. {@link io.distill4j.pipeline.student.transformer.TransformerConfig} holds its
 * sizes and hands out its {@link io.distill4j.pipeline.student.Architecture};
 * {@link io.distill4j.pipeline.student.transformer.TransformerStudent} is the DJL block;
 * {@link io.distill4j.pipeline.student.transformer.BertEncoderWeights} reads a BERT-family ONNX encoder's
 * weights and copies chosen layers into a student, or reads the whole teacher as a frozen block whose hidden
 * states and attention a student learns ({@code BertEncoderWeights.internals}); a package-private graph writer exports the forward pass
 * to ONNX.
 */
package io.distill4j.pipeline.student.transformer;
