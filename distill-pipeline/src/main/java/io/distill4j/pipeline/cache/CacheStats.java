package io.distill4j.pipeline.cache;

/**
 * Counters of one {@link SoftTargetCache} instance since it was created, for reports and metrics.
 *
 * @param hits lookups that found a valid entry
 * @param misses lookups that did not (including {@code invalidated} ones)
 * @param invalidated lookups that found an entry that failed validation and was moved aside
 * @param writes entries committed
 * @param bytesWritten bytes of the committed entries' files
 */
public record CacheStats(long hits, long misses, long invalidated, long writes, long bytesWritten) {
}
