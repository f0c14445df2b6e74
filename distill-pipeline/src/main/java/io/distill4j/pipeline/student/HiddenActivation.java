package io.distill4j.pipeline.student;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The non-linearity between a student's hidden layers. */
public enum HiddenActivation {

    /** {@code max(0, x)}; ONNX {@code Relu}. */
    RELU {
        @Override
        public NDArray apply(NDArray x) {
            return Activation.relu(x);
        }
    },

    /** The exact GELU {@code x * Phi(x)} (erf form, PyTorch's default); ONNX {@code Gelu} (opset 20) or {@code Erf} arithmetic. */
    GELU {
        @Override
        public NDArray apply(NDArray x) {
            return Activation.gelu(x);
        }
    };

    /** Applies the activation element-wise. */
    public abstract NDArray apply(NDArray x);
}
