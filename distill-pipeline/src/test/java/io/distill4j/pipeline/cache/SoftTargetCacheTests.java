package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.distill.SoftTargetPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static io.distill4j.pipeline.cache.CacheFixtures.files;
import static io.distill4j.pipeline.cache.CacheFixtures.key;
import static io.distill4j.pipeline.cache.CacheFixtures.matrix;
import static io.distill4j.pipeline.cache.CacheFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SoftTargetCacheTests {

    @TempDir
    Path dir;

    @Test
    void missesBeforeAnythingIsWritten() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        CacheLookup lookup = cache.lookup(key(this.dir, "a"));
        assertThat(lookup.isHit()).isFalse();
        assertThat(lookup.outcome()).isEqualTo(CacheLookup.Outcome.MISS);
        assertThat(lookup.reason()).isEqualTo("absent");
        assertThat(lookup.targets()).isEmpty();
        assertThat(lookup.path()).isEqualTo(cache.entryPath(key(this.dir, "a")));
        assertThat(cache.stats()).isEqualTo(new CacheStats(0, 1, 0, 0, 0));
    }

    @Test
    void fp32RoundTripIsBitExact() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        float[][] rows = matrix(50, 7, 1);
        rows[3] = new float[] { 0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 1e-40f, 123456.78f };
        try (SoftTargets targets = write(cache, key(this.dir, "a"), rows, SoftTargetPrecision.FLOAT32)) {
            assertThat(targets.rows()).isEqualTo(50);
            assertThat(targets.width()).isEqualTo(7);
            assertThat(targets.precision()).isEqualTo(SoftTargetPrecision.FLOAT32);
            for (int i = 0; i < rows.length; i++) {
                float[] row = targets.row(i);
                for (int k = 0; k < 7; k++) {
                    assertThat(Float.floatToRawIntBits(row[k])).as("row %d col %d", i, k)
                            .isEqualTo(Float.floatToRawIntBits(rows[i][k]));
                }
            }
        }
    }

    @Test
    void fp16RoundTripIsWithinHalfPrecision() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        float[][] rows = matrix(40, 9, 2);
        rows[0] = new float[] { 0f, -0f, 65504f, -65504f, 0x1p-24f, 1e-9f, 1f, -1f, 1000.3f };
        try (SoftTargets targets = write(cache, key(this.dir, "a"), rows, SoftTargetPrecision.FLOAT16)) {
            assertThat(targets.precision()).isEqualTo(SoftTargetPrecision.FLOAT16);
            for (int i = 0; i < rows.length; i++) {
                float[] row = targets.row(i);
                for (int k = 0; k < rows[i].length; k++) {
                    float expected = rows[i][k];
                    assertThat(row[k]).as("row %d col %d", i, k)
                            .isCloseTo(expected, within(Math.max(Math.abs(expected) * 0x1p-11f, 0x1p-25f)));
                }
            }
            assertThat(targets.row(0)).containsExactly(0f, -0f, 65504f, -65504f, 0x1p-24f, 0f, 1f, -1f, 1000.5f);
        }
    }

    @Test
    void hitsAfterCommitAndReportsThePathAndSize() throws IOException {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        CacheKey key = key(this.dir, "a", "b");
        Path committed;
        try (SoftTargetWriter writer = cache.create(key, 2, 3, SoftTargetPrecision.FLOAT32)) {
            writer.append(new float[][] { { 1, 2, 3 }, { 4, 5, 6 } });
            assertThat(cache.lookup(key).isHit()).as("not visible before commit").isFalse();
            committed = writer.commit();
        }
        assertThat(committed).isEqualTo(cache.entryPath(key)).exists();
        assertThat(committed.getFileName().toString()).isEqualTo(key.hex() + ".softtargets");
        CacheLookup lookup = cache.lookup(key);
        assertThat(lookup.isHit()).isTrue();
        assertThat(lookup.reason()).isEqualTo("hit");
        assertThat(lookup.sizeBytes()).isEqualTo(Files.size(committed));
        try (SoftTargets targets = lookup.targets().orElseThrow()) {
            assertThat(targets.row(1)).containsExactly(4, 5, 6);
        }
        assertThat(files(this.dir)).containsExactlyInAnyOrder("teacher.onnx", key.hex() + ".softtargets");
        assertThat(cache.stats()).isEqualTo(new CacheStats(1, 1, 0, 1, Files.size(committed)));
    }

    @Test
    void aNewCacheInstanceOnTheSameFolderHits() {
        CacheKey key = key(this.dir, "a");
        write(SoftTargetCache.inDirectory(this.dir), key, matrix(3, 4, 3), SoftTargetPrecision.FLOAT16).close();
        try (SoftTargets targets = SoftTargetCache.inDirectory(this.dir).open(key).orElseThrow()) {
            assertThat(targets.rows()).isEqualTo(3);
        }
    }

    @Test
    void anotherKeyMisses() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        write(cache, key(this.dir, "a"), matrix(3, 4, 3), SoftTargetPrecision.FLOAT32).close();
        assertThat(cache.lookup(key(this.dir, "b")).outcome()).isEqualTo(CacheLookup.Outcome.MISS);
    }

    @Test
    void anAbandonedWriterLeavesNoEntryAndNoFile() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        CacheKey key = key(this.dir, "a");
        try (SoftTargetWriter writer = cache.create(key, 3, 2, SoftTargetPrecision.FLOAT32)) {
            writer.append(new float[] { 1, 2 });
            assertThat(files(cache.directory())).singleElement().asString().endsWith(".tmp");
        }
        assertThat(cache.lookup(key).isHit()).isFalse();
        assertThat(files(cache.directory())).isEmpty();
    }

    @Test
    void aWriterAbandonedByAnExceptionLeavesNoEntry() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        CacheKey key = key(this.dir, "a");
        try (SoftTargetWriter writer = cache.create(key, 3, 2, SoftTargetPrecision.FLOAT16)) {
            writer.append(new float[] { 1, 2 });
            writer.append(new float[] { 1, Float.NaN });
            writer.commit();
        }
        catch (RuntimeException expected) {
            assertThat(expected).hasMessageContaining("row 1, column 1");
        }
        assertThat(cache.lookup(key).isHit()).isFalse();
        assertThat(files(cache.directory())).isEmpty();
    }

    @Test
    void anEmptySplitRoundTrips() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        CacheKey key = key(this.dir);
        try (SoftTargetWriter writer = cache.create(key, 0, 5, SoftTargetPrecision.FLOAT16)) {
            writer.commit();
        }
        try (SoftTargets targets = cache.open(key).orElseThrow()) {
            assertThat(targets.rows()).isZero();
            assertThat(targets.width()).isEqualTo(5);
            targets.rows(0, 0, new float[0]);
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows cannot replace a file that is mapped")
    void recommittingAKeyReplacesTheEntry() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        CacheKey key = key(this.dir, "a");
        SoftTargets first = write(cache, key, new float[][] { { 1, 2 } }, SoftTargetPrecision.FLOAT32);
        try (SoftTargets second = write(cache, key, new float[][] { { 3, 4 } }, SoftTargetPrecision.FLOAT32)) {
            assertThat(second.row(0)).containsExactly(3, 4);
            // On POSIX file systems the earlier mapping still reads the replaced file.
            assertThat(first.row(0)).containsExactly(1, 2);
        }
        first.close();
    }

    @Test
    void invalidateDeletesTheEntry() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        CacheKey key = key(this.dir, "a");
        write(cache, key, matrix(2, 2, 4), SoftTargetPrecision.FLOAT32).close();
        assertThat(cache.invalidate(key)).isTrue();
        assertThat(cache.lookup(key).isHit()).isFalse();
        assertThat(cache.invalidate(key)).isFalse();
    }

    @Test
    void concurrentWritersOfOneKeyEndWithOneValidEntry() throws Exception {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        CacheKey key = key(this.dir, "a");
        float[][] rows = matrix(2000, 64, 5);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                cache.invalidate(key);
                CountDownLatch start = new CountDownLatch(1);
                Callable<Path> writeAll = () -> {
                    start.await();
                    try (SoftTargetWriter writer = cache.create(key, rows.length, 64, SoftTargetPrecision.FLOAT32)) {
                        for (float[] row : rows) {
                            writer.append(row);
                        }
                        return writer.commit();
                    }
                };
                List<Future<Path>> results = new ArrayList<>();
                results.add(pool.submit(writeAll));
                results.add(pool.submit(writeAll));
                start.countDown();
                for (Future<Path> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(cache.entryPath(key));
                }
                assertThat(files(cache.directory())).containsExactly(key.hex() + ".softtargets");
                try (SoftTargets targets = cache.open(key).orElseThrow()) {
                    assertThat(targets.row(1999)).containsExactly(rows[1999]);
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(cache.stats().invalidated()).isZero();
    }

    @Test
    void aLargeFp16EntryMapsAndReadsCorrectly() throws IOException {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        CacheKey key = key(this.dir, "large");
        int rows = 10_000;
        int width = 384;
        try (SoftTargetWriter writer = cache.create(key, rows, width, SoftTargetPrecision.FLOAT16)) {
            for (int from = 0; from < rows; from += 32) {
                writer.append(batch(from, Math.min(32, rows - from), width));
            }
            writer.commit();
        }
        long dataBytes = (long) rows * width * 2;
        long size = Files.size(cache.entryPath(key));
        assertThat(size).isGreaterThan(dataBytes).isLessThan(dataBytes + 4096);
        assertThat((size - dataBytes) % 64).as("data starts on a 64-byte boundary").isZero();
        try (SoftTargets targets = cache.open(key).orElseThrow()) {
            assertThat(targets.rows()).isEqualTo(rows);
            float[] all = new float[rows * width];
            targets.rows(0, rows, all);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < width; k++) {
                    float expected = value(i, k);
                    assertThat(all[i * width + k]).isCloseTo(expected, within(Math.abs(expected) * 0x1p-11f + 0x1p-25f));
                }
            }
            float[] gathered = new float[3 * width];
            targets.rows(new int[] { 9999, 0, 4321 }, gathered);
            assertThat(java.util.Arrays.copyOfRange(gathered, 0, width)).containsExactly(targets.row(9999));
            assertThat(java.util.Arrays.copyOfRange(gathered, 2 * width, 3 * width)).containsExactly(targets.row(4321));
        }
    }

    private static float value(int row, int column) {
        return (float) Math.sin(row * 0.37 + column * 1.3) * (1 + column % 7);
    }

    private static float[][] batch(int from, int count, int width) {
        float[][] batch = new float[count][width];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < width; k++) {
                batch[i][k] = value(from + i, k);
            }
        }
        return batch;
    }

    @Test
    void readsAcrossMappingChunkBoundaries() {
        // Chunks of 3 rows of 5 FP32 values (60 bytes): 10 rows span 4 mappings.
        SoftTargetCache cache = new DirectorySoftTargetCache(this.dir, 60);
        CacheKey key = key(this.dir, "chunks");
        float[][] rows = matrix(10, 5, 6);
        try (SoftTargets targets = write(cache, key, rows, SoftTargetPrecision.FLOAT32)) {
            for (int i = 0; i < 10; i++) {
                assertThat(targets.row(i)).as("row %d", i).containsExactly(rows[i]);
            }
            float[] middle = new float[6 * 5];
            targets.rows(2, 8, middle);
            for (int i = 2; i < 8; i++) {
                assertThat(java.util.Arrays.copyOfRange(middle, (i - 2) * 5, (i - 1) * 5)).containsExactly(rows[i]);
            }
        }
        SoftTargetCache halves = new DirectorySoftTargetCache(this.dir.resolve("fp16"), 7);
        try (SoftTargets targets = write(halves, key, rows, SoftTargetPrecision.FLOAT16)) {
            for (int i = 0; i < 10; i++) {
                assertThat(targets.row(i)).as("one row per mapping, row %d", i).hasSize(5);
                assertThat(targets.row(i)[4]).isCloseTo(rows[i][4], within(Math.abs(rows[i][4]) * 0x1p-11f));
            }
        }
    }

    @Test
    void deletesTemporaryFilesThatAWriterLeftBehind() throws IOException {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        CacheKey key = key(this.dir, "a");
        Path crashed = Files.write(cache.directory().resolve(key.hex() + ".123.tmp"), new byte[100]);
        Path recent = Files.write(cache.directory().resolve(key.hex() + ".456.tmp"), new byte[100]);
        Path unrelated = Files.write(cache.directory().resolve("notes.tmp"), new byte[1]);
        Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minusSeconds(3600)));
        try (SoftTargetWriter live = cache.create(key, 1, 1, SoftTargetPrecision.FLOAT32)) {
            Path liveFile = cache.directory().resolve(files(cache.directory()).stream()
                    .filter(n -> n.endsWith(".tmp") && !n.endsWith(".123.tmp") && !n.endsWith(".456.tmp")
                            && !n.equals("notes.tmp"))
                    .findFirst().orElseThrow());
            Files.setLastModifiedTime(liveFile, FileTime.from(Instant.now().minusSeconds(3600)));
            assertThat(crashed).doesNotExist();
            assertThat(recent).as("too young to be sure it is abandoned").exists();
            assertThat(unrelated).exists();

            try (SoftTargetWriter other = cache.create(key(this.dir, "b"), 1, 1, SoftTargetPrecision.FLOAT32)) {
                other.append(new float[] { 2 });
                other.commit();
            }
            assertThat(liveFile).as("locked by a live writer").exists();
            live.append(new float[] { 1 });
            live.commit();
        }
        try (SoftTargets targets = cache.open(key).orElseThrow()) {
            assertThat(targets.row(0)).containsExactly(1);
        }
    }

    @Test
    void eachPrecisionIsStoredUnderTheFormatsFixedCode() throws IOException {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        CacheKey single = key(this.dir, "single");
        CacheKey half = key(this.dir, "half");
        write(cache, single, matrix(2, 3, 1), SoftTargetPrecision.FLOAT32).close();
        write(cache, half, matrix(2, 3, 1), SoftTargetPrecision.FLOAT16).close();
        // Offset 12, little-endian: 1 = float32, 2 = binary16, as in files written by earlier versions.
        assertThat(ByteBuffer.wrap(Files.readAllBytes(cache.entryPath(single))).order(ByteOrder.LITTLE_ENDIAN).getInt(12))
                .isEqualTo(1);
        assertThat(ByteBuffer.wrap(Files.readAllBytes(cache.entryPath(half))).order(ByteOrder.LITTLE_ENDIAN).getInt(12))
                .isEqualTo(2);
        assertThat(SoftTargetPrecision.FLOAT32.bytesPerValue()).isEqualTo(4);
        assertThat(SoftTargetPrecision.FLOAT16.bytesPerValue()).isEqualTo(2);
    }
}
