package io.distill4j.pipeline.memory;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.exception.DistillationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class MemoryPlannerTests {

    @Test
    void thePlannerKeepsOnlyASmallTeacherLoaded() {
        long limit = 8L << 30;
        assertThat(MemoryPlanner.plan(20L << 20, 1_000_000, limit).mode()).isEqualTo(MemoryMode.ONLINE);
        assertThat(MemoryPlanner.plan(90L << 20, 1_000_000, limit).mode()).isEqualTo(MemoryMode.STAGED);
        assertThat(MemoryPlanner.plan(20L << 20, 1_000_000, 1L << 30).mode()).isEqualTo(MemoryMode.STAGED);
    }

    @Test
    void fineTuningBertBaseIsEstimatedAtAboutFiveGibibytesAndRefusedUnderFour() {
        long miniLm = MemoryPlanner.fineTuningBytes(22_564_608, 32, 128, 384, 6);
        long bertBase = MemoryPlanner.fineTuningBytes(108_890_112, 32, 128, 768, 12);
        assertThat(miniLm >> 20).isBetween(1300L, 1340L);
        assertThat(bertBase >> 20).isBetween(4780L, 4820L);

        assertThatExceptionOfType(DistillationException.class)
                .isThrownBy(() -> MemoryPlanner.requireFineTuningFits(bertBase, 4L << 30, "job-1", "bert-base"))
                .withMessageContaining("fine-tuning bert-base needs about 4797 MiB")
                .withMessageContaining("memory limit memoryLimitBytes of 4096 MiB");
        assertThatNoException().isThrownBy(() -> MemoryPlanner.requireFineTuningFits(miniLm, 4L << 30, "job-1",
                "minilm"));
    }
}
