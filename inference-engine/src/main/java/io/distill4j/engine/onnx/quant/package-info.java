/**
 * INT8 quantization of ONNX models, written for ONNX Runtime's CPU kernels: dynamic quantization of
 * {@code MatMul} and {@code Gemm} weights (activations quantized at run time by
 * {@code DynamicQuantizeLinear}, products by {@code MatMulInteger}), optional weight-only quantization of
 * embedding {@code Gather} tables, and an {@link io.distill4j.engine.onnx.quant.AccuracyGate accuracy gate}
 * that compares the quantized model with the original on sample inputs and takes the most damaging nodes
 * back to float until it passes.
 *
 * <p>Entry point: {@link io.distill4j.engine.onnx.quant.Int8Quantizer}.
 */
package io.distill4j.engine.onnx.quant;
