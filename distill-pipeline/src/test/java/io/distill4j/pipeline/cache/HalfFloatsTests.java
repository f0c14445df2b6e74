package io.distill4j.pipeline.cache;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatsTests {

    private static int half(float value) {
        return HalfFloats.toHalf(value) & 0xffff;
    }

    @Test
    void convertsExactValuesToTheirKnownBitPatterns() {
        assertThat(half(1f)).isEqualTo(0x3c00);
        assertThat(half(-2f)).isEqualTo(0xc000);
        assertThat(half(0.5f)).isEqualTo(0x3800);
        assertThat(half(65504f)).isEqualTo(0x7bff);
        assertThat(half(0x1p-14f)).isEqualTo(0x0400);
        assertThat(half(0x1p-24f)).isEqualTo(0x0001);
        assertThat(half(0x3ffp-24f)).isEqualTo(0x03ff);
        assertThat(half(0.1f)).isEqualTo(0x2e66);
        assertThat(half(1f / 3)).isEqualTo(0x3555);
    }

    @Test
    void keepsTheSignOfZero() {
        assertThat(half(0f)).isEqualTo(0x0000);
        assertThat(half(-0f)).isEqualTo(0x8000);
        assertThat(Float.floatToRawIntBits(HalfFloats.toFloat((short) 0x8000)))
                .isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(Float.floatToRawIntBits(HalfFloats.toFloat((short) 0))).isZero();
    }

    @Test
    void mapsInfinityAndNaN() {
        assertThat(half(Float.POSITIVE_INFINITY)).isEqualTo(0x7c00);
        assertThat(half(Float.NEGATIVE_INFINITY)).isEqualTo(0xfc00);
        assertThat(HalfFloats.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.toFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
        int nan = half(Float.NaN);
        assertThat(nan & 0x7c00).isEqualTo(0x7c00);
        assertThat(nan & 0x03ff).isNotZero();
        // A NaN whose payload lives only in the low bits must not become infinity.
        assertThat(half(Float.intBitsToFloat(0x7f800001)) & 0x03ff).isNotZero();
        assertThat(HalfFloats.toFloat((short) 0x7e00)).isNaN();
        assertThat(HalfFloats.toFloat((short) 0xfd01)).isNaN();
    }

    @Test
    void overflowsToInfinityFromTheMidpointAbove65504() {
        assertThat(half(65519.996f)).isEqualTo(0x7bff);
        assertThat(half(65520f)).isEqualTo(0x7c00);
        assertThat(half(-65520f)).isEqualTo(0xfc00);
        assertThat(half(1e10f)).isEqualTo(0x7c00);
        assertThat(half(Float.MAX_VALUE)).isEqualTo(0x7c00);
    }

    @Test
    void roundsTinyValuesToZeroOrTheSmallestSubnormal() {
        assertThat(half(0x1p-25f)).as("the tie between 0 and 2^-24 goes to the even 0").isEqualTo(0x0000);
        assertThat(half(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
        assertThat(half(-0x1p-26f)).isEqualTo(0x8000);
        assertThat(half(Float.MIN_VALUE)).isEqualTo(0x0000);
        assertThat(half(0x3p-25f)).as("1.5 * 2^-24 ties to the even 2 * 2^-24").isEqualTo(0x0002);
        assertThat(half(0x5p-25f)).as("2.5 * 2^-24 ties to the even 2 * 2^-24").isEqualTo(0x0002);
    }

    @Test
    void everyHalfSurvivesARoundTripThroughFloat() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            float value = HalfFloats.toFloat((short) bits);
            if (Float.isNaN(value)) {
                assertThat(half(value) & 0x7fff).as("NaN 0x%04x", bits).isGreaterThan(0x7c00);
                continue;
            }
            assertThat(half(value)).as("0x%04x", bits).isEqualTo(bits);
        }
    }

    @Test
    void roundsEveryMidpointToEvenAndItsNeighboursToTheNearest() {
        // Between each pair of adjacent finite positive halves (including 0 and the subnormals), the
        // exact midpoint is a float; it must go to the even one, and the floats beside it to the nearer one.
        for (int bits = 0; bits < 0x7bff; bits++) {
            float low = HalfFloats.toFloat((short) bits);
            float high = HalfFloats.toFloat((short) (bits + 1));
            float middle = (low + high) / 2;
            assertThat((double) middle).isEqualTo(((double) low + high) / 2);
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertThat(half(middle)).as("midpoint after 0x%04x", bits).isEqualTo(even);
            assertThat(half(Math.nextDown(middle))).as("below the midpoint after 0x%04x", bits).isEqualTo(bits);
            assertThat(half(Math.nextUp(middle))).as("above the midpoint after 0x%04x", bits).isEqualTo(bits + 1);
            assertThat(half(-middle)).isEqualTo(even | 0x8000);
        }
    }

    @Test
    void relativeErrorOfNormalValuesIsAtMostTwoToTheMinusEleven() {
        SplittableRandom random = new SplittableRandom(7);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            // Magnitudes spread over the whole normal range 2^-14 .. 65504.
            float value = (float) (Math.pow(2, random.nextDouble(-14, 15.99)) * (random.nextBoolean() ? 1 : -1));
            float back = HalfFloats.toFloat(HalfFloats.toHalf(value));
            worst = Math.max(worst, Math.abs((double) back - value) / Math.abs(value));
        }
        assertThat(worst).isLessThanOrEqualTo(0x1p-11).isGreaterThan(0x1p-12);
    }
}
