package io.distill4j.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives one system with N caller threads for a fixed time. Each caller embeds one sentence per call,
 * drawing the next sentence from a list shared by all callers, so every run of every system starts at
 * the same sentence and walks the same sequence. Each call's latency is recorded.
 *
 * <p>A failing call stops the run, and the failure is rethrown once every caller has returned.
 */
final class LoadDriver {

    private final List<String> sentences;

    /** @param sentences the real sentences to embed, in the order callers take them */
    LoadDriver(List<String> sentences) {
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("no sentences to embed");
        }
        this.sentences = List.copyOf(sentences);
    }

    /** Runs {@code callers} threads against {@code system} until {@code duration} has passed. */
    RunResult run(EmbeddingSystem system, int callers, Duration duration) {
        BenchmarkSupport.settle();
        AtomicInteger cursor = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong deadlineNanos = new AtomicLong();
        LatencyLog[] logs = new LatencyLog[callers];
        List<Thread> threads = new ArrayList<>(callers);
        for (int i = 0; i < callers; i++) {
            LatencyLog log = new LatencyLog();
            logs[i] = log;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long deadline = deadlineNanos.get();
                    while (!stop.get() && System.nanoTime() < deadline) {
                        int next = Math.floorMod(cursor.getAndIncrement(), this.sentences.size());
                        String text = this.sentences.get(next);
                        long began = System.nanoTime();
                        float[] vector = system.embed(text);
                        long took = System.nanoTime() - began;
                        if (vector == null || vector.length == 0) {
                            throw new BenchmarkException(system.name() + " returned no vector");
                        }
                        log.add(took);
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                    stop.set(true);
                }
            }, system.name() + "-caller-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long began = System.nanoTime();
        deadlineNanos.set(began + duration.toNanos());
        start.countDown();
        joinAll(threads, system, duration);
        long elapsed = System.nanoTime() - began;
        if (failure.get() != null) {
            throw new BenchmarkException(system.name() + " failed with " + callers + " callers", failure.get());
        }
        return new RunResult(system.name(), callers, Arrays.stream(logs).mapToLong(LatencyLog::size).sum(), elapsed,
                LatencyLog.mergeSorted(logs));
    }

    private static void joinAll(List<Thread> threads, EmbeddingSystem system, Duration duration) {
        long patience = duration.toMillis() + TimeUnit.MINUTES.toMillis(2);
        long giveUpAt = System.currentTimeMillis() + patience;
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, giveUpAt - System.currentTimeMillis()));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new BenchmarkException("interrupted while waiting for " + system.name(), ex);
            }
            if (thread.isAlive()) {
                throw new BenchmarkException(
                        system.name() + ": a call did not return within 2 minutes of the deadline");
            }
        }
    }

    /** A growable list of latencies owned by one caller thread. */
    private static final class LatencyLog {

        private long[] values = new long[1024];

        private int size;

        void add(long nanos) {
            if (this.size == this.values.length) {
                this.values = Arrays.copyOf(this.values, this.size * 2);
            }
            this.values[this.size++] = nanos;
        }

        int size() {
            return this.size;
        }

        static long[] mergeSorted(LatencyLog[] logs) {
            int total = 0;
            for (LatencyLog log : logs) {
                total += log.size;
            }
            long[] all = new long[total];
            int at = 0;
            for (LatencyLog log : logs) {
                System.arraycopy(log.values, 0, all, at, log.size);
                at += log.size;
            }
            Arrays.sort(all);
            return all;
        }
    }
}
