package io.distill4j.engine.batching;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.TransientException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects single requests from many threads into batches for one {@link BatchProcessor}.
 *
 * <p>{@link #submit(Object)} puts an item in the FIFO queue of its bucket (given by the bucket-key
 * function, for example the sequence-length class of a text, so that a batch holds inputs of similar
 * length) and returns a future for its own result. One daemon worker thread per <em>instance</em> (one
 * {@link BatchProcessor} each, say a model session, or concurrent runs of one session), named
 * {@code distill4j-batcher-<name>} (with {@code -<instance>} when there are several), repeatedly takes items
 * from one bucket and runs them as a batch on its instance:
 * <ul>
 * <li>It serves the bucket whose head item is oldest, so no bucket starves, and takes as many of its items as
 * the {@link BatchPolicy} says (never more than {@link BatchingConfig#maxBatchSize()}), which it tells how long
 * every batch took. With a {@link BatchingConfig#maxQueueDelay()} above zero it holds that bucket back, while it
 * is not full and the policy finds company {@linkplain BatchPolicy#worthWaiting worth waiting for}, until its
 * oldest item has waited that long; meanwhile a bucket that is full is served at once.</li>
 * <li>With a zero delay (the default) it dispatches at once, so a lone caller pays no batching
 * latency; batches form from the items that queue up while every instance is busy. A batcher that lets
 * callers run goes one step further: an item that finds an instance free and nothing queued runs on the
 * caller's thread inside {@link #submit}, with no hand-over to a worker and back.</li>
 * <li>Output {@code i} of a batch completes the future of item {@code i}. If the processor returns a
 * list of the wrong size, every future of the batch fails with an {@link IllegalStateException}.</li>
 * <li>If the processor throws for a batch of several items, each of them is run again alone, so only
 * the items that fail on their own are failed, each with the (unwrapped) throwable of its own run.
 * Errors such as {@link OutOfMemoryError} are handled the same way and do not stop the worker.</li>
 * <li>Items whose future is already done when their batch is formed (cancelled, or completed by a
 * caller-side timeout) are dropped without being processed.</li>
 * </ul>
 *
 * <p>The queue is bounded by {@link BatchingConfig#queueCapacity()} items across all buckets (the
 * batch being processed does not count); beyond it {@link #submit(Object)} throws
 * {@link ModelOverloadedException} at once.
 *
 * <p>The batcher owns its worker threads and nothing else: the processors, and whatever they hold (such
 * as model sessions), belong to the caller, who must close them only after {@link #close()} returned.
 * {@link #close()} stops accepting items, lets every queued item run, and waits for the workers to
 * finish; it is idempotent. All methods are thread-safe.
 *
 * @param <I> type of one request
 * @param <O> type of one result
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

    /** How long {@link #close()} waits for queued items to drain before giving up on them. */
    static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger logger = LoggerFactory.getLogger(DynamicBatcher.class);

    private final String name;

    private final int maxBatchSize;

    private final int queueCapacity;

    private final long maxQueueDelayNanos;

    private final long closeTimeoutNanos;

    private final ToIntFunction<? super I> bucketKey;

    private final List<BatchProcessor<I, O>> processors;

    private final BatchPolicy policy;

    private final BatchListener listener;

    private final AtomicBoolean closed = new AtomicBoolean();

    private final ReentrantLock lock = new ReentrantLock();

    /** Signalled when the worker may have something new to do: first item, a bucket filled, close. */
    private final Condition workAvailable = this.lock.newCondition();

    /** Buckets that hold at least one queued item, by key. Guarded by {@link #lock}. */
    private final Map<Integer, Bucket<I, O>> buckets = new HashMap<>();

    /** Queued items across all buckets. Guarded by {@link #lock}. */
    private int queued;

    /** Arrival order of items; the smallest head sequence marks the oldest bucket. Guarded by {@link #lock}. */
    private long nextSequence;

    /** Whether {@link #close()} has begun; the workers exit once this is set and the queue is empty. Guarded by {@link #lock}. */
    private boolean closing;

    /** Instances running nothing, by index, the most recently freed first. Guarded by {@link #lock}. */
    private final ArrayDeque<Integer> freeInstances = new ArrayDeque<>();

    /** Signalled when the last running instance is freed. */
    private final Condition allFree = this.lock.newCondition();

    /** Signalled whenever an instance is freed, for {@link #withIdleInstance}. */
    private final Condition instanceFreed = this.lock.newCondition();

    /** Whether a request may run on its caller's thread; see the constructor. */
    private final boolean callerRuns;

    private final List<Thread> workers;

    /**
     * Creates a batcher with one instance that takes every waiting item up to the cap ({@link BatchPolicy#greedy()}),
     * and starts its worker thread.
     * @param name name of the batcher, typically the model id; used in the worker's thread name and as
     *     the subject of the exceptions it raises
     * @param config batch size, queue delay and queue capacity
     * @param bucketKey gives the bucket of an item; only items of equal keys share a batch
     * @param processor runs the batches; called from the worker thread only
     * @param listener metrics hook, {@link BatchListener#NONE} for none
     */
    public DynamicBatcher(String name, BatchingConfig config, ToIntFunction<I> bucketKey,
            BatchProcessor<I, O> processor, BatchListener listener) {
        this(name, config, BatchPolicy.greedy(), bucketKey, List.of(processor), false, listener, DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Creates a batcher with one instance per processor and starts their worker threads.
     * @param name name of the batcher, typically the model id; used in the workers' thread names and as
     *     the subject of the exceptions it raises
     * @param config batch size cap, queue delay and queue capacity
     * @param policy decides each batch's size; told every batch's time
     * @param bucketKey gives the bucket of an item; only items of equal keys share a batch
     * @param processors one per instance; an instance runs one batch at a time
     * @param callerRuns whether an item submitted while nothing is queued and an instance is free runs at once on the
     *     caller's thread (inside {@link #submit}), with no hand-over to a worker and back: what a lone caller's
     *     latency wants; {@code false} leaves every run to the workers
     * @param listener metrics hook, {@link BatchListener#NONE} for none
     */
    public DynamicBatcher(String name, BatchingConfig config, BatchPolicy policy, ToIntFunction<I> bucketKey,
            List<? extends BatchProcessor<I, O>> processors, boolean callerRuns, BatchListener listener) {
        this(name, config, policy, bucketKey, processors, callerRuns, listener, DEFAULT_CLOSE_TIMEOUT);
    }

    DynamicBatcher(String name, BatchingConfig config, BatchPolicy policy, ToIntFunction<I> bucketKey,
            List<? extends BatchProcessor<I, O>> processors, boolean callerRuns, BatchListener listener,
            Duration closeTimeout) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(processors, "processors");
        if (processors.isEmpty() || processors.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("processors must hold at least one processor and no null");
        }
        this.name = name;
        this.maxBatchSize = config.maxBatchSize();
        this.queueCapacity = config.queueCapacity();
        this.maxQueueDelayNanos = saturatedNanos(config.maxQueueDelay());
        this.closeTimeoutNanos = saturatedNanos(Objects.requireNonNull(closeTimeout, "closeTimeout"));
        this.policy = Objects.requireNonNull(policy, "policy");
        this.bucketKey = Objects.requireNonNull(bucketKey, "bucketKey");
        this.processors = List.copyOf(processors);
        this.callerRuns = callerRuns;
        this.listener = Objects.requireNonNull(listener, "listener");
        for (int i = this.processors.size() - 1; i >= 0; i--) {
            this.freeInstances.push(i);
        }
        List<Thread> threads = new ArrayList<>(this.processors.size());
        for (int i = 0; i < this.processors.size(); i++) {
            Thread thread = new Thread(this::work, "distill4j-batcher-" + name
                    + (this.processors.size() > 1 ? "-" + i : ""));
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler(
                    (t, ex) -> logger.error("Worker {} of batcher {} stopped unexpectedly", t.getName(), name, ex));
            threads.add(thread);
        }
        this.workers = List.copyOf(threads);
        threads.forEach(Thread::start);
    }

    /** The number of instances, each with its own worker. */
    public int instances() {
        return this.workers.size();
    }

    /**
     * Enqueues one item.
     * @param item the request, not {@code null}
     * @return a future completed with the item's own output, or exceptionally with what its processing
     *     threw; cancelling it before the item is dispatched keeps the item from being processed
     * @throws ModelOverloadedException at once when {@link BatchingConfig#queueCapacity()} items are
     *     already queued
     * @throws IllegalStateException after {@link #close()}
     */
    public CompletableFuture<O> submit(I item) {
        Objects.requireNonNull(item, "item");
        if (this.closed.get()) {
            throw closedException();
        }
        int key = this.bucketKey.applyAsInt(item);
        CompletableFuture<O> future = new CompletableFuture<>();
        Pending<I, O> direct = null;
        int instance = -1;
        this.lock.lock();
        try {
            if (this.closing) {
                throw closedException();
            }
            if (this.callerRuns && this.queued == 0 && !this.freeInstances.isEmpty()
                    && (this.maxQueueDelayNanos == 0 || !this.policy.worthWaiting(key))) {
                instance = this.freeInstances.pop();
                direct = new Pending<>(item, key, future, this.nextSequence++, System.nanoTime());
            }
            else if (this.queued >= this.queueCapacity) {
                throw new ModelOverloadedException(this.name, "Request queue of " + this.name
                        + " is full (queueCapacity = " + this.queueCapacity + "); retry later");
            }
            else {
                Bucket<I, O> bucket = enqueue(item, key, future, System.nanoTime());
                // Workers wait only while the queue is empty, no instance is free, or they hold back a partial
                // batch, so one needs waking only for a first item or a bucket that has just filled up; a worker
                // that takes a batch and leaves items behind, or frees an instance, wakes the next.
                if (this.queued == 1 || bucket.items.size() == this.maxBatchSize) {
                    this.workAvailable.signal();
                }
                reportQueueDepth(this.queued);
            }
        }
        finally {
            this.lock.unlock();
        }
        if (direct != null) {
            try {
                run(this.processors.get(instance), List.of(direct));
            }
            finally {
                free(instance);
            }
        }
        return future;
    }

    /**
     * Enqueues the items of one request together: all of them or, when they do not fit in the queue, none. One item
     * is {@link #submit(Object) submitted} alone (it may run on the caller's thread); several always go to the
     * workers, so that they share batches.
     * @return one future per item, in order
     * @throws ModelOverloadedException at once when the items do not fit in the queue
     * @throws IllegalStateException after {@link #close()}
     */
    public List<CompletableFuture<O>> submitAll(List<? extends I> items) {
        Objects.requireNonNull(items, "items");
        if (items.size() == 1) {
            return List.of(submit(items.get(0)));
        }
        if (this.closed.get()) {
            throw closedException();
        }
        int[] keys = new int[items.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = this.bucketKey.applyAsInt(Objects.requireNonNull(items.get(i), "item"));
        }
        List<CompletableFuture<O>> futures = new ArrayList<>(items.size());
        this.lock.lock();
        try {
            if (this.closing) {
                throw closedException();
            }
            if (this.queued + items.size() > this.queueCapacity) {
                throw new ModelOverloadedException(this.name, "Request queue of " + this.name + " has room for "
                        + (this.queueCapacity - this.queued) + " of the request's " + items.size() + " items (queueCapacity = "
                        + this.queueCapacity + "); retry later");
            }
            long now = System.nanoTime();
            for (int i = 0; i < keys.length; i++) {
                CompletableFuture<O> future = new CompletableFuture<>();
                enqueue(items.get(i), keys[i], future, now);
                futures.add(future);
            }
            this.workAvailable.signal();
            reportQueueDepth(this.queued);
        }
        finally {
            this.lock.unlock();
        }
        return futures;
    }

    /**
     * Runs {@code task} on the caller's thread with an instance of its own, once one is free and no item is queued
     * (queued items go first), as a batch would run: for work on an instance that is not a batch of items, such as
     * timing batches to calibrate the policy while the model already serves.
     * @param task given the index of the instance it holds
     * @return false, without running the task, once the batcher is closing
     * @throws InterruptedException if interrupted while waiting for an instance
     */
    public boolean withIdleInstance(IntConsumer task) throws InterruptedException {
        int instance;
        this.lock.lock();
        try {
            while (!this.closing && (this.freeInstances.isEmpty() || this.queued > 0)) {
                this.instanceFreed.await(10, TimeUnit.MILLISECONDS);
            }
            if (this.closing) {
                return false;
            }
            instance = this.freeInstances.pop();
        }
        finally {
            this.lock.unlock();
        }
        try {
            task.accept(instance);
        }
        finally {
            free(instance);
        }
        return true;
    }

    /** Appends an item to its bucket's queue; the caller holds {@link #lock}. */
    private Bucket<I, O> enqueue(I item, int key, CompletableFuture<O> future, long now) {
        Bucket<I, O> bucket = this.buckets.computeIfAbsent(key, Bucket::new);
        bucket.items.addLast(new Pending<>(item, key, future, this.nextSequence++, now));
        this.queued++;
        return bucket;
    }

    /** The number of queued items, across all buckets, not counting the batch being processed. */
    public int queueDepth() {
        this.lock.lock();
        try {
            return this.queued;
        }
        finally {
            this.lock.unlock();
        }
    }

    /**
     * Stops accepting, lets every queued item finish, joins the worker. Idempotent.
     *
     * <p>Waits up to 60 seconds for the queue to drain. If that time passes, or the calling thread is
     * interrupted (its interrupt status is kept), the items still queued are not run: their futures
     * fail with a {@link TransientException} of code {@link ErrorCode#UNAVAILABLE}; a batch already
     * being processed may then still be running when this method returns. Called from a worker
     * itself (from within a processor or a listener), it only stops accepting and returns at once.
     */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.lock.lock();
            try {
                this.closing = true;
                this.workAvailable.signalAll();
            }
            finally {
                this.lock.unlock();
            }
            logger.debug("Closing batcher {}", this.name);
        }
        // From a worker, or from a listener called under the queue lock, waiting would deadlock.
        if (!this.workers.contains(Thread.currentThread()) && !this.lock.isHeldByCurrentThread()) {
            awaitWorkers();
        }
    }

    /**
     * Whether every worker has exited, so no batch is running or will run. After {@link #close()} this is
     * false only if the close timed out or was interrupted while a batch was still running: the owner
     * must then not release what the processors use.
     */
    public boolean isTerminated() {
        if (this.workers.stream().anyMatch(Thread::isAlive)) {
            return false;
        }
        this.lock.lock();
        try {
            return this.freeInstances.size() == this.processors.size();
        }
        finally {
            this.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "DynamicBatcher[" + this.name + "]";
    }

    private void awaitWorkers() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + this.closeTimeoutNanos;
        try {
            for (Thread worker : this.workers) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }
        catch (InterruptedException ex) {
            interrupted = true;
        }
        if (!interrupted) {
            interrupted = !awaitCallerRuns(deadline);
        }
        if (!isTerminated()) {
            abandonQueued(interrupted ? "interrupted" : "timed out");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every instance is free (runs on callers' threads included); false if interrupted. */
    private boolean awaitCallerRuns(long deadline) {
        this.lock.lock();
        try {
            while (this.freeInstances.size() < this.processors.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                this.allFree.awaitNanos(left);
            }
            return true;
        }
        catch (InterruptedException ex) {
            return false;
        }
        finally {
            this.lock.unlock();
        }
    }

    /** Removes every queued item and fails its future; the workers then exit after their current batches. */
    private void abandonQueued(String reason) {
        List<Pending<I, O>> left = new ArrayList<>();
        this.lock.lock();
        try {
            for (Bucket<I, O> bucket : this.buckets.values()) {
                left.addAll(bucket.items);
            }
            this.buckets.clear();
            this.queued = 0;
            reportQueueDepth(0);
        }
        finally {
            this.lock.unlock();
        }
        if (!left.isEmpty()) {
            logger.warn("Close of batcher {} {} before the queue drained; failing {} queued requests", this.name,
                    reason, left.size());
        }
        for (Pending<I, O> pending : left) {
            pending.future.completeExceptionally(new TransientException(ErrorCode.UNAVAILABLE, this.name,
                    "Batcher " + this.name + " is shutting down; the request was not run"));
        }
    }

    private void work() {
        while (true) {
            Taken<I, O> taken;
            try {
                taken = nextBatch();
            }
            catch (RuntimeException | Error ex) {
                logger.error("Worker of batcher {} failed to take a batch", this.name, ex);
                continue;
            }
            if (taken == null) {
                logger.debug("Worker {} of batcher {} stopped", Thread.currentThread().getName(), this.name);
                return;
            }
            try {
                run(this.processors.get(taken.instance), taken.batch);
            }
            catch (RuntimeException | Error ex) {
                // Not thrown by the processor (that is handled in run): a misbehaving output list, say.
                logger.error("Worker of batcher {} failed while running a batch", this.name, ex);
                for (Pending<I, O> pending : taken.batch) {
                    pending.future.completeExceptionally(ex);
                }
            }
            finally {
                free(taken.instance);
            }
        }
    }

    /** Gives an instance back after a run, and wakes a worker if items wait for one. */
    private void free(int instance) {
        this.lock.lock();
        try {
            this.freeInstances.push(instance);
            this.instanceFreed.signal();
            if (this.queued > 0) {
                this.workAvailable.signal();
            }
            if (this.freeInstances.size() == this.processors.size()) {
                this.allFree.signalAll();
            }
        }
        finally {
            this.lock.unlock();
        }
    }

    /**
     * Waits for an item and a free instance, and removes the next batch with the instance it runs on; {@code null}
     * once closing and the queue is empty.
     */
    private Taken<I, O> nextBatch() {
        this.lock.lock();
        try {
            while (true) {
                if (this.queued == 0 || this.freeInstances.isEmpty()) {
                    if (this.closing && this.queued == 0) {
                        return null;
                    }
                    awaitWork(-1);
                    continue;
                }
                Bucket<I, O> oldest = null;
                Bucket<I, O> oldestFull = null;
                for (Bucket<I, O> bucket : this.buckets.values()) {
                    if (oldest == null || bucket.headSequence() < oldest.headSequence()) {
                        oldest = bucket;
                    }
                    if (bucket.items.size() >= this.maxBatchSize
                            && (oldestFull == null || bucket.headSequence() < oldestFull.headSequence())) {
                        oldestFull = bucket;
                    }
                }
                if (oldest == oldestFull || this.maxQueueDelayNanos == 0 || this.closing
                        || !this.policy.worthWaiting(oldest.key)) {
                    return take(oldest);
                }
                long waited = System.nanoTime() - oldest.items.getFirst().enqueuedNanos;
                long remaining = this.maxQueueDelayNanos - waited;
                if (remaining <= 0) {
                    return take(oldest);
                }
                if (oldestFull != null) {
                    return take(oldestFull);
                }
                awaitWork(remaining);
            }
        }
        finally {
            this.lock.unlock();
        }
    }

    /** Waits on {@link #workAvailable}, at most {@code nanos} unless negative; the worker ignores interrupts. */
    private void awaitWork(long nanos) {
        try {
            if (nanos < 0) {
                this.workAvailable.await();
            }
            else {
                this.workAvailable.awaitNanos(nanos);
            }
        }
        catch (InterruptedException ex) {
            // Only close() ends the worker; every caller re-checks its condition after waking.
        }
    }

    private Taken<I, O> take(Bucket<I, O> bucket) {
        int waiting = bucket.items.size();
        int size = Math.max(1, Math.min(Math.min(waiting, this.maxBatchSize),
                this.policy.batchSize(bucket.key, waiting, this.freeInstances.size(), this.maxBatchSize)));
        List<Pending<I, O>> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(bucket.items.pollFirst());
        }
        if (bucket.items.isEmpty()) {
            this.buckets.remove(bucket.key);
        }
        this.queued -= size;
        int instance = this.freeInstances.pop();
        if (this.queued > 0 && !this.freeInstances.isEmpty()) {
            this.workAvailable.signal();
        }
        reportQueueDepth(this.queued);
        return new Taken<>(instance, batch);
    }

    private void run(BatchProcessor<I, O> processor, List<Pending<I, O>> taken) {
        List<Pending<I, O>> batch = new ArrayList<>(taken.size());
        for (Pending<I, O> pending : taken) {
            if (!pending.future.isDone()) {
                batch.add(pending);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        List<I> items = new ArrayList<>(batch.size());
        for (Pending<I, O> pending : batch) {
            items.add(pending.item);
        }
        long start = System.nanoTime();
        List<O> outputs;
        try {
            outputs = processor.process(Collections.unmodifiableList(items));
        }
        catch (Throwable ex) {
            failed(processor, batch, ex);
            return;
        }
        long processNanos = System.nanoTime() - start;
        reportCost(batch.get(0).bucket, batch.size(), processNanos);
        if (outputs == null || outputs.size() != batch.size()) {
            String message = "Batch processor of " + this.name + " returned "
                    + (outputs == null ? "null" : outputs.size() + " outputs") + " for " + batch.size()
                    + " inputs; it must return exactly one output per input";
            logger.error(message);
            for (Pending<I, O> pending : batch) {
                pending.future.completeExceptionally(new IllegalStateException(message));
            }
            return;
        }
        reportBatch(batch.size(), processNanos);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future.complete(outputs.get(i));
        }
    }

    private void failed(BatchProcessor<I, O> processor, List<Pending<I, O>> batch, Throwable ex) {
        if (ex instanceof Error) {
            logger.error("Batch processor of {} threw on a batch of {}", this.name, batch.size(), ex);
        }
        if (batch.size() == 1) {
            logger.debug("Batch processor of {} failed on a single item", this.name, ex);
            batch.get(0).future.completeExceptionally(ex);
            return;
        }
        logger.debug("Batch processor of {} failed on a batch of {}; running its items alone", this.name,
                batch.size(), ex);
        for (Pending<I, O> pending : batch) {
            run(processor, List.of(pending));
        }
    }

    private void reportQueueDepth(int depth) {
        try {
            this.listener.onQueueDepth(depth);
        }
        catch (Throwable ex) {
            // Never let a metrics hook lose a dequeued batch or break a submit.
            logger.warn("Listener of batcher {} failed in onQueueDepth", this.name, ex);
        }
    }

    private void reportCost(int bucket, int size, long processNanos) {
        try {
            this.policy.ran(bucket, size, processNanos);
        }
        catch (RuntimeException ex) {
            logger.warn("Batch policy of batcher {} failed in ran", this.name, ex);
        }
    }

    private void reportBatch(int size, long processNanos) {
        try {
            this.listener.onBatch(size, processNanos);
        }
        catch (Throwable ex) {
            logger.warn("Listener of batcher {} failed in onBatch", this.name, ex);
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("batcher " + this.name + " is closed");
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        }
        catch (ArithmeticException ex) {
            return Long.MAX_VALUE;
        }
    }

    /** One queued item with its future. */
    private static final class Pending<I, O> {

        final I item;

        final int bucket;

        final CompletableFuture<O> future;

        final long sequence;

        final long enqueuedNanos;

        Pending(I item, int bucket, CompletableFuture<O> future, long sequence, long enqueuedNanos) {
            this.item = item;
            this.bucket = bucket;
            this.future = future;
            this.sequence = sequence;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /** A batch taken from the queue, with the instance it runs on. */
    private record Taken<I, O>(int instance, List<Pending<I, O>> batch) {
    }

    /** The FIFO queue of one bucket key; never empty while in {@link #buckets}. */
    private static final class Bucket<I, O> {

        final int key;

        final ArrayDeque<Pending<I, O>> items = new ArrayDeque<>();

        Bucket(int key) {
            this.key = key;
        }

        long headSequence() {
            return this.items.getFirst().sequence;
        }
    }
}
