/**
 * The teacher stage's models: turning an ONNX encoder plus a fitted classification head into one
 * servable teacher graph.
 */
package io.distill4j.pipeline.teacher;
