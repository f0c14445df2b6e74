package io.distill4j.pipeline.cache;

import java.nio.file.Path;

import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.distill4j.pipeline.cache.CacheFixtures.files;
import static io.distill4j.pipeline.cache.CacheFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoftTargetWriterTests {

    @TempDir
    Path dir;

    SoftTargetCache cache;

    CacheKey key;

    @BeforeEach
    void open() {
        this.cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        this.key = key(this.dir, "a");
    }

    @Test
    void rejectsShapesOutOfRange() {
        assertThatThrownBy(() -> this.cache.create(this.key, -1, 4, SoftTargetPrecision.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows must be >= 0, was -1");
        assertThatThrownBy(() -> this.cache.create(this.key, 1, 0, SoftTargetPrecision.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width must be in [1, 1048576]");
        assertThatThrownBy(() -> this.cache.create(this.key, 1, (1 << 20) + 1, SoftTargetPrecision.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1048577");
        assertThat(files(this.cache.directory())).isEmpty();
    }

    @Test
    void rejectsARowOfTheWrongWidth() {
        try (SoftTargetWriter writer = this.cache.create(this.key, 2, 3, SoftTargetPrecision.FLOAT32)) {
            assertThatThrownBy(() -> writer.append(new float[] { 1, 2 }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 0 has 2 values, the entry's width is 3");
            assertThat(writer.written()).isZero();
        }
    }

    @Test
    void rejectsMoreRowsThanDeclared() {
        try (SoftTargetWriter writer = this.cache.create(this.key, 1, 1, SoftTargetPrecision.FLOAT32)) {
            writer.append(new float[] { 1 });
            assertThatThrownBy(() -> writer.append(new float[] { 2 }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("all 1 declared rows");
        }
    }

    @Test
    void refusesToCommitFewerRowsThanDeclared() {
        try (SoftTargetWriter writer = this.cache.create(this.key, 3, 1, SoftTargetPrecision.FLOAT32)) {
            writer.append(new float[] { 1 });
            assertThatThrownBy(writer::commit)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 of 3 declared rows");
        }
        assertThat(this.cache.lookup(this.key).isHit()).isFalse();
    }

    @Test
    void rejectsNonFiniteValuesNamingRowAndColumn() {
        try (SoftTargetWriter writer = this.cache.create(this.key, 2, 2, SoftTargetPrecision.FLOAT32)) {
            writer.append(new float[] { 1, 2 });
            assertThatThrownBy(() -> writer.append(new float[] { Float.POSITIVE_INFINITY, 0 }))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("row 1, column 0")
                    .hasMessageContaining("not finite");
        }
    }

    @Test
    void rejectsValuesBeyondFp16NamingTheLimit() {
        try (SoftTargetWriter writer = this.cache.create(this.key, 1, 2, SoftTargetPrecision.FLOAT16)) {
            assertThatThrownBy(() -> writer.append(new float[] { 1, -70000 }))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("row 0, column 1")
                    .hasMessageContaining("65504")
                    .hasMessageContaining("FP32");
        }
    }

    @Test
    void aRejectedRowLeavesTheWriterUsable() {
        try (SoftTargetWriter writer = this.cache.create(this.key, 2, 2, SoftTargetPrecision.FLOAT16)) {
            writer.append(new float[] { 1, 2 });
            assertThatThrownBy(() -> writer.append(new float[] { 3, Float.NaN })).isInstanceOf(InvalidInputException.class);
            writer.append(new float[] { 3, 4 });
            writer.commit();
        }
        try (SoftTargets targets = this.cache.open(this.key).orElseThrow()) {
            assertThat(targets.row(1)).containsExactly(3, 4);
        }
    }

    @Test
    void cannotBeUsedAfterCommitOrClose() {
        SoftTargetWriter committed = this.cache.create(this.key, 1, 1, SoftTargetPrecision.FLOAT32);
        committed.append(new float[] { 1 });
        committed.commit();
        assertThatThrownBy(committed::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
        assertThatThrownBy(() -> committed.append(new float[] { 1 })).isInstanceOf(IllegalStateException.class);
        committed.close();
        assertThat(this.cache.lookup(this.key).isHit()).as("close after commit keeps the entry").isTrue();

        SoftTargetWriter closed = this.cache.create(key(this.dir, "b"), 1, 1, SoftTargetPrecision.FLOAT32);
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.append(new float[] { 1 }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(closed::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void writesRowsWiderThanItsBuffer() {
        int width = 300_000;
        float[] row = new float[width];
        for (int k = 0; k < width; k++) {
            row[k] = k;
        }
        try (SoftTargetWriter writer = this.cache.create(this.key, 2, width, SoftTargetPrecision.FLOAT32)) {
            writer.append(row);
            writer.append(row);
            writer.commit();
        }
        try (SoftTargets targets = this.cache.open(this.key).orElseThrow()) {
            assertThat(targets.row(1)).isEqualTo(row);
        }
    }
}
