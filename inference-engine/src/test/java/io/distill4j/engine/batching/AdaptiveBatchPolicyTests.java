package io.distill4j.engine.batching;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Decisions from recorded timings only: the same timings give the same batches. */
class AdaptiveBatchPolicyTests {

    private static final int BUCKET = 16;

    /** Records what a batch of each size class costs: {@code perItem[k]} nanoseconds per item at size 2^k. */
    private static AdaptiveBatchPolicy measured(int bucket, long... perItem) {
        AdaptiveBatchPolicy policy = new AdaptiveBatchPolicy();
        for (int k = 0; k < perItem.length; k++) {
            int size = 1 << k;
            policy.ran(bucket, size, perItem[k] * size);
        }
        return policy;
    }

    @Test
    void takesEveryWaitingItemWhenLargerBatchesKeepGettingCheaper() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 700, 500, 400, 300);
        assertThat(policy.batchSize(BUCKET, 16, 1, 32)).isEqualTo(16);
        assertThat(policy.batchSize(BUCKET, 12, 1, 32)).as("not a power of two: all of them").isEqualTo(12);
        assertThat(policy.batchSize(BUCKET, 40, 1, 16)).as("never above the cap").isEqualTo(16);
        assertThat(policy.batchSize(BUCKET, 40, 1, 32)).as("32 never measured: tried").isEqualTo(32);
        assertThat(policy.preferredBatchSize(BUCKET, 32)).isEqualTo(16);
        assertThat(policy.worthWaiting(BUCKET)).isTrue();
    }

    @Test
    void runsItemsOneByOneWhereBatchingDoesNotMakeThemCheaper() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 1000, 990, 1020, 1100);
        assertThat(policy.batchSize(BUCKET, 16, 1, 32)).isEqualTo(1);
        assertThat(policy.preferredBatchSize(BUCKET, 32)).isEqualTo(1);
        assertThat(policy.worthWaiting(BUCKET)).as("no company worth waiting for").isFalse();
    }

    @Test
    void aLargerBatchMustBeClearlyCheaperPerItem() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 970, 800);
        assertThat(policy.batchSize(BUCKET, 2, 1, 32)).as("3 % cheaper is within the margin").isEqualTo(1);
        assertThat(policy.batchSize(BUCKET, 4, 1, 32)).isEqualTo(4);
    }

    @Test
    void stopsAtTheCheapestSizeWhenLargerOnesCostMore() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 600, 500, 700, 900);
        assertThat(policy.batchSize(BUCKET, 16, 1, 32)).isEqualTo(4);
    }

    @Test
    void sharesTheWaitingItemsWithTheOtherIdleInstances() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 700, 500, 400, 300);
        assertThat(policy.batchSize(BUCKET, 16, 2, 32)).isEqualTo(8);
        assertThat(policy.batchSize(BUCKET, 3, 4, 32)).isEqualTo(1);
    }

    @Test
    void triesASizeNobodyHasMeasuredOnceEnoughItemsWait() {
        AdaptiveBatchPolicy policy = new AdaptiveBatchPolicy();
        assertThat(policy.batchSize(BUCKET, 1, 1, 32)).isEqualTo(1);
        assertThat(policy.batchSize(BUCKET, 8, 1, 32)).as("size class 2 unmeasured").isEqualTo(2);
        policy.ran(BUCKET, 1, 1000);
        policy.ran(BUCKET, 2, 1000);
        assertThat(policy.batchSize(BUCKET, 8, 1, 32)).as("size class 4 unmeasured").isEqualTo(4);
    }

    @Test
    void aBucketWithoutItsOwnTimingsUsesTheGainsMeasuredInOthers() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 700, 500, 400, 300);
        assertThat(policy.batchSize(128, 16, 1, 32)).isEqualTo(16);
        AdaptiveBatchPolicy flat = measured(BUCKET, 1000, 1000, 1000, 1000, 1000);
        assertThat(flat.batchSize(128, 16, 1, 32)).isEqualTo(1);
    }

    @Test
    void liveTimingsOverrideTheCalibration() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 700, 500, 400, 300);
        for (int i = 0; i < 40; i++) {
            policy.ran(BUCKET, 16, 16 * 1100);
        }
        assertThat(policy.batchSize(BUCKET, 16, 1, 32)).as("batches of 16 became dear: 8 is best").isEqualTo(8);
    }

    @Test
    void onceInAWhileMeasuresTheNextSizeUp() {
        AdaptiveBatchPolicy policy = measured(BUCKET, 1000, 1000, 1000, 1000, 1000);
        int explored = 0;
        for (int i = 1; i <= 3 * AdaptiveBatchPolicy.EXPLORE_EVERY; i++) {
            int size = policy.batchSize(BUCKET, 16, 1, 32);
            if (size != 1) {
                assertThat(size).isEqualTo(2);
                assertThat(i % AdaptiveBatchPolicy.EXPLORE_EVERY).isZero();
                explored++;
            }
        }
        assertThat(explored).isEqualTo(3);
    }

    @Test
    void theSameTimingsGiveTheSameDecisions() {
        long[] timings = {1000, 800, 640, 600, 590};
        AdaptiveBatchPolicy first = measured(BUCKET, timings);
        AdaptiveBatchPolicy second = measured(BUCKET, timings);
        for (int queued = 1; queued <= 40; queued++) {
            for (int idle = 1; idle <= 3; idle++) {
                assertThat(first.batchSize(BUCKET, queued, idle, 32)).isEqualTo(second.batchSize(BUCKET, queued, idle, 32));
            }
        }
        assertThat(first.describeGains(BUCKET, 16)).isEqualTo("2: 0.80, 4: 0.64, 8: 0.60, 16: 0.59");
    }
}
