package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.distill4j.api.Checks;
import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.api.exception.DistillationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SoftTargetCache} in one folder of the local file system. Thread-safe. */
final class DirectorySoftTargetCache implements SoftTargetCache {

    static final Logger LOG = LoggerFactory.getLogger(SoftTargetCache.class);

    static final String ENTRY_SUFFIX = ".softtargets";

    static final String CORRUPT_SUFFIX = ".corrupt";

    static final String TEMPORARY_SUFFIX = ".tmp";

    /** Temporary files of writers: {@code <key hex>.<random digits>.tmp}. */
    private static final Pattern TEMPORARY = Pattern.compile("[0-9a-f]{64}\\.[0-9]+\\.tmp");

    /**
     * A temporary file younger than this is never swept, even if it could be locked: it may belong to a
     * writer that has created but not yet locked it.
     */
    private static final Duration SWEEP_MIN_AGE = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;

    private final long chunkBytes;

    private final AtomicLong hits = new AtomicLong();

    private final AtomicLong misses = new AtomicLong();

    private final AtomicLong invalidated = new AtomicLong();

    private final AtomicLong writes = new AtomicLong();

    private final AtomicLong bytesWritten = new AtomicLong();

    DirectorySoftTargetCache(Path directory, long chunkBytes) {
        Objects.requireNonNull(directory, "directory");
        try {
            this.directory = Files.createDirectories(directory).toAbsolutePath();
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("Soft-target cache directory " + directory + " cannot be created: " + ex,
                    ex);
        }
        this.chunkBytes = chunkBytes;
    }

    @Override
    public Path directory() {
        return this.directory;
    }

    @Override
    public Path entryPath(CacheKey key) {
        return this.directory.resolve(key.hex() + ENTRY_SUFFIX);
    }

