package io.distill4j.api.distill;

/** How the teacher's outputs are stored in the soft-target cache. Reads always return {@code float}. */
public enum SoftTargetPrecision {
    /** 4 bytes per value: IEEE 754 single precision, read back bit for bit. The default. */
    FLOAT32(4),
    /**
     * 2 bytes per value: IEEE 754 half precision, rounded to nearest even. Halves the cache for wide
     * outputs (embeddings, many classes): the relative error is at most 2<sup>-11</sup> for magnitudes
     * from 2<sup>-14</sup> to 65504, smaller magnitudes keep an absolute error of at most
     * 2<sup>-25</sup>, and larger ones cannot be stored (the cache rejects them). Enough for logits and
     * embeddings.
     */
    FLOAT16(2);

    private final int bytesPerValue;

    SoftTargetPrecision(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    /** Bytes one value takes in the cache. */
    public int bytesPerValue() {
        return this.bytesPerValue;
    }
}
