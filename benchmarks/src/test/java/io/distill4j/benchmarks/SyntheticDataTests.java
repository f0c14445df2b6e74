package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntheticDataTests {

    @Test
    void defaultWorkloadHasTheChecksumThePythonScriptComputes() {
        // The value benchmarks/python/train_speed.py prints as data_checksum for its default flags.
        SyntheticData data = SyntheticData.generate(workload("--out", "x.json"));

        assertThat(data.checksum()).isEqualTo("dfccb9e76b641b29");
    }

    @Test
    void smallWorkloadHasTheChecksumThePythonScriptComputes() {
        // train_speed.py's workload() with --seed 7 --batch 4 --min-length 3 --max-length 5 --vocab 100 --classes 5.
        SyntheticData data = SyntheticData.generate(workload("--seed", "7", "--batch", "4", "--min-length", "3",
                "--max-length", "5", "--vocab", "100", "--classes", "5"));

        assertThat(data.checksum()).isEqualTo("e0d12c0acd93ed12");
    }

    @Test
    void oneEpochHoldsFiftyBatchesOfExamplesWithinTheWorkloadsBounds() {
        TrainingWorkload workload = workload("--seed", "7", "--batch", "4", "--min-length", "3", "--max-length", "5",
                "--vocab", "100", "--classes", "5");

        SyntheticData data = SyntheticData.generate(workload);

        assertThat(data.ids().length).isEqualTo(TrainingWorkload.BATCHES_PER_EPOCH * 4);
        for (int i = 0; i < data.ids().length; i++) {
            assertThat(data.ids()[i].length).isBetween(3, 5);
            for (long id : data.ids()[i]) {
                assertThat(id).isBetween(0L, 99L);
            }
            float[] logits = data.teacher()[i];
            assertThat(logits).hasSize(5);
            for (float logit : logits) {
                assertThat(logit).isGreaterThanOrEqualTo(-4f).isLessThan(4f);
            }
            assertThat(logits[(int) data.labels()[i]]).isEqualTo(max(logits));
        }
    }

    @Test
    void headKeepsTheFirstRowsAndTheChecksum() {
        SyntheticData data = SyntheticData.generate(workload("--batch", "2"));

        SyntheticData head = data.head(3);

        assertThat(head.ids().length).isEqualTo(3);
        assertThat(head.ids()[2]).isSameAs(data.ids()[2]);
        assertThat(head.labels()).containsExactly(data.labels()[0], data.labels()[1], data.labels()[2]);
        assertThat(head.teacher().length).isEqualTo(3);
        assertThat(head.teacher()[0]).isSameAs(data.teacher()[0]);
        assertThat(head.checksum()).isEqualTo(data.checksum());
        assertThat(data.head(1_000_000).ids().length).isEqualTo(data.ids().length);
    }

    private static TrainingWorkload workload(String... args) {
        return TrainingSpeedOptions.parse(args).workload();
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float value : values) {
            max = Math.max(max, value);
        }
        return max;
    }
}
