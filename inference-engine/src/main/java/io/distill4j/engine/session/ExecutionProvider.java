package io.distill4j.engine.session;

/** Execution providers Distill4j can ask ONNX Runtime for, in order of preference. */
public enum ExecutionProvider {
    /** NVIDIA CUDA; needs the {@code onnxruntime_gpu} build ({@code -Pcuda}) and a working driver. */
    CUDA,
    /** The default CPU provider; always available and always the last resort. */
    CPU
}
