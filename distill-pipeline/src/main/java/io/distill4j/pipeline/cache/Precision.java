package io.distill4j.pipeline.cache;

/**
 * How soft targets are stored on disk. Reads always return {@code float}.
 *
 * <ul>
 * <li>{@link #FP32}: IEEE 754 single precision, 4 bytes a value, read back bit for bit.</li>
 * <li>{@link #FP16}: IEEE 754 half precision, 2 bytes a value, rounded to nearest even; the relative
 * error is at most 2<sup>-11</sup> for magnitudes from 2<sup>-14</sup> to 65504, smaller magnitudes
 * keep an absolute error of at most 2<sup>-25</sup>, and larger ones cannot be stored (the writer
 * rejects them). Enough for logits and embeddings, at half the disk and page-cache footprint.</li>
 * </ul>
 */
public enum Precision {

    /** 32-bit floats, exact. */
    FP32(1, Float.BYTES),

    /** 16-bit half floats, rounded to nearest even. */
    FP16(2, 2);

    private final int code;

    private final int bytes;

    Precision(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** Bytes one value takes on disk. */
    public int bytesPerValue() {
        return this.bytes;
    }

    /** The code stored in the file header. */
    int code() {
        return this.code;
    }

    /** The precision stored under {@code code}, or {@code null} if none is. */
    static Precision fromCode(int code) {
        for (Precision p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }
}
