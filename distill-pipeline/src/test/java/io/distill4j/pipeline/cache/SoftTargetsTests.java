package io.distill4j.pipeline.cache;

import java.nio.file.Path;

import io.distill4j.api.distill.SoftTargetPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.distill4j.pipeline.cache.CacheFixtures.key;
import static io.distill4j.pipeline.cache.CacheFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoftTargetsTests {

    @TempDir
    Path dir;

    private static final float[][] ROWS = { { 1, 2 }, { 3, 4 }, { 5, 6 } };

    private SoftTargets mapped() {
        return write(SoftTargetCache.inDirectory(this.dir), key(this.dir, "a"), ROWS, SoftTargetPrecision.FLOAT32);
    }

    @Test
    void mappedTargetsReadRowsRangesAndGathers() {
        try (SoftTargets targets = mapped()) {
            assertRowsRangesAndGathers(targets);
        }
    }

    @Test
    void inMemoryTargetsReadRowsRangesAndGathers() {
        try (SoftTargets targets = SoftTargets.of(ROWS)) {
            assertThat(targets.precision()).isEqualTo(SoftTargetPrecision.FLOAT32);
            assertRowsRangesAndGathers(targets);
        }
    }

    private static void assertRowsRangesAndGathers(SoftTargets targets) {
        assertThat(targets.rows()).isEqualTo(3);
        assertThat(targets.width()).isEqualTo(2);
        assertThat(targets.row(2)).containsExactly(5, 6);
        float[] range = new float[5];
        targets.rows(1, 3, range);
        assertThat(range).containsExactly(3, 4, 5, 6, 0);
        float[] gathered = new float[6];
        targets.rows(new int[] { 2, 0, 2 }, gathered);
        assertThat(gathered).containsExactly(5, 6, 1, 2, 5, 6);
        assertThatThrownBy(() -> targets.row(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> targets.row(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> targets.rows(2, 1, new float[8])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> targets.rows(0, 4, new float[8])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> targets.rows(0, 3, new float[5])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> targets.rows(new int[] { 3 }, new float[2])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> targets.rows(new int[] { 0, 1 }, new float[3])).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void mappedTargetsCloseIdempotentlyAndFailCleanlyAfterwards() {
        SoftTargets targets = mapped();
        targets.close();
        targets.close();
        assertClosed(targets);
        assertThat(targets.rows()).as("the shape stays known").isEqualTo(3);
        assertThat(targets.toString()).contains("closed");
    }

    @Test
    void inMemoryTargetsCloseIdempotentlyAndFailCleanlyAfterwards() {
        SoftTargets targets = SoftTargets.of(ROWS);
        targets.close();
        targets.close();
        assertClosed(targets);
    }

    private static void assertClosed(SoftTargets targets) {
        assertThatThrownBy(() -> targets.row(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> targets.rows(0, 1, new float[2])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> targets.rows(new int[] { 0 }, new float[2])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingOneOpenedViewLeavesOthersReadable() {
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir);
        CacheKey key = key(this.dir, "a");
        write(cache, key, ROWS, SoftTargetPrecision.FLOAT16).close();
        SoftTargets first = cache.open(key).orElseThrow();
        try (SoftTargets second = cache.open(key).orElseThrow()) {
            first.close();
            assertThat(second.row(0)).containsExactly(1, 2);
        }
    }

    @Test
    void inMemoryTargetsCopyTheirInputAndCheckItsShape() {
        float[][] rows = { { 1, 2 }, { 3, 4 } };
        try (SoftTargets targets = SoftTargets.of(rows)) {
            rows[0][0] = 99;
            assertThat(targets.row(0)).containsExactly(1, 2);
        }
        assertThatThrownBy(() -> SoftTargets.of(new float[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one row");
        assertThatThrownBy(() -> SoftTargets.of(new float[][] { { 1, 2 }, { 3 } }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows[1] has 1 values, expected 2");
    }
}
