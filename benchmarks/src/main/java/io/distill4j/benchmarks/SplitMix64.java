package io.distill4j.benchmarks;

/**
 * The random generator that {@link SyntheticData} and the PyTorch script ({@code train_speed.py}) share,
 * Steele, Lea and Flood's SplitMix64, so that both sides generate the same workload from the same seed.
 */
final class SplitMix64 {

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long next() {
        this.state += 0x9E3779B97F4A7C15L;
        long z = this.state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    int nextInt(int bound) {
        return (int) Long.remainderUnsigned(next(), bound);
    }

    /** Uniform in [0, 1) with 24 random bits: exact in a float. */
    float nextFloat() {
        return (next() >>> 40) * 0x1.0p-24f;
    }
}
