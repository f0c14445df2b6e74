package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.distill4j.api.distill.SoftTargetPrecision;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.distill4j.pipeline.cache.CacheFixtures.files;
import static io.distill4j.pipeline.cache.CacheFixtures.key;
import static io.distill4j.pipeline.cache.CacheFixtures.matrix;
import static io.distill4j.pipeline.cache.CacheFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

/** Damaged, truncated and foreign files are misses: reported, moved aside, never used, never thrown. */
class InvalidEntryTests {

    @TempDir
    Path dir;

    SoftTargetCache cache;

    CacheKey key;

    Path entry;

    @BeforeEach
    void writeAValidEntry() {
        this.cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        this.key = key(this.dir, "a", "b", "c");
        write(this.cache, this.key, matrix(3, 16, 1), SoftTargetPrecision.FLOAT32).close();
        this.entry = this.cache.entryPath(this.key);
        assertThat(this.cache.lookup(this.key).isHit()).isTrue();
    }

    private CacheLookup expectInvalid(String reason) {
        CacheLookup lookup = this.cache.lookup(this.key);
        assertThat(lookup.outcome()).isEqualTo(CacheLookup.Outcome.INVALID);
        assertThat(lookup.isHit()).isFalse();
        assertThat(lookup.targets()).isEmpty();
        assertThat(lookup.reason()).contains(reason);
        assertThat(this.entry).doesNotExist();
        assertThat(files(this.cache.directory())).containsExactly(this.key.hex() + ".corrupt");
        assertThat(this.cache.lookup(this.key).outcome()).as("once moved aside, a plain miss")
                .isEqualTo(CacheLookup.Outcome.MISS);
        assertThat(this.cache.stats().invalidated()).isEqualTo(1);
        return lookup;
    }

    private void overwrite(long position, byte... bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(this.entry, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private void overwriteInt(long position, int value) throws IOException {
        overwrite(position, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    @Test
    void aTruncatedFileIsInvalid() throws IOException {
        try (FileChannel channel = FileChannel.open(this.entry, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 1);
        }
        expectInvalid("truncated");
    }

    @Test
    void aFileShorterThanTheHeaderIsInvalid() throws IOException {
        try (FileChannel channel = FileChannel.open(this.entry, StandardOpenOption.WRITE)) {
            channel.truncate(10);
        }
        expectInvalid("truncated: 10 bytes");
    }

    @Test
    void anEmptyFileIsInvalid() throws IOException {
        Files.write(this.entry, new byte[0]);
        expectInvalid("truncated: 0 bytes");
    }

    @Test
    void extraBytesAreInvalid() throws IOException {
        Files.write(this.entry, new byte[] { 0 }, StandardOpenOption.APPEND);
        expectInvalid("size mismatch");
    }

    @Test
    void aForeignFileIsInvalid() throws IOException {
        Files.writeString(this.entry, "this is not a soft-target cache file, but it is long enough to hold a header");
        expectInvalid("wrong magic");
    }

    @Test
    void anotherKeysEntryUnderThisNameIsInvalid() throws IOException {
        CacheKey other = key(this.dir, "x");
        write(this.cache, other, matrix(3, 16, 1), SoftTargetPrecision.FLOAT32).close();
        Files.copy(this.cache.entryPath(other), this.entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(this.cache.entryPath(other));
        expectInvalid("written for key " + other.hex());
    }

    @Test
    void anotherFormatVersionIsInvalid() throws IOException {
        overwriteInt(8, 99);
        expectInvalid("format version 99");
    }

    @Test
    void anUnknownPrecisionIsInvalid() throws IOException {
        overwriteInt(12, 7);
        expectInvalid("unknown precision code 7");
    }

    @Test
    void aHeaderThatDisagreesWithTheSizeIsInvalid() throws IOException {
        overwriteInt(16, 4);
        expectInvalid("the header implies");
    }

    @Test
    void aNegativeRowCountIsInvalid() throws IOException {
        overwriteInt(16, -1);
        expectInvalid("rows must be >= 0");
    }

    @Test
    void aFlippedDataBitIsInvalid() throws IOException {
        long size = Files.size(this.entry);
        overwrite(size - 7, (byte) 0x5a);
        expectInvalid("checksum mismatch");
    }

    @Test
    void aSwappedShapeWithTheSameSizeIsInvalid() throws IOException {
        // 3 x 16 becomes 16 x 3: same size, every field plausible; only the checksum notices.
        overwriteInt(16, 16);
        overwriteInt(20, 3);
        expectInvalid("checksum mismatch");
    }

    @Test
    void aDamagedInfoBlockIsInvalid() throws IOException {
        overwrite(64, (byte) '[');
        expectInvalid("info block");
    }

    @Test
    void theNextCommitReplacesTheEntryAndRemovesTheCorruptCopy() throws IOException {
        Files.write(this.entry, new byte[3]);
        expectInvalid("truncated");
        try (SoftTargets targets = write(this.cache, this.key, new float[][] { { 7 } }, SoftTargetPrecision.FLOAT16)) {
            assertThat(targets.row(0)).containsExactly(7);
        }
        assertThat(files(this.cache.directory())).containsExactly(this.key.hex() + ".softtargets");
    }

    @Test
    void aFolderInPlaceOfTheEntryIsAMissNotACrash() throws IOException {
        Files.delete(this.entry);
        Files.createDirectories(this.entry);
        CacheLookup lookup = this.cache.lookup(this.key);
        assertThat(lookup.isHit()).isFalse();
        assertThat(lookup.targets()).isEmpty();
    }
}
