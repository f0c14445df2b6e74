package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The trainer's batch order: every example once per epoch, in batches of similar length, the same for a seed. */
class LengthBucketsTests {

    @Test
    void batchesCoverEveryExampleOnceAndGroupSimilarLengths() {
        Random lengthsRandom = new Random(9);
        int[] lengths = new int[1000];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 1 + lengthsRandom.nextInt(64);
        }
        List<int[]> batches = LengthBuckets.batches(lengths, 32, new Random(42));
        int[] seen = new int[lengths.length];
        double spread = 0;
        for (int[] batch : batches) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int index : batch) {
                seen[index]++;
                min = Math.min(min, lengths[index]);
                max = Math.max(max, lengths[index]);
            }
            spread += max - min;
        }
        assertThat(seen).containsOnly(1);
        // Random batches of 32 from lengths 1..64 would span ~60 tokens; buckets span a few.
        assertThat(spread / batches.size()).isLessThan(10);
        assertThat(LengthBuckets.batches(lengths, 32, new Random(42)))
                .usingRecursiveComparison().isEqualTo(batches);
    }
}
