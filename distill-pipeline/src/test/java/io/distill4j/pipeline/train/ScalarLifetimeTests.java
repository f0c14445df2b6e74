package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import org.junit.jupiter.api.Test;

/**
 * DJL's PyTorch {@code NDArray.div(Number)} (and mul, maximum, ...) wraps the number in a tensor over
 * a Java direct buffer and closes it right after the operation, while autograd keeps that tensor for
 * the backward pass; once the garbage collector frees the buffer, backward reads freed memory. The
 * losses must therefore build their constants in PyTorch's own memory. This test frees and reuses such
 * buffers between forward and backward and checks the gradients do not change.
 */
class ScalarLifetimeTests {

    private static final float[] LOGITS = {0.3f, -1.2f, 2.0f, 0.5f, 0.1f, -0.4f};

    private static final Shape SHAPE = new Shape(2, 3);

    /** The gradient of {@code loss} at {@link #LOGITS} against fixed teacher rows (and hard labels 2, none). */
    private static float[] gradient(Loss loss, boolean hardLabels, boolean churn) throws InterruptedException {
        try (NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            NDArray student = manager.create(LOGITS, SHAPE);
            student.setRequiresGradient(true);
            NDList labels = new NDList(manager.create(new float[] {1f, 0f, -1f, 2f, 0.5f, 0f}, SHAPE));
            if (hardLabels) {
                labels.add(manager.create(new long[] {2, DistillationLoss.NO_LABEL}));
            }
            try (GradientCollector collector = PyTorchRuntime.engine().newGradientCollector()) {
                NDArray value = loss.evaluate(labels, new NDList(student));
                if (churn) {
                    churn();
                }
                collector.backward(value);
            }
            return student.getGradient().toFloatArray();
        }
    }

    /** Lets the collector free unreachable direct buffers, then fills new small ones with garbage. */
    private static void churn() throws InterruptedException {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 2000; i++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                buffer.putFloat(0, 1e30f);
                keep.add(buffer);
            }
        }
    }

    @Test
    void lossGradientsDoNotDependOnWhatTheCollectorFreesBeforeBackward() throws InterruptedException {
        Loss[] losses = {DistillationLoss.builder().temperature(3).alpha(0.7f).build(),
            EmbeddingDistillationLoss.cosine(), EmbeddingDistillationLoss.mse()};
        for (Loss loss : losses) {
            boolean hardLabels = loss instanceof DistillationLoss;
            float[] expected = gradient(loss, hardLabels, false);
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThat(gradient(loss, hardLabels, true)).as(loss.getName()).containsExactly(expected);
            }
        }
    }
}
