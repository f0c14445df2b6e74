package io.distill4j.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants for arithmetic that autograd records, made in PyTorch's own memory.
 *
 * <p>DJL's PyTorch {@code NDArray.div(Number)} (and {@code mul}, {@code maximum}, ... with a number)
 * wraps the number in a scalar tensor whose storage is a Java direct buffer, and closes that tensor as
 * soon as the operation returns. Autograd, though, keeps the scalar for the backward pass ({@code
 * d(x / c)/dx = 1 / c}); once the garbage collector frees the buffer, backward reads freed memory and
 * the gradients are garbage, now and then and depending on timing ({@code ScalarLifetimeTests} shows
 * it). A scalar from {@link #of(NDArray, float)} is allocated by PyTorch and reference-counted, so
 * autograd keeps it alive as long as it needs it. Use it for every constant in a differentiable path.
 */
final class Scalars {

    private static final Shape SCALAR = new Shape();

    private Scalars() {
    }

    /** A 0-dimensional array holding {@code value}, of {@code like}'s type, in {@code like}'s manager. */
    static NDArray of(NDArray like, float value) {
        return like.getManager().full(SCALAR, value, like.getDataType());
    }
}
