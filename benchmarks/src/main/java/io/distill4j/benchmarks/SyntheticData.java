package io.distill4j.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * One epoch of {@link TrainingSpeedBenchmark}'s examples, as the PyTorch script generates them: per example
 * its length, its token ids, the teacher's logits uniform in [-4, 4) and the hard label (the teacher's
 * argmax); and a checksum of all of it, which both sides print so that a mismatch fails the run.
 */
record SyntheticData(long[][] ids, long[] labels, float[][] teacher, String checksum) {

    /** {@link TrainingWorkload#BATCHES_PER_EPOCH} batches drawn from {@link SplitMix64} seeded with the workload's seed. */
    static SyntheticData generate(TrainingWorkload workload) {
        int rows = TrainingWorkload.BATCHES_PER_EPOCH * workload.batch();
        SplitMix64 random = new SplitMix64(workload.seed());
        long[][] ids = new long[rows][];
        long[] labels = new long[rows];
        float[][] teacher = new float[rows][workload.classes()];
        long checksum = 0;
        for (int i = 0; i < rows; i++) {
            int length = workload.minLength() + random.nextInt(workload.maxLength() - workload.minLength() + 1);
            ids[i] = new long[length];
            for (int t = 0; t < length; t++) {
                ids[i][t] = random.nextInt(workload.vocab());
            }
            int label = 0;
            for (int c = 0; c < workload.classes(); c++) {
                teacher[i][c] = random.nextFloat() * 8f - 4f;
                label = teacher[i][c] > teacher[i][label] ? c : label;
            }
            labels[i] = label;
            checksum = checksum * 31 + length;
            for (long id : ids[i]) {
                checksum = checksum * 31 + id;
            }
            for (float value : teacher[i]) {
                checksum = checksum * 31 + Integer.toUnsignedLong(Float.floatToIntBits(value));
            }
            checksum = checksum * 31 + label;
        }
        return new SyntheticData(ids, labels, teacher, String.format(Locale.ROOT, "%016x", checksum));
    }

    /** The first {@code rows} examples (all if there are fewer), with the same arrays' rows. */
    SyntheticData head(int rows) {
        int n = Math.min(rows, this.ids.length);
        return new SyntheticData(Arrays.copyOf(this.ids, n), Arrays.copyOf(this.labels, n),
                Arrays.copyOf(this.teacher, n), this.checksum);
    }
}
