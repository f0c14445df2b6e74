/**
 * ONNX Runtime sessions: one process-wide {@code OrtEnvironment}, per-model {@link
 * io.distill4j.engine.session.ModelSession}s that own their {@code OrtSession} and {@code
 * SessionOptions}, the session settings ({@link io.distill4j.engine.session.SessionConfig}), the
 * choice of execution provider with fallback to CPU, and the conversion between
 * {@link io.distill4j.api.Tensor}s and native tensors.
 */
package io.distill4j.engine.session;