    @Override
    public CacheLookup lookup(CacheKey key) {
        Objects.requireNonNull(key, "key");
        Path file = entryPath(key);
        Object fileKey;
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            fileKey = attributes.fileKey();
            size = attributes.size();
        }
        catch (NoSuchFileException ex) {
            return miss(key, file, 0, CacheLookup.Outcome.MISS, "absent");
        }
        catch (IOException ex) {
            LOG.warn("Soft-target cache entry {} cannot be read ({}); running the teacher again", file, ex.toString());
            return miss(key, file, 0, CacheLookup.Outcome.MISS, "unreadable: " + ex);
        }
        String reason;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            CacheFile.Header header = CacheFile.read(channel, key);
            MappedSoftTargets targets = MappedSoftTargets.map(channel, file, header, this.chunkBytes);
            this.hits.incrementAndGet();
            LOG.debug("Soft-target cache hit: {} ({} x {} {}, {} bytes)", file, header.rows(), header.width(),
                    header.precision(), size);
            return new CacheLookup(CacheLookup.Outcome.HIT, key.hex(), file, size, "hit", targets);
        }
        catch (NoSuchFileException ex) {
            return miss(key, file, 0, CacheLookup.Outcome.MISS, "absent");
        }
        catch (IOException ex) {
            LOG.warn("Soft-target cache entry {} cannot be read ({}); running the teacher again", file, ex.toString());
            return miss(key, file, size, CacheLookup.Outcome.MISS, "unreadable: " + ex);
        }
        catch (CacheFile.InvalidEntryException ex) {
            reason = ex.getMessage();
        }
        Path aside = quarantine(file, fileKey);
        LOG.warn("Soft-target cache entry {} is invalid ({}); {} and running the teacher again", file, reason,
                aside == null ? "ignoring it" : "moved it to " + aside.getFileName());
        this.invalidated.incrementAndGet();
        return miss(key, file, size, CacheLookup.Outcome.INVALID, reason);
    }

    private CacheLookup miss(CacheKey key, Path file, long size, CacheLookup.Outcome outcome, String reason) {
        this.misses.incrementAndGet();
        LOG.debug("Soft-target cache miss for {} ({})", file, reason);
        return new CacheLookup(outcome, key.hex(), file, size, reason, null);
    }

    /**
     * Renames an invalid entry to {@code <hex>.corrupt} (deleting it if that fails), unless the file was
     * replaced meanwhile by a writer's new entry. Returns where it went, or {@code null}.
     */
    private Path quarantine(Path file, Object fileKey) {
        Path aside = this.directory.resolve(file.getFileName().toString().replace(ENTRY_SUFFIX, CORRUPT_SUFFIX));
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (fileKey != null && !fileKey.equals(now)) {
                return null;
            }
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return aside;
        }
        catch (IOException ex) {
            try {
                Files.deleteIfExists(file);
            }
            catch (IOException ignored) {
                // Logged by the caller as "ignoring it"; the next commit of this key replaces the file.
            }
            return null;
        }
    }

    @Override
    public SoftTargetWriter create(CacheKey key, int rows, int width, SoftTargetPrecision precision) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(precision, "precision");
        Checks.atLeast(rows, 0, "rows");
        Checks.inRange(width, 1, CacheFile.MAX_WIDTH, "width");
        sweepAbandoned();
        Path temporary = null;
        try {
            // Not Files.createTempFile: its owner-only permissions would carry over to the entry.
            temporary = Files.createFile(this.directory.resolve(key.hex() + "."
                    + Long.toUnsignedString(RANDOM.nextLong()) + TEMPORARY_SUFFIX));
            return new SoftTargetWriter(this, key, rows, width, precision, temporary);
        }
        catch (IOException ex) {
            deleteQuietly(temporary);
            throw new DistillationException(null, "Cannot create a soft-target cache file in " + this.directory + ": "
                    + ex, ex);
        }
        catch (RuntimeException ex) {
            deleteQuietly(temporary);
            throw ex;
        }
    }

    /**
     * Called by a writer whose temporary file is complete and on disk: renames it onto the entry. If
     * the rename fails while a valid entry exists (another writer won on a platform that cannot replace
     * an open file), that entry stays.
     */
    Path publish(CacheKey key, Path temporary, long size) {
        Path entry = entryPath(key);
        try {
            try {
                Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException ex) {
                throw ex;
            }
            catch (IOException ex) {
                if (!Files.isRegularFile(entry)) {
                    throw ex;
                }
                LOG.debug("Soft-target cache entry {} was committed by another writer first ({})", entry,
                        ex.toString());
                deleteQuietly(temporary);
                return entry;
            }
        }
        catch (IOException ex) {
            deleteQuietly(temporary);
            throw new DistillationException(null, "Cannot move " + temporary + " to " + entry + ": " + ex, ex);
        }
        forceDirectory();
        deleteQuietly(this.directory.resolve(key.hex() + CORRUPT_SUFFIX));
        this.writes.incrementAndGet();
        this.bytesWritten.addAndGet(size);
        LOG.debug("Soft-target cache entry {} committed ({} bytes)", entry, size);
        return entry;
    }

    /** Makes the rename durable where the platform allows syncing a folder (Linux, macOS). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(this.directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
        catch (IOException | UnsupportedOperationException ex) {
            // Windows cannot open a folder as a channel; NTFS journals the rename itself.
        }
    }

    /**
     * Deletes temporary files of writers that died without closing: those nobody holds a lock on and
     * that have not been written to for a minute. Best effort; failures are only logged at debug.
     */
    private void sweepAbandoned() {
        Instant cutoff = Instant.now().minus(SWEEP_MIN_AGE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory,
                p -> TEMPORARY.matcher(p.getFileName().toString()).matches())) {
            for (Path file : files) {
                sweep(file, cutoff);
            }
        }
        catch (IOException ex) {
            LOG.debug("Cannot list {} for abandoned soft-target files: {}", this.directory, ex.toString());
        }
    }

    private static void sweep(Path file, Instant cutoff) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.toInstant().isAfter(cutoff)) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    return;
                }
                try {
                    Files.delete(file);
                    LOG.info("Deleted {}, left behind by a soft-target writer that did not finish", file);
                }
                finally {
                    lock.release();
                }
            }
        }
        catch (OverlappingFileLockException ex) {
            // A writer in this JVM holds it.
        }
        catch (IOException ex) {
            LOG.debug("Cannot sweep {}: {}", file, ex.toString());
        }
    }

    @Override
    public boolean invalidate(CacheKey key) {
        try {
            return Files.deleteIfExists(entryPath(key));
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Cannot delete soft-target cache entry " + entryPath(key) + ": " + ex,
                    ex);
        }
    }

    @Override
    public CacheStats stats() {
        return new CacheStats(this.hits.get(), this.misses.get(), this.invalidated.get(), this.writes.get(),
                this.bytesWritten.get());
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException ex) {
            LOG.debug("Cannot delete {}: {}", file, ex.toString());
        }
    }

    @Override
    public String toString() {
        return "SoftTargetCache[" + this.directory + "]";
    }
}
