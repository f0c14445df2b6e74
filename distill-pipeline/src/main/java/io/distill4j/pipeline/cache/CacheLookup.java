package io.distill4j.pipeline.cache;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link SoftTargetCache#lookup} found for a key: a hit with the mapped targets, or a miss and
 * why. For the run report: outcome, path, size and reason.
 *
 * <pre>{@code
 * CacheLookup lookup = cache.lookup(key);
 * if (lookup.isHit()) {
 *     try (SoftTargets targets = lookup.targets().orElseThrow()) { ... }
 * }
 * else {
 *     log.info("Running the teacher: {}", lookup);   // e.g. "miss (absent)" or "invalid (truncated: ...)"
 * }
 * }</pre>
 */
public final class CacheLookup {

    /** How a lookup ended. */
    public enum Outcome {
        /** A valid entry was found and mapped. */
        HIT,
        /** No entry exists for the key (or it could not be read). */
        MISS,
        /** An entry existed but failed validation; it was moved aside and counts as a miss. */
        INVALID
    }

    private final Outcome outcome;

    private final String key;

    private final Path path;

    private final long sizeBytes;

    private final String reason;

    private final SoftTargets targets;

    CacheLookup(Outcome outcome, String key, Path path, long sizeBytes, String reason, SoftTargets targets) {
        this.outcome = outcome;
        this.key = key;
        this.path = path;
        this.sizeBytes = sizeBytes;
        this.reason = reason;
        this.targets = targets;
    }

    public Outcome outcome() {
        return this.outcome;
    }

    /** Whether {@link #targets()} holds the cached soft targets. */
    public boolean isHit() {
        return this.outcome == Outcome.HIT;
    }

    /** The key's hex. */
    public String key() {
        return this.key;
    }

    /** The entry's file (which does not exist after a miss). */
    public Path path() {
        return this.path;
    }

    /** Size of the entry's file in bytes after a hit or an invalid entry, 0 when absent. */
    public long sizeBytes() {
        return this.sizeBytes;
    }

    /** Why it missed ({@code absent}, {@code truncated: …}, …); {@code hit} for a hit. */
    public String reason() {
        return this.reason;
    }

    /** The mapped targets after a hit, which the caller then owns and closes; empty otherwise. */
    public Optional<SoftTargets> targets() {
        return Optional.ofNullable(this.targets);
    }

    @Override
    public String toString() {
        return this.outcome.name().toLowerCase(java.util.Locale.ROOT) + " (" + this.reason + ") " + this.path
                + (this.sizeBytes > 0 ? ", " + this.sizeBytes + " bytes" : "");
    }
}
