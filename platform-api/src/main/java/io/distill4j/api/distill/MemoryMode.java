package io.distill4j.api.distill;

/** Whether the teacher and the student may be in memory at the same time. */
public enum MemoryMode {
    /**
     * The teacher writes its soft targets to the cache and is closed (session, options, tokenizer)
     * before the student is built: the two heavy stages never overlap. The default.
     */
    STAGED,
    /** Teacher and student are both loaded and the teacher answers per batch; for tiny teachers. */
    ONLINE,
    /** The distiller estimates both stages' memory from model sizes and batch size and picks one of the above. */
    AUTO
}
