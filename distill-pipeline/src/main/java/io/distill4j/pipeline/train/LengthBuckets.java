package io.distill4j.pipeline.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The trainer's batch order: batches of examples of similar length, in a seeded random order. */
final class LengthBuckets {

    private LengthBuckets() {
    }

    /**
     * Batches of indices: shuffled, then sorted by length within windows of 50 batches, cut into batches
     * and the batches shuffled, so each batch holds texts of similar length while the order stays random.
     */
    static List<int[]> batches(int[] lengths, int batchSize, Random random) {
        int[] order = new int[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int window = batchSize * 50;
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += window) {
            int to = Math.min(order.length, from + window);
            Integer[] slice = new Integer[to - from];
            for (int i = from; i < to; i++) {
                slice[i - from] = order[i];
            }
            Arrays.sort(slice, (a, b) -> Integer.compare(lengths[a], lengths[b]));
            for (int b = 0; b < slice.length; b += batchSize) {
                int end = Math.min(slice.length, b + batchSize);
                int[] batch = new int[end - b];
                for (int i = b; i < end; i++) {
                    batch[i - b] = slice[i];
                }
                batches.add(batch);
            }
        }
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int[] swap = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, swap);
        }
        return batches;
    }
}
