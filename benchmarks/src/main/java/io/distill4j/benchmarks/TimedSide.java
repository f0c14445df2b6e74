package io.distill4j.benchmarks;

import java.util.Arrays;

import tools.jackson.databind.JsonNode;

/**
 * One side's timed training steps in one round of a speed comparison, read from its JSON result (the DJL
 * side's or the PyTorch script's, which carry the same fields).
 *
 * @param side who trained, as the table shows it: {@code DJL}, {@code PyTorch}
 * @param round the round, counted from 1
 * @param steps the timed steps as calls of {@code batch} sentences each: their count, total time and
 *     per-step times
 * @param trainingThreadCpuSeconds CPU time of the training thread over the timed steps: at one intra-op
 *     thread all of the side's work, steadier than wall time on a machine that runs other work too; NaN if
 *     the result has none
 * @param peakRssBytes the side's process's peak resident memory, or {@link PeakMemory#UNKNOWN}
 */
record TimedSide(String side, int round, RunResult steps, double trainingThreadCpuSeconds, long peakRssBytes) {

    /**
     * Reads {@code step_seconds} (every timed step's wall time), {@code main_thread_cpu_seconds} and
     * {@code peak_rss_bytes} from a side's result.
     * @throws BenchmarkException if the result holds no step times
     */
    static TimedSide of(String side, int round, JsonNode result, int batch) {
        JsonNode stepSeconds = result.path("step_seconds");
        if (!stepSeconds.isArray() || stepSeconds.isEmpty()) {
            throw new BenchmarkException(side + "'s result holds no step_seconds: " + result);
        }
        long[] nanos = new long[stepSeconds.size()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = Math.round(stepSeconds.get(i).asDouble() * 1e9);
        }
        long total = Arrays.stream(nanos).sum();
        Arrays.sort(nanos);
        return new TimedSide(side, round, new RunResult(side, 1, nanos.length, total, nanos, batch),
                result.path("main_thread_cpu_seconds").asDouble(Double.NaN),
                result.path("peak_rss_bytes").asLong(PeakMemory.UNKNOWN));
    }

    /** Timed steps per second. */
    double stepsPerSecond() {
        return this.steps.calls() / (this.steps.elapsedNanos() / 1e9);
    }

    /** The training thread's CPU time per timed step, in milliseconds. */
    double trainingThreadCpuMillisPerStep() {
        return this.trainingThreadCpuSeconds * 1000 / this.steps.calls();
    }

    /** Sentences (rows) per second. */
    double sentencesPerSecond() {
        return this.steps.throughput();
    }
}
