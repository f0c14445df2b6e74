package io.distill4j.engine.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The quantization arithmetic, checked against values worked out by hand. */
class WeightQuantizationTests {

    /** [[0.5, -1.0], [0.25, 0.5]], row-major. */
    private static final float[] W = {0.5f, -1.0f, 0.25f, 0.5f};

    @Test
    void perChannelScalesEachColumnByItsLargestMagnitude() {
        WeightQuantization.SymmetricInt8 q = WeightQuantization.symmetricInt8(W, 2, 2, true, 127);
        // Column 0: |max| 0.5 -> scale 0.5/127; 0.5 -> 127, 0.25 -> 63.5 -> 64 (half to even).
        // Column 1: |max| 1.0 -> scale 1/127; -1 -> -127, 0.5 -> 63.5 -> 64.
        assertThat(q.scales()).containsExactly(0.5f / 127, 1f / 127);
        assertThat(q.values()).containsExactly(127, -127, 64, 64);
    }

    @Test
    void perTensorUsesOneScale() {
        WeightQuantization.SymmetricInt8 q = WeightQuantization.symmetricInt8(W, 2, 2, false, 127);
        // scale 1/127: 0.5 -> 63.5 -> 64, -1 -> -127, 0.25 -> 31.75 -> 32, 0.5 -> 64.
        assertThat(q.scales()).containsExactly(1f / 127);
        assertThat(q.values()).containsExactly(64, -127, 32, 64);
    }

    @Test
    void reducedRangeStaysWithin64() {
        WeightQuantization.SymmetricInt8 q = WeightQuantization.symmetricInt8(new float[] {0.3f, -1f, 0.1f, 0.6f},
                2, 2, false, 64);
        // scale 1/64: 0.3 -> 19.2 -> 19, -1 -> -64, 0.1 -> 6.4 -> 6, 0.6 -> 38.4 -> 38.
        assertThat(q.values()).containsExactly(19, -64, 6, 38);
    }

    @Test
    void anAllZeroChannelGetsAFiniteScale() {
        WeightQuantization.SymmetricInt8 q = WeightQuantization.symmetricInt8(new float[] {0, 2, 0, -2}, 2, 2, true, 127);
        assertThat(q.scales()).containsExactly(1f, 2f / 127);
        assertThat(q.values()).containsExactly(0, 127, 0, -127);
    }

    @Test
    void asymmetricUint8CoversARangeThatIncludesZero() {
        WeightQuantization.AsymmetricUint8 q = WeightQuantization.asymmetricUint8(new float[] {-1, 0, 3});
        // scale 4/255, zero point rint(63.75) = 64; -1 -> -64 + 64 = 0, 0 -> 64, 3 -> 191 + 64 = 255.
        assertThat(q.scale()).isEqualTo(4f / 255);
        assertThat(q.zeroPoint()).isEqualTo(64);
        assertThat(q.values()).containsExactly(0, 64, (byte) 255);
        // All positive: the range is stretched down to 0, so 0 stays exact.
        WeightQuantization.AsymmetricUint8 positive = WeightQuantization.asymmetricUint8(new float[] {1, 2});
        assertThat(positive.zeroPoint()).isZero();
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        assertThat(WeightQuantization.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
                .containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void aWrongElementCountIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> WeightQuantization.symmetricInt8(W, 3, 2, true, 127))
                .withMessageContaining("4 values, not 3 x 2");
    }
}
