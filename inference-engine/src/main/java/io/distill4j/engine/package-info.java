/**
 * The in-process inference engine on ONNX Runtime. {@link io.distill4j.engine.OnnxInferenceEngine}
 * implements {@link io.distill4j.api.InferenceEngine} over a {@link
 * io.distill4j.engine.repository.ModelRepository}: it loads model versions into sessions, batches
 * concurrent text requests dynamically, hot-swaps versions without dropping requests, and closes every
 * native resource it opened. Configure it with {@link io.distill4j.engine.EngineConfig}.
 */
package io.distill4j.engine;
