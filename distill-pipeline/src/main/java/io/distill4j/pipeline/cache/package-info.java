/**
 * The on-disk soft-target cache of the teacher stage. The teacher runs once over each split and its
 * outputs (logits, or pooled embeddings for the embedding task) are written with a
 * {@link io.distill4j.pipeline.cache.SoftTargetWriter} under a {@link io.distill4j.pipeline.cache.CacheKey}
 * that hashes everything the targets depend on (teacher bytes, tokenizer, data, preprocessing, cache
 * format); a later run or tuning trial with the same inputs {@link io.distill4j.pipeline.cache.SoftTargetCache#open
 * opens} the memory-mapped {@link io.distill4j.pipeline.cache.SoftTargets} without loading the teacher.
 * Entries are published atomically, validated on open (a damaged file is a miss, never an error), and
 * stored as FP32 or FP16; the file format is described on {@link io.distill4j.pipeline.cache.SoftTargetCache}.
 */
package io.distill4j.pipeline.cache;
