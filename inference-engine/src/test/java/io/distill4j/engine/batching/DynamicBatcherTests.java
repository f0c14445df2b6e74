package io.distill4j.engine.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.TransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DynamicBatcherTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** An item that holds the worker inside {@code process} until {@link #releaseWorker} opens. */
    private static final int BLOCKER = -1;

    /** Buckets by hundreds: 0..99 share bucket 0, 100..199 bucket 1, {@link #BLOCKER} bucket -1. */
    private static final ToIntFunction<Integer> BY_HUNDREDS = item -> Math.floorDiv(item, 100);

    private final CountDownLatch workerHeld = new CountDownLatch(1);

    private final CountDownLatch releaseWorker = new CountDownLatch(1);

    /** Every batch {@link #echo(List)} was called with, in call order. */
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();

    @AfterEach
    void letTheWorkerGo() {
        this.releaseWorker.countDown();
    }

    @Test
    void everyCallerGetsItsOwnResultsInOrderUnderConcurrency() throws Exception {
        int threads = 16;
        int perThread = 200;
        BatchingConfig config = BatchingConfig.builder().maxBatchSize(8).queueCapacity(threads * perThread).build();
        ToIntFunction<Integer> bucketKey = item -> item % 5;
        List<String> violations = new CopyOnWriteArrayList<>();
        ConcurrentHashMap<Integer, Boolean> processed = new ConcurrentHashMap<>();
        BatchProcessor<Integer, String> processor = batch -> {
            if (batch.size() > 8) {
                violations.add("batch of " + batch.size());
            }
            if (batch.stream().mapToInt(bucketKey).distinct().count() != 1) {
                violations.add("mixed buckets " + batch);
            }
            for (Integer item : batch) {
                if (processed.put(item, Boolean.TRUE) != null) {
                    violations.add("processed twice: " + item);
                }
            }
            return batch.stream().map(item -> "r" + item).collect(Collectors.toList());
        };
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("concurrent", config, bucketKey, processor,
                BatchListener.NONE)) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Callable<List<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    start.await();
                    List<CompletableFuture<String>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        futures.add(batcher.submit(thread * 1000 + i));
                    }
                    List<String> results = new ArrayList<>();
                    for (CompletableFuture<String> future : futures) {
                        results.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                    }
                    return results;
                });
            }
            List<Future<List<String>>> outcomes = callers.invokeAll(tasks, 30, TimeUnit.SECONDS);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                List<String> expected = IntStream.range(0, perThread)
                        .mapToObj(i -> "r" + (thread * 1000 + i))
                        .collect(Collectors.toList());
                assertThat(outcomes.get(t).get()).containsExactlyElementsOf(expected);
            }
        }
        finally {
            callers.shutdownNow();
        }
        assertThat(violations).isEmpty();
        assertThat(processed).hasSize(threads * perThread);
    }

    @Test
    void itemsQueuedWhileTheWorkerIsBusyShareBatchesOfAtMostMaxBatchSize() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = echoBatcher("coalesce", BatchingConfig.builder().maxBatchSize(4))) {
            CompletableFuture<String> blocker = occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 0, 10);
            assertThat(batcher.queueDepth()).isEqualTo(10);

            this.releaseWorker.countDown();

            assertThat(blocker).succeedsWithin(WAIT).isEqualTo("r-1");
            assertResults(futures, 0, 10);
            assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(0, 1, 2, 3), List.of(4, 5, 6, 7),
                    List.of(8, 9));
            assertThat(batcher.queueDepth()).isZero();
        }
    }

    @Test
    void aMaxBatchSizeOfOneRunsEveryItemAlone() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = echoBatcher("single", BatchingConfig.builder().maxBatchSize(1))) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 0, 5);

            this.releaseWorker.countDown();

            assertResults(futures, 0, 5);
            assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(0), List.of(1), List.of(2), List.of(3),
                    List.of(4));
        }
    }

    @Test
    void itemsOfDifferentBucketsNeverShareABatch() throws Exception {
        ToIntFunction<Integer> byRemainder = item -> Math.floorMod(item, 3);
        BatchingConfig config = BatchingConfig.builder().maxBatchSize(4).build();
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("buckets", config, byRemainder, this::echo,
                BatchListener.NONE)) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 0, 30);

            this.releaseWorker.countDown();

            assertResults(futures, 0, 30);
            List<List<Integer>> afterBlocker = this.batches.subList(1, this.batches.size());
            assertThat(afterBlocker).allSatisfy(
                    batch -> assertThat(batch.stream().map(byRemainder::applyAsInt).distinct()).hasSize(1));
            assertThat(afterBlocker).anySatisfy(batch -> assertThat(batch).hasSize(4));
            assertThat(afterBlocker.stream().mapToInt(List::size).sum()).isEqualTo(30);
        }
    }

    @Test
    void theBucketWhoseHeadIsOldestIsServedFirstEvenIfAnotherIsFull() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = echoBatcher("fair", BatchingConfig.builder().maxBatchSize(2))) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int item : new int[] { 300, 100, 101, 200, 102 }) {
                futures.add(batcher.submit(item));
            }

            this.releaseWorker.countDown();

            for (CompletableFuture<String> future : futures) {
                assertThat(future).succeedsWithin(WAIT);
            }
            // Bucket 1 is full, but bucket 3 holds the oldest item; then the oldest head decides each turn.
            assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(300), List.of(100, 101), List.of(200),
                    List.of(102));
        }
    }

    @Test
    void maxQueueDelayHoldsAPartialBatchBackToLetItFill() throws Exception {
        BatchingConfig.Builder config = BatchingConfig.builder().maxBatchSize(4).maxQueueDelay(Duration.ofSeconds(30));
        try (DynamicBatcher<Integer, String> batcher = echoBatcher("delay-fill", config)) {
            List<CompletableFuture<String>> futures = submitAll(batcher, 0, 1);
            // Time in which a worker without delay would dispatch item 0 alone.
            Thread.sleep(100);
            assertThat(futures.get(0)).isNotDone();
            futures.addAll(submitAll(batcher, 1, 4));

            // Dispatched as soon as the bucket is full, long before the 30 s delay.
            assertResults(futures, 0, 4);
            assertThat(this.batches).containsExactly(List.of(0, 1, 2, 3));
        }
    }

    @Test
    void aPartialBatchIsDispatchedOnceItsOldestItemHasWaitedMaxQueueDelay() throws Exception {
        Duration delay = Duration.ofMillis(200);
        AtomicInteger waitedMillis = new AtomicInteger(-1);
        long submitted = System.nanoTime();
        BatchingConfig config = BatchingConfig.builder().maxBatchSize(8).maxQueueDelay(delay).build();
        BatchProcessor<Integer, String> processor = batch -> {
            waitedMillis.set((int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitted));
            return echo(batch);
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("delay-expiry", config, BY_HUNDREDS,
                processor, BatchListener.NONE)) {
            CompletableFuture<String> future = batcher.submit(7);

            assertThat(future).succeedsWithin(WAIT).isEqualTo("r7");
            assertThat(waitedMillis.get()).isGreaterThanOrEqualTo(200);
            assertThat(this.batches).containsExactly(List.of(7));
        }
    }

    @Test
    void aFullBucketIsServedWhileTheOldestBucketWaitsForItsDelay() throws Exception {
        BatchingConfig.Builder config = BatchingConfig.builder().maxBatchSize(2).maxQueueDelay(Duration.ofSeconds(30));
        DynamicBatcher<Integer, String> batcher = echoBatcher("delay-full", config);
        CompletableFuture<String> waiting = batcher.submit(100);
        List<CompletableFuture<String>> full = submitAll(batcher, 200, 202);

        assertResults(full, 200, 202);
        assertThat(waiting).isNotDone();
        assertThat(batcher.queueDepth()).isOne();

        batcher.close();

        // Closing dispatches what is queued without waiting out the delay.
        assertThat(waiting).isCompletedWithValue("r100");
        assertThat(this.batches).containsExactly(List.of(200, 201), List.of(100));
    }

    @Test
    void aFailingItemFailsAloneWhileItsBatchMatesSucceed() throws Exception {
        List<IllegalArgumentException> thrown = new CopyOnWriteArrayList<>();
        BatchProcessor<Integer, String> processor = batch -> {
            List<String> results = echo(batch);
            if (batch.contains(3)) {
                IllegalArgumentException poison = new IllegalArgumentException("poison 3");
                thrown.add(poison);
                throw poison;
            }
            return results;
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("isolate", BatchingConfig.ofDefaults(),
                BY_HUNDREDS, processor, BatchListener.NONE)) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 1, 6);

            this.releaseWorker.countDown();

            assertThat(futures.get(0)).succeedsWithin(WAIT).isEqualTo("r1");
            assertThat(futures.get(1)).succeedsWithin(WAIT).isEqualTo("r2");
            assertThat(failure(futures.get(2))).isSameAs(thrown.get(thrown.size() - 1)).hasMessage("poison 3");
            assertThat(futures.get(3)).succeedsWithin(WAIT).isEqualTo("r4");
            assertThat(futures.get(4)).succeedsWithin(WAIT).isEqualTo("r5");
            assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(1, 2, 3, 4, 5), List.of(1), List.of(2),
                    List.of(3), List.of(4), List.of(5));
            assertThat(thrown).hasSize(2);
        }
    }

    @Test
    void anErrorFailsItsItemButLeavesTheWorkerRunning() throws Exception {
        OutOfMemoryError error = new OutOfMemoryError("simulated");
        BatchProcessor<Integer, String> processor = batch -> {
            if (batch.contains(7)) {
                throw error;
            }
            return echo(batch);
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("error", BatchingConfig.ofDefaults(),
                BY_HUNDREDS, processor, BatchListener.NONE)) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 6, 9);

            this.releaseWorker.countDown();

            assertThat(futures.get(0)).succeedsWithin(WAIT).isEqualTo("r6");
            assertThat(failure(futures.get(1))).isSameAs(error);
            assertThat(futures.get(2)).succeedsWithin(WAIT).isEqualTo("r8");
            assertThat(failure(batcher.submit(7))).isSameAs(error);
            assertThat(batcher.submit(9)).succeedsWithin(WAIT).isEqualTo("r9");
            assertThat(workerThread("error")).hasValueSatisfying(thread -> assertThat(thread.isAlive()).isTrue());
        }
    }

    @Test
    void aResultOfTheWrongSizeFailsEveryFutureOfTheBatch() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BatchProcessor<Integer, String> processor = batch -> {
            calls.incrementAndGet();
            List<String> results = echo(batch);
            return batch.contains(BLOCKER) ? results : results.subList(0, results.size() - 1);
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("wrong-size", BatchingConfig.ofDefaults(),
                BY_HUNDREDS, processor, BatchListener.NONE)) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 1, 4);

            this.releaseWorker.countDown();

            for (CompletableFuture<String> future : futures) {
                assertThat(failure(future)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("returned 2 outputs for 3 inputs");
            }
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aNullResultFailsTheFuture() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("null-result", BatchingConfig.ofDefaults(),
                BY_HUNDREDS, batch -> null, BatchListener.NONE)) {
            assertThat(failure(batcher.submit(1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("returned null for 1 inputs");
        }
    }

    @Test
    void aFullQueueRejectsAtOnceWithModelOverloadedNamingTheCapacity() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = echoBatcher("full", BatchingConfig.builder().queueCapacity(2))) {
            CompletableFuture<String> blocker = occupyWorker(batcher);
            List<CompletableFuture<String>> accepted = submitAll(batcher, 1, 3);

            assertThatThrownBy(() -> batcher.submit(3)).isInstanceOfSatisfying(ModelOverloadedException.class, ex -> {
                assertThat(ex.code()).isEqualTo(ErrorCode.OVERLOADED);
                assertThat(ex.subject()).hasValue("full");
                assertThat(ex.getMessage()).contains("queueCapacity").contains("2");
            });
            assertThat(batcher.queueDepth()).isEqualTo(2);

            this.releaseWorker.countDown();

            assertThat(blocker).succeedsWithin(WAIT);
            assertResults(accepted, 1, 3);
            assertThat(batcher.submit(3)).succeedsWithin(WAIT).isEqualTo("r3");
        }
    }

    @Test
    void closeRunsEveryQueuedItemBeforeReturning() throws Exception {
        DynamicBatcher<Integer, String> batcher = echoBatcher("drain", BatchingConfig.builder().maxBatchSize(2));
        CompletableFuture<String> blocker = occupyWorker(batcher);
        List<CompletableFuture<String>> accepted = submitAll(batcher, 0, 5);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(batcher::close);

        // Items keep being accepted until close() takes effect; each of them must still run.
        long deadline = System.nanoTime() + WAIT.toNanos();
        int next = 5;
        while (true) {
            try {
                accepted.add(batcher.submit(next));
                next++;
            }
            catch (IllegalStateException ex) {
                assertThat(ex).hasMessage("batcher drain is closed");
                break;
            }
            assertThat(System.nanoTime()).as("close() takes effect").isLessThan(deadline);
            Thread.sleep(1);
        }
        assertThat(closing).isNotDone();

        this.releaseWorker.countDown();

        assertThat(closing).succeedsWithin(WAIT);
        // close() returned, so every accepted item has already completed.
        assertThat(blocker).isCompletedWithValue("r-1");
        for (int i = 0; i < accepted.size(); i++) {
            assertThat(accepted.get(i)).isCompletedWithValue("r" + i);
        }
        assertThat(workerThread("drain")).isEmpty();
    }

    @Test
    void closeIsIdempotentAndSubmitAfterCloseIsRejected() {
        DynamicBatcher<Integer, String> batcher = echoBatcher("twice", BatchingConfig.builder());
        assertThat(workerThread("twice")).hasValueSatisfying(thread -> assertThat(thread.isDaemon()).isTrue());

        assertThat(batcher.isTerminated()).isFalse();
        batcher.close();
        batcher.close();

        assertThat(batcher.isTerminated()).isTrue();
        assertThat(workerThread("twice")).isEmpty();
        assertThatIllegalStateException().isThrownBy(() -> batcher.submit(1)).withMessage("batcher twice is closed");
    }

    @Test
    void anInterruptedCloseFailsTheQueuedItemsAsUnavailableAndKeepsTheInterrupt() throws Exception {
        DynamicBatcher<Integer, String> batcher = echoBatcher("interrupted", BatchingConfig.builder());
        CompletableFuture<String> blocker = occupyWorker(batcher);
        List<CompletableFuture<String>> queued = submitAll(batcher, 1, 3);

        Thread.currentThread().interrupt();
        batcher.close();

        assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
        assertFailedAsUnavailable(queued, "interrupted");
        assertThat(batcher.queueDepth()).isZero();
        this.releaseWorker.countDown();
        assertThat(blocker).succeedsWithin(WAIT).isEqualTo("r-1");
        assertThat(this.batches).containsExactly(List.of(BLOCKER));
        batcher.close();
        assertThat(workerThread("interrupted")).isEmpty();
    }

    @Test
    void aCloseThatTimesOutFailsTheQueuedItemsAsUnavailable() throws Exception {
        DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("timeout", BatchingConfig.ofDefaults(),
                BatchPolicy.greedy(), BY_HUNDREDS, List.<BatchProcessor<Integer, String>>of(this::echo),
                false, BatchListener.NONE, Duration.ofMillis(50));
        CompletableFuture<String> blocker = occupyWorker(batcher);
        List<CompletableFuture<String>> queued = submitAll(batcher, 1, 3);

        batcher.close();

        assertFailedAsUnavailable(queued, "timeout");
        assertThat(batcher.isTerminated()).as("a batch is still running").isFalse();
        this.releaseWorker.countDown();
        assertThat(blocker).succeedsWithin(WAIT).isEqualTo("r-1");
        assertThat(this.batches).containsExactly(List.of(BLOCKER));
        batcher.close();
        assertThat(batcher.isTerminated()).isTrue();
    }

    @Test
    void cancelledItemsAreNotProcessed() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = echoBatcher("cancel", BatchingConfig.builder())) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 1, 4);
            futures.get(1).cancel(false);

            this.releaseWorker.countDown();

            assertThat(futures.get(0)).succeedsWithin(WAIT).isEqualTo("r1");
            assertThat(futures.get(2)).succeedsWithin(WAIT).isEqualTo("r3");
            assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(1, 3));
        }
    }

    @Test
    void theListenerSeesEveryBatchAndEveryQueueDepth() throws Exception {
        List<Integer> depths = new CopyOnWriteArrayList<>();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        List<Long> nanos = new CopyOnWriteArrayList<>();
        BatchListener listener = new BatchListener() {
            @Override
            public void onBatch(int batchSize, long processNanos) {
                sizes.add(batchSize);
                nanos.add(processNanos);
            }

            @Override
            public void onQueueDepth(int depth) {
                depths.add(depth);
            }
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("listener", BatchingConfig.ofDefaults(),
                BY_HUNDREDS, this::echo, listener)) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 0, 3);

            this.releaseWorker.countDown();

            assertResults(futures, 0, 3);
            assertThat(sizes).containsExactly(1, 3);
            assertThat(nanos).allSatisfy(value -> assertThat(value).isNotNegative());
            assertThat(depths).containsExactly(1, 0, 1, 2, 3, 0);
        }
    }

    @Test
    void aThrowingListenerDoesNotBreakTheBatcher() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BatchListener listener = new BatchListener() {
            @Override
            public void onBatch(int batchSize, long processNanos) {
                calls.incrementAndGet();
                throw new AssertionError("listener error");
            }

            @Override
            public void onQueueDepth(int depth) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener failure");
            }
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("bad-listener",
                BatchingConfig.ofDefaults(), BY_HUNDREDS, this::echo, listener)) {
            occupyWorker(batcher);
            List<CompletableFuture<String>> futures = submitAll(batcher, 0, 3);

            this.releaseWorker.countDown();

            assertResults(futures, 0, 3);
            assertThat(batcher.submit(3)).succeedsWithin(WAIT).isEqualTo("r3");
            assertThat(calls.get()).isGreaterThanOrEqualTo(10);
        }
    }

    /** Records the batch, holds the worker if the batch holds {@link #BLOCKER}, and returns "r" + item. */
    @Test
    void instancesRunBatchesSideBySideAndEachAnswerGoesToItsCaller() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger overlapping = new AtomicInteger();
        BatchProcessor<Integer, String> meetsTheOther = batch -> {
            if (started.getAndIncrement() < 2) {
                together.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                overlapping.incrementAndGet();
            }
            return echo(batch);
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("pair", BatchingConfig.ofDefaults(),
                BatchPolicy.unbatched(), BY_HUNDREDS, List.of(meetsTheOther, meetsTheOther), false, BatchListener.NONE)) {
            assertThat(batcher.instances()).isEqualTo(2);
            List<CompletableFuture<String>> answers = submitAll(batcher, 0, 40);
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("r" + i);
            }
            assertThat(overlapping.get()).as("both instances were inside a batch at once").isEqualTo(2);
            assertThat(this.batches).allSatisfy(batch -> assertThat(batch).hasSize(1));
        }
    }

    @Test
    void closeStopsEveryInstancesWorker() {
        DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("trio", BatchingConfig.ofDefaults(),
                BatchPolicy.greedy(), BY_HUNDREDS, List.<BatchProcessor<Integer, String>>of(this::echo, this::echo,
                        this::echo), false, BatchListener.NONE);
        assertThat(IntStream.range(0, 3).mapToObj(i -> workerThread("trio-" + i))).allMatch(Optional::isPresent);

        batcher.close();

        assertThat(batcher.isTerminated()).isTrue();
        assertThat(IntStream.range(0, 3).mapToObj(i -> workerThread("trio-" + i))).allMatch(Optional::isEmpty);
    }

    @Test
    void thePolicyDecidesTheBatchSizeAndLearnsWhatEachBatchCost() throws Exception {
        List<String> decisions = new CopyOnWriteArrayList<>();
        BatchPolicy twoAtATime = new BatchPolicy() {
            @Override
            public int batchSize(int bucket, int queued, int idleInstances, int maxBatchSize) {
                decisions.add("ask " + queued);
                return Math.min(2, queued);
            }

            @Override
            public void ran(int bucket, int size, long nanos) {
                decisions.add("ran " + size);
            }

            @Override
            public String describe() {
                return "two";
            }
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("two", BatchingConfig.ofDefaults(),
                twoAtATime, BY_HUNDREDS, List.<BatchProcessor<Integer, String>>of(this::echo), false, BatchListener.NONE)) {
            CompletableFuture<String> blocker = occupyWorker(batcher);
            List<CompletableFuture<String>> queued = submitAll(batcher, 1, 6);
            this.releaseWorker.countDown();
            blocker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (CompletableFuture<String> answer : queued) {
                answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(decisions).containsSubsequence("ask 5", "ran 2", "ask 3", "ran 2", "ask 1", "ran 1");
    }

    @Test
    void aLoneItemRunsOnItsCallersThreadWhenCallerRunsIsOn() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        BatchProcessor<Integer, String> recording = batch -> {
            threads.add(Thread.currentThread().getName());
            return echo(batch);
        };
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("direct", BatchingConfig.ofDefaults(),
                BatchPolicy.greedy(), BY_HUNDREDS, List.of(recording), true, BatchListener.NONE)) {
            CompletableFuture<String> answer = batcher.submit(7);
            assertThat(answer).as("answered before submit returned").isCompletedWithValue("r7");
            assertThat(threads).containsExactly(Thread.currentThread().getName());
        }
    }

    @Test
    void itemsThatFindEveryInstanceBusyQueueForTheWorkersEvenWhenCallerRunsIsOn() throws Exception {
        try (DynamicBatcher<Integer, String> batcher = new DynamicBatcher<>("busy", BatchingConfig.ofDefaults(),
                BatchPolicy.greedy(), BY_HUNDREDS, List.<BatchProcessor<Integer, String>>of(this::echo), true,
                BatchListener.NONE)) {
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<CompletableFuture<String>> blocker = caller.submit(() -> batcher.submit(BLOCKER));
                assertThat(this.workerHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                List<CompletableFuture<String>> queued = submitAll(batcher, 1, 4);
                assertThat(queued).noneMatch(CompletableFuture::isDone);
                this.releaseWorker.countDown();
                blocker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                for (int i = 0; i < queued.size(); i++) {
                    assertThat(queued.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("r" + (i + 1));
                }
            }
            finally {
                caller.shutdownNow();
            }
            assertThat(this.batches).containsExactly(List.of(BLOCKER), List.of(1, 2, 3));
        }
    }

    private List<String> echo(List<Integer> batch) throws InterruptedException {
        this.batches.add(List.copyOf(batch));
        if (batch.contains(BLOCKER)) {
            this.workerHeld.countDown();
            if (!this.releaseWorker.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("test never released the worker");
            }
        }
        return batch.stream().map(item -> "r" + item).collect(Collectors.toList());
    }

    private DynamicBatcher<Integer, String> echoBatcher(String name, BatchingConfig.Builder config) {
        return new DynamicBatcher<>(name, config.build(), BY_HUNDREDS, this::echo, BatchListener.NONE);
    }

    /** Submits {@link #BLOCKER} and returns once the worker is held inside {@code process}. */
    private CompletableFuture<String> occupyWorker(DynamicBatcher<Integer, String> batcher)
            throws InterruptedException {
        CompletableFuture<String> blocker = batcher.submit(BLOCKER);
        assertThat(this.workerHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("worker held").isTrue();
        assertThat(batcher.queueDepth()).isZero();
        return blocker;
    }

    private static List<CompletableFuture<String>> submitAll(DynamicBatcher<Integer, String> batcher, int from,
            int to) {
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int item = from; item < to; item++) {
            futures.add(batcher.submit(item));
        }
        return futures;
    }

    private static void assertResults(List<CompletableFuture<String>> futures, int from, int to) {
        assertThat(futures).hasSize(to - from);
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i)).succeedsWithin(WAIT).isEqualTo("r" + (from + i));
        }
    }

    private static void assertFailedAsUnavailable(List<CompletableFuture<String>> futures, String name)
            throws Exception {
        for (CompletableFuture<String> future : futures) {
            assertThat(failure(future)).isInstanceOfSatisfying(TransientException.class, ex -> {
                assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(ex.subject()).hasValue(name);
                assertThat(ex.getMessage()).contains("shutting down");
            });
        }
    }

    /** The throwable a future failed with; fails the test if it succeeds or does not complete in time. */
    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        }
        catch (ExecutionException ex) {
            return ex.getCause();
        }
    }

    private static Optional<Thread> workerThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("distill4j-batcher-" + name)).findFirst();
    }
}
