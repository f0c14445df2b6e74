package io.distill4j.benchmarks;

/**
 * What one system did in one timed run.
 *
 * @param system the system's name
 * @param callers how many caller threads ran
 * @param calls completed calls
 * @param elapsedNanos from releasing the callers until the last one returned
 * @param sortedLatenciesNanos every call's latency, ascending
 * @param sentencesPerCall how many sentences each call embedded
 */
record RunResult(String system, int callers, long calls, long elapsedNanos, long[] sortedLatenciesNanos,
        int sentencesPerCall) {

    /** A run of calls that embed one sentence each. */
    RunResult(String system, int callers, long calls, long elapsedNanos, long[] sortedLatenciesNanos) {
        this(system, callers, calls, elapsedNanos, sortedLatenciesNanos, 1);
    }

    /** Sentences per second over the whole run. */
    double throughput() {
        return this.calls * (double) this.sentencesPerCall / (this.elapsedNanos / 1e9);
    }

    /**
     * A latency percentile in milliseconds, by the nearest-rank method.
     * @param quantile between 0 and 1, e.g. 0.5 for the median
     */
    double latencyMillis(double quantile) {
        long[] sorted = this.sortedLatenciesNanos;
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1] / 1e6;
    }
}
