package io.distill4j.pipeline;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistillerConfigTests {

    @Test
    void defaultsTrainOnOneThreadAndKeepTheCacheUnderTheWorkDirectory() {
        DistillerConfig config = DistillerConfig.builder(Path.of("work")).build();
        assertThat(config.trainingThreads()).isEqualTo(DistillerConfig.DEFAULT_TRAINING_THREADS).isEqualTo(1);
        assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(config.cacheDirectory()).isEqualTo(Path.of("work", "cache"));
        assertThat(config.modelRepository()).isEmpty();
        assertThat(config.maxEpochs()).isEqualTo(DistillerConfig.DEFAULT_MAX_EPOCHS);
    }

    @Test
    void settingsOutOfRangeNameTheFieldAndTheRange() {
        assertThatThrownBy(() -> DistillerConfig.builder(Path.of("work")).trainingThreads(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trainingThreads must be in 1..256, was 0");
        assertThatThrownBy(() -> DistillerConfig.builder(Path.of("work")).threads(257).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be in 1..256, was 257");
        assertThatThrownBy(() -> DistillerConfig.builder(Path.of("work")).maxSequenceLength(4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSequenceLength must be in 8..512");
        assertThatThrownBy(() -> DistillerConfig.builder(Path.of("work")).memoryLimitBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memoryLimitBytes must be > 0");
    }
}
