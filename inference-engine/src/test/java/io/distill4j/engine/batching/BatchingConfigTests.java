package io.distill4j.engine.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingConfigTests {

    @Test
    void defaultsBatchUpToThirtyTwoWithoutDelayAndQueueUpTo1024() {
        BatchingConfig config = BatchingConfig.ofDefaults();

        assertThat(config.maxBatchSize()).isEqualTo(32);
        assertThat(config.maxQueueDelay()).isEqualTo(Duration.ZERO);
        assertThat(config.queueCapacity()).isEqualTo(1024);
        assertThat(BatchingConfig.builder().build()).isEqualTo(config);
    }

    @Test
    void builderSetsEveryValue() {
        BatchingConfig config = BatchingConfig.builder()
                .maxBatchSize(8)
                .maxQueueDelay(Duration.ofMillis(5))
                .queueCapacity(100)
                .policy(BatchPolicy.Kind.GREEDY)
                .build();

        assertThat(config.maxBatchSize()).isEqualTo(8);
        assertThat(config.maxQueueDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.queueCapacity()).isEqualTo(100);
        assertThat(config.policy()).isEqualTo(BatchPolicy.Kind.GREEDY);
        assertThat(config).hasToString("BatchingConfig[maxBatchSize=8, maxQueueDelay=PT0.005S, queueCapacity=100, "
                + "policy=greedy]");
        assertThat(BatchingConfig.from(config).build()).isEqualTo(config);
    }

    @Test
    void fromCopiesABaseConfigAndLeavesItUnchanged() {
        BatchingConfig base = BatchingConfig.builder().maxBatchSize(4).queueCapacity(10).build();

        BatchingConfig derived = BatchingConfig.from(base).maxQueueDelay(Duration.ofMillis(1)).build();

        assertThat(derived.maxBatchSize()).isEqualTo(4);
        assertThat(derived.queueCapacity()).isEqualTo(10);
        assertThat(derived.maxQueueDelay()).isEqualTo(Duration.ofMillis(1));
        assertThat(base.maxQueueDelay()).isEqualTo(Duration.ZERO);
        assertThat(derived).isNotEqualTo(base);
    }

    @Test
    void maxBatchSizeBelowOneIsRejectedNamingFieldAndLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> BatchingConfig.builder().maxBatchSize(0))
                .withMessage("maxBatchSize must be >= 1, was 0");
    }

    @Test
    void negativeMaxQueueDelayIsRejectedNamingFieldAndLimit() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BatchingConfig.builder().maxQueueDelay(Duration.ofMillis(-1)))
                .withMessage("maxQueueDelay must be >= 0, was PT-0.001S");
        assertThatNullPointerException().isThrownBy(() -> BatchingConfig.builder().maxQueueDelay(null))
                .withMessage("maxQueueDelay");
    }

    @Test
    void queueCapacityBelowOneIsRejectedNamingFieldAndLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> BatchingConfig.builder().queueCapacity(-5))
                .withMessage("queueCapacity must be >= 1, was -5");
    }
}
