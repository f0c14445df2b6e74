package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.distill4j.pipeline.cache.SoftTargets;
import org.junit.jupiter.api.Test;

/** The one encoding of a run's identity: the hash of its components and the digest of its data. */
class RunFingerprintTests {

    private static EncodedSplit split(long firstId, long label, float teacher) {
        return new EncodedSplit(new long[][] {{101, firstId, 102}, {101, 7, 8, 102}},
                new long[] {label, 2}, SoftTargets.of(new float[][] {{teacher, 0f, -1f}, {0f, 1f, 2f}}));
    }

    private static EncodedSplit large(float last) {
        int rows = 3000;
        long[][] ids = new long[rows][];
        long[] labels = new long[rows];
        float[][] teacher = new float[rows][3];
        for (int i = 0; i < rows; i++) {
            ids[i] = new long[] {101, i, i + 1, 102};
        }
        teacher[rows - 1][2] = last;
        return new EncodedSplit(ids, labels, SoftTargets.of(teacher));
    }

    @Test
    void theHashEncodesNamesAndValuesUnambiguouslyInNameOrder() {
        assertThat(RunFingerprint.of(Map.of("a", "bc")).hash()).isNotEqualTo(RunFingerprint.of(Map.of("ab", "c")).hash());
        assertThat(RunFingerprint.of(Map.of("a", "1", "b", "2")).hash())
                .isEqualTo(RunFingerprint.of(Map.of("b", "2", "a", "1")).hash())
                .hasSize(64);
        assertThat(RunFingerprint.of(Map.of("a", "1")).hash()).isNotEqualTo(RunFingerprint.of(Map.of("a", "2")).hash());
    }

    @Test
    void theDataDigestCoversEveryRowAndTheSplitBoundary() {
        EncodedSplit one = split(5, 0, 1f);
        EncodedSplit two = split(6, 1, 1f);
        String digest = RunFingerprint.data(List.of(one, two));
        assertThat(RunFingerprint.data(List.of(split(5, 0, 1f), split(6, 1, 1f)))).isEqualTo(digest);
        assertThat(RunFingerprint.data(List.of(two, one))).isNotEqualTo(digest);
        assertThat(RunFingerprint.data(List.of(one))).isNotEqualTo(digest);
        assertThat(RunFingerprint.data(List.of(split(5, 1, 1f), two))).as("a hard label").isNotEqualTo(digest);
        // Rows far past the digest's buffer are all counted.
        assertThat(RunFingerprint.data(List.of(large(0f)))).isNotEqualTo(RunFingerprint.data(List.of(large(1f))));
    }

    @Test
    void differencesNameEachComponentThatDiffers() {
        RunFingerprint fingerprint = RunFingerprint.of(Map.of("data", "d1", "trainer", "t1"));
        assertThat(fingerprint.differences(Map.of("data", "d1", "trainer", "t1"))).isEmpty();
        assertThat(fingerprint.differences(Map.of("data", "d2", "trainer", "t1")))
                .isEqualTo("; data: checkpoint has d2, this run has d1");
    }
}
