package io.distill4j.pipeline.memory;

import io.distill4j.api.distill.MemoryMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryPlannerTests {

    @Test
    void thePlannerKeepsOnlyASmallTeacherLoaded() {
        long limit = 8L << 30;
        assertThat(MemoryPlanner.plan(20L << 20, 1_000_000, limit).mode()).isEqualTo(MemoryMode.ONLINE);
        assertThat(MemoryPlanner.plan(90L << 20, 1_000_000, limit).mode()).isEqualTo(MemoryMode.STAGED);
        assertThat(MemoryPlanner.plan(20L << 20, 1_000_000, 1L << 30).mode()).isEqualTo(MemoryMode.STAGED);
    }
}
