package io.distill4j.pipeline.speed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.TaskType;

/**
 * A short speed measurement of a loaded text model on the engine, for the report's comparison of teacher
 * and students: the median latency of one text per call, and the throughput of calls of
 * {@value #BATCH} texts. It is a probe (a few seconds), not a benchmark: the figures guide a reader of
 * the report; the benchmarks in {@code docs/benchmarks.md} are measured apart.
 */
public final class SpeedProbe {

    /** Texts per call for the throughput figure. */
    public static final int BATCH = 32;

    private static final int WARM_UP = 3;

    private static final int LATENCY_CALLS = 30;

    private static final int THROUGHPUT_CALLS = 6;

    private SpeedProbe() {
    }

    /**
     * Measures {@code model}, which must be loaded.
     *
     * @param texts sample texts, at least one; reused round robin
     */
    public static Figures measure(InferenceEngine engine, String model, TaskType task, List<String> texts) {
        Objects.requireNonNull(engine, "engine");
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("texts must not be empty");
        }
        for (int i = 0; i < WARM_UP; i++) {
            call(engine, model, task, List.of(texts.get(i % texts.size())));
            call(engine, model, task, batch(texts, i));
        }
        long[] latencies = new long[LATENCY_CALLS];
        for (int i = 0; i < LATENCY_CALLS; i++) {
            List<String> one = List.of(texts.get(i % texts.size()));
            long start = System.nanoTime();
            call(engine, model, task, one);
            latencies[i] = System.nanoTime() - start;
        }
        Arrays.sort(latencies);
        long start = System.nanoTime();
        for (int i = 0; i < THROUGHPUT_CALLS; i++) {
            call(engine, model, task, batch(texts, i + 1));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Figures(latencies[LATENCY_CALLS / 2] / 1e6, THROUGHPUT_CALLS * BATCH / seconds);
    }

    private static List<String> batch(List<String> texts, int round) {
        List<String> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(texts.get((round * BATCH + i) % texts.size()));
        }
        return batch;
    }

    private static void call(InferenceEngine engine, String model, TaskType task, List<String> texts) {
        if (task == TaskType.TEXT_EMBEDDING) {
            engine.embed(model, texts);
        }
        else {
            engine.logits(model, texts);
        }
    }

    /**
     * @param p50LatencyMillis median milliseconds of a one-text call
     * @param throughput texts per second in calls of {@value #BATCH}
     */
    public record Figures(double p50LatencyMillis, double throughput) {

        public static final Figures UNKNOWN = new Figures(Double.NaN, Double.NaN);
    }
}
