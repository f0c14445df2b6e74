package io.distill4j.api.distill;

/** How the teacher's outputs are stored in the soft-target cache. */
public enum SoftTargetPrecision {
    /** 4 bytes per value; exact. The default. */
    FLOAT32,
    /** 2 bytes per value; halves the cache for wide outputs (embeddings, many classes) at a small rounding cost. */
    FLOAT16
}
