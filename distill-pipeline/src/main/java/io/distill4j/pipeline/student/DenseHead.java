package io.distill4j.pipeline.student;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * The dense top of the pooled students (bag of embeddings, TextCNN): hidden layers {@code hidden1 ..
 * hiddenN}, each followed by the activation and dropout, then the {@code output} layer. The layers are
 * child blocks of the student that made the head ({@link StudentBlock#addDenseHead}), under those names,
 * which the ONNX graph writers and checkpoints rely on.
 */
public final class DenseHead {

    private final List<Linear> hidden;

    private final Linear output;

    DenseHead(List<Linear> hidden, Linear output) {
        this.hidden = List.copyOf(hidden);
        this.output = output;
    }

    /** Weights and biases of a head over {@code inputWidth} features: {@code in * out + out} per layer. */
    public static long parameterCount(long inputWidth, List<Integer> hiddenSizes, int outputSize) {
        long count = 0;
        long in = inputWidth;
        for (int width : hiddenSizes) {
            count += in * width + width;
            in = width;
        }
        return count + in * outputSize + outputSize;
    }

    /**
     * The head over pooled features {@code x} {@code [B, in]}: {@code [B, outputSize]}.
     *
     * @param activation applied after each hidden layer
     * @param dropout applied after each hidden layer while training
     */
    public NDArray forward(ParameterStore parameterStore, NDArray x, HiddenActivation activation, float dropout,
            boolean training) {
        NDArray h = x;
        for (Linear layer : this.hidden) {
            h = layer.forward(parameterStore, new NDList(h), training).singletonOrThrow();
            h = StudentBlock.dropout(activation.apply(h), dropout, training);
        }
        return this.output.forward(parameterStore, new NDList(h), training).singletonOrThrow();
    }

    /** Initializes the layers for pooled features of width {@code inputWidth}. */
    public void initialize(NDManager manager, DataType dataType, long batch, long inputWidth) {
        long in = inputWidth;
        for (Linear layer : this.hidden) {
            layer.initialize(manager, dataType, new Shape(batch, in));
            in = layer.getOutputShapes(new Shape[] { new Shape(batch, in) })[0].get(1);
        }
        this.output.initialize(manager, dataType, new Shape(batch, in));
    }
}
