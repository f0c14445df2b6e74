package io.distill4j.pipeline.cache;

/**
 * Conversion between {@code float} and IEEE 754 binary16 bit patterns, for Java 17 (which lacks
 * {@code Float.floatToFloat16}, added in Java 20). {@link #toHalf(float)} rounds to nearest, ties to
 * even, like the hardware and like Java 20's method: magnitudes from 65520 up become infinity,
 * magnitudes up to 2<sup>-25</sup> become a signed zero, the sign of zero is kept and NaN stays NaN.
 */
final class HalfFloats {

    /** The largest finite half, 65504. */
    static final float MAX_VALUE = 65504f;

    /** 65520, the midpoint between 65504 and 65536: magnitudes from here up round to infinity. */
    static final float OVERFLOW_THRESHOLD = 65520f;

    /** Float bits of 65520, the midpoint between 65504 and 65536: from here up, the result is infinite. */
    private static final int OVERFLOW_BITS = 0x477ff000;

    /** Float bits of 2<sup>-14</sup>, the smallest normal half. */
    private static final int MIN_NORMAL_BITS = 0x38800000;

    /** Float bits of 2<sup>-25</sup>, half the smallest subnormal half: below it, the result is zero. */
    private static final int HALF_MIN_SUBNORMAL_BITS = 0x33000000;

    private HalfFloats() {
    }

    /** The binary16 bits nearest to {@code value} (ties to even). */
    static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) {
            if (abs == 0x7f800000) {
                return (short) (sign | 0x7c00);
            }
            // NaN: keep the top payload bits and set the quiet bit so that the result stays a NaN.
            return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
        }
        if (abs >= OVERFLOW_BITS) {
            return (short) (sign | 0x7c00);
        }
        if (abs >= MIN_NORMAL_BITS) {
            // Normal: re-bias the exponent (127 -> 15) and round away the 13 low mantissa bits to even;
            // a carry out of the mantissa correctly bumps the exponent.
            int rounded = abs + 0x0fff + ((abs >>> 13) & 1);
            return (short) (sign | ((rounded - 0x38000000) >>> 13));
        }
        if (abs < HALF_MIN_SUBNORMAL_BITS) {
            return (short) sign;
        }
        // Subnormal half: the result is value / 2^-24 rounded to an integer. With the implicit bit, the
        // float is m * 2^(e - 150), so the quotient is m * 2^(e - 126), a right shift by 126 - e (14..24).
        int exponent = abs >>> 23;
        int mantissa = (abs & 0x7fffff) | 0x800000;
        int shift = 126 - exponent;
        int result = mantissa >>> shift;
        int remainder = mantissa & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (result & 1) == 1)) {
            result++;
        }
        return (short) (sign | result);
    }

    /** The {@code float} equal to the binary16 value {@code half} (every half is exact as a float). */
    static float toFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
