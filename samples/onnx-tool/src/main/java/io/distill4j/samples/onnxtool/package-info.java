/**
 * The ONNX command-line tool ({@link io.distill4j.samples.onnxtool.OnnxTool}) over the engine's ONNX
 * tooling, without Spring: a model's inventory, its operator-compatibility report for ONNX Runtime on CPU
 * or CUDA, and INT8 quantization behind an accuracy gate ({@link io.distill4j.samples.onnxtool.QuantizeCommand}).
 */
package io.distill4j.samples.onnxtool;
