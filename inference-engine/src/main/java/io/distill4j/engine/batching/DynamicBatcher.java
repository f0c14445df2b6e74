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
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects single requests from many threads into batches for one {@link BatchProcessor}.
 *
 * <p>{@link #submit(Object)} puts an item in the FIFO queue of its bucket (given by the bucket-key
 * function, for example the sequence-length class of a text, so that a batch holds inputs of similar
 * length) and returns a future for its own result. One daemon worker thread, named
 * {@code distill4j-batcher-<name>}, repeatedly takes up to {@link BatchingConfig#maxBatchSize()}
 * items from one bucket and runs them as a batch:
 * <ul>
 * <li>It serves the bucket whose head item is oldest, so no bucket starves. With a
 * {@link BatchingConfig#maxQueueDelay()} above zero it holds that bucket back, while it is not full,
 * until its oldest item has waited that long; meanwhile a bucket that is full is served at once.</li>
 * <li>With a zero delay (the default) it dispatches at once, so a lone caller pays no batching
 * latency; batches form from the items that queue up while the worker is busy.</li>
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
 * <p>The batcher owns its worker thread and nothing else: the processor, and whatever it holds (such
 * as a model session), belongs to the caller, who must close it only after {@link #close()} returned.
 * {@link #close()} stops accepting items, lets every queued item run, and waits for the worker to
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

    private final BatchProcessor<I, O> processor;

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

    /** Whether {@link #close()} has begun; the worker exits once this is set and the queue is empty. Guarded by {@link #lock}. */
    private boolean closing;

    private final Thread worker;

    /**
     * Creates a batcher and starts its worker thread.
     * @param name name of the batcher, typically the model id; used in the worker's thread name and as
     *     the subject of the exceptions it raises
     * @param config batch size, queue delay and queue capacity
     * @param bucketKey gives the bucket of an item; only items of equal keys share a batch
     * @param processor runs the batches; called from the worker thread only
     * @param listener metrics hook, {@link BatchListener#NONE} for none
     */
    public DynamicBatcher(String name, BatchingConfig config, ToIntFunction<I> bucketKey,
            BatchProcessor<I, O> processor, BatchListener listener) {
        this(name, config, bucketKey, processor, listener, DEFAULT_CLOSE_TIMEOUT);
    }

    DynamicBatcher(String name, BatchingConfig config, ToIntFunction<I> bucketKey, BatchProcessor<I, O> processor,
            BatchListener listener, Duration closeTimeout) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        Objects.requireNonNull(config, "config");
        this.name = name;
        this.maxBatchSize = config.maxBatchSize();
        this.queueCapacity = config.queueCapacity();
        this.maxQueueDelayNanos = saturatedNanos(config.maxQueueDelay());
        this.closeTimeoutNanos = saturatedNanos(Objects.requireNonNull(closeTimeout, "closeTimeout"));
        this.bucketKey = Objects.requireNonNull(bucketKey, "bucketKey");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.listener = Objects.requireNonNull(listener, "listener");
        Thread thread = new Thread(this::work, "distill4j-batcher-" + name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(
                (t, ex) -> logger.error("Worker of batcher {} stopped unexpectedly", name, ex));
        this.worker = thread;
        thread.start();
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
        this.lock.lock();
        try {
            if (this.closing) {
                throw closedException();
            }
            if (this.queued >= this.queueCapacity) {
                throw new ModelOverloadedException(this.name, "Request queue of " + this.name
                        + " is full (queueCapacity = " + this.queueCapacity + "); retry later");
            }
            Bucket<I, O> bucket = this.buckets.computeIfAbsent(key, Bucket::new);
            bucket.items.addLast(new Pending<>(item, future, this.nextSequence++, System.nanoTime()));
            this.queued++;
            // The worker waits only while the queue is empty or while it holds back a partial batch,
            // so it needs waking only for a first item or a bucket that has just filled up.
            if (this.queued == 1 || bucket.items.size() == this.maxBatchSize) {
                this.workAvailable.signal();
            }
            reportQueueDepth(this.queued);
        }
        finally {
            this.lock.unlock();
        }
        return future;
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
     * being processed may then still be running when this method returns. Called from the worker
     * itself (from within the processor or a listener), it only stops accepting and returns at once.
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
        // From the worker, or from a listener called under the queue lock, waiting would deadlock.
        if (Thread.currentThread() != this.worker && !this.lock.isHeldByCurrentThread()) {
            awaitWorker();
        }
    }

    /**
     * Whether the worker has exited, so no batch is running or will run. After {@link #close()} this is
     * false only if the close timed out or was interrupted while a batch was still running: the owner
     * must then not release what the processor uses.
     */
    public boolean isTerminated() {
        return !this.worker.isAlive();
    }

    @Override
    public String toString() {
        return "DynamicBatcher[" + this.name + "]";
    }

    private void awaitWorker() {
        boolean interrupted = false;
        try {
            this.worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.closeTimeoutNanos)));
        }
        catch (InterruptedException ex) {
            interrupted = true;
        }
        if (this.worker.isAlive()) {
            abandonQueued(interrupted ? "interrupted" : "timed out");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes every queued item and fails its future; the worker then exits after its current batch. */
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
            List<Pending<I, O>> batch;
            try {
                batch = nextBatch();
            }
            catch (RuntimeException | Error ex) {
                logger.error("Worker of batcher {} failed to take a batch", this.name, ex);
                continue;
            }
            if (batch == null) {
                logger.debug("Worker of batcher {} stopped", this.name);
                return;
            }
            try {
                run(batch);
            }
            catch (RuntimeException | Error ex) {
                // Not thrown by the processor (that is handled in run): a misbehaving output list, say.
                logger.error("Worker of batcher {} failed while running a batch", this.name, ex);
                for (Pending<I, O> pending : batch) {
                    pending.future.completeExceptionally(ex);
                }
            }
        }
    }

    /** Waits for and removes the next batch; {@code null} once closing and the queue is empty. */
    private List<Pending<I, O>> nextBatch() {
        this.lock.lock();
        try {
            while (true) {
                if (this.queued == 0) {
                    if (this.closing) {
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
                if (oldest == oldestFull || this.maxQueueDelayNanos == 0 || this.closing) {
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

    private List<Pending<I, O>> take(Bucket<I, O> bucket) {
        int size = Math.min(bucket.items.size(), this.maxBatchSize);
        List<Pending<I, O>> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(bucket.items.pollFirst());
        }
        if (bucket.items.isEmpty()) {
            this.buckets.remove(bucket.key);
        }
        this.queued -= size;
        reportQueueDepth(this.queued);
        return batch;
    }

    private void run(List<Pending<I, O>> taken) {
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
            outputs = this.processor.process(Collections.unmodifiableList(items));
        }
        catch (Throwable ex) {
            failed(batch, ex);
            return;
        }
        long processNanos = System.nanoTime() - start;
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

    private void failed(List<Pending<I, O>> batch, Throwable ex) {
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
            run(List.of(pending));
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

        final CompletableFuture<O> future;

        final long sequence;

        final long enqueuedNanos;

        Pending(I item, CompletableFuture<O> future, long sequence, long enqueuedNanos) {
            this.item = item;
            this.future = future;
            this.sequence = sequence;
            this.enqueuedNanos = enqueuedNanos;
        }
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
