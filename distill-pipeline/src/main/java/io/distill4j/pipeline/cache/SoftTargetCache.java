package io.distill4j.pipeline.cache;

import java.nio.file.Path;
import java.util.Optional;

import io.distill4j.api.distill.SoftTargetPrecision;

/**
 * The on-disk cache of teacher outputs, one file per {@link CacheKey} (that is, per split) in one
 * folder: {@code <directory>/<key hex>.softtargets}. The teacher stage looks a key up; on a miss it runs
 * the teacher and writes the entry; the student stage, a second run and every tuning trial open it
 * memory-mapped without loading the teacher.
 *
 * <p>Guarantees: an entry becomes visible only complete (written to a temporary file, forced to disk,
 * then renamed atomically); every entry is checked on open (magic, version, key, shape, size, CRC32C
 * checksum), and one that fails is a miss, logged as a warning with the reason and renamed to
 * {@code <key hex>.corrupt} (replacing any earlier one, and deleted when the key is next committed), so
 * a damaged cache never fails a run and is never used. Concurrent writers of one key are safe: each
 * writes its own temporary file and one complete entry remains. The file format (a 64-byte header, a
 * JSON info block, then little-endian row-major values from a 64-byte aligned offset) is documented on
 * the package-private {@code CacheFile}; it is simple to read from other tools, e.g. numpy's memmap.
 *
 * <pre>{@code
 * SoftTargetCache cache = SoftTargetCache.inDirectory(workDir.resolve("cache"));
 * CacheLookup lookup = cache.lookup(key);
 * if (!lookup.isHit()) {
 *     try (SoftTargetWriter writer = cache.create(key, rows, width, SoftTargetPrecision.FLOAT16)) {
 *         ... writer.append(batchOutputs) ...
 *         writer.commit();
 *     }
 * }
 * try (SoftTargets targets = cache.open(key).orElseThrow()) { ... }
 * }</pre>
 */
public interface SoftTargetCache {

    /**
     * A cache in {@code directory}, which is created if missing.
     *
     * @throws IllegalArgumentException if the folder cannot be created or is not a folder
     */
    static SoftTargetCache inDirectory(Path directory) {
        return new DirectorySoftTargetCache(directory, MappedSoftTargets.DEFAULT_CHUNK_BYTES);
    }

    /** The cache's folder. */
    Path directory();

    /** The file that holds, or would hold, the entry of {@code key}. */
    Path entryPath(CacheKey key);

    /**
     * Looks {@code key} up. Never throws for a missing, unreadable or damaged entry: those are misses
     * with a reason. After a hit the caller owns the returned targets and closes them.
     */
    CacheLookup lookup(CacheKey key);

    /** The entry of {@code key}, memory-mapped, if there is a valid one; as {@link #lookup}. */
    default Optional<SoftTargets> open(CacheKey key) {
        return lookup(key).targets();
    }

    /**
     * Starts writing the entry of {@code key}: {@code rows} rows of {@code width} values each.
     * Nothing is visible until {@link SoftTargetWriter#commit()}.
     *
     * @param rows rows of the split, {@code >= 0}
     * @param width values per row, 1 to 1,048,576
     * @throws IllegalArgumentException if {@code rows} or {@code width} is out of range
     * @throws io.distill4j.api.exception.DistillationException if the temporary file cannot be created
     */
    SoftTargetWriter create(CacheKey key, int rows, int width, SoftTargetPrecision precision);

    /**
     * Deletes the entry of {@code key}, forcing the teacher to run again. Targets already open stay
     * readable (on Linux and macOS).
     *
     * @return whether there was an entry
     */
    boolean invalidate(CacheKey key);

    /** Counters of this instance's lookups and writes. */
    CacheStats stats();
}
