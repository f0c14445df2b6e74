package io.distill4j.pipeline.job;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DistillationJob} of the pipeline distiller: its state machine ({@code QUEUED → RUNNING →}
 * {@code SUCCEEDED | FAILED | CANCELLED}), the list of its events, the subscribers, the cancellation flag
 * the running body polls, and the future the waiters block on. Thread-safe: the body runs on a worker
 * thread, subscribers and waiters on any.
 *
 * <p>Events are published under the job's lock, so every subscriber sees them in order and a new
 * subscriber gets the current event first, then every later one, without a gap or a repeat.
 */
public final class PipelineJob implements DistillationJob {

    private static final Logger logger = LoggerFactory.getLogger(PipelineJob.class);

    /** Events kept per job; past it the oldest after the first are dropped from {@link #events()}. */
    static final int MAX_EVENTS = 2_000;

    private final String id;

    private final DistillationSpec spec;

    private final Clock clock;

    private final Object lock = new Object();

    private final List<ProgressEvent> events = new ArrayList<>();

    private final List<Consumer<ProgressEvent>> subscribers = new CopyOnWriteArrayList<>();

    private final CompletableFuture<DistillationResult> result = new CompletableFuture<>();

    private volatile boolean cancelRequested;

    private volatile JobState state = JobState.QUEUED;

    private ProgressEvent latest;

    /**
     * A queued job.
     *
     * @param id unique within its distiller
     * @param spec what it runs
     * @param clock the time source of its events
     */
    public PipelineJob(String id, DistillationSpec spec, Clock clock) {
        this.id = Objects.requireNonNull(id, "id");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clock = Objects.requireNonNull(clock, "clock");
        publish(new ProgressEvent(id, JobState.QUEUED, Stage.PREPARE_DATA, 0, -1, 0, Map.of(), Optional.empty(),
                "queued", clock.instant()));
    }

    @Override
    public String id() {
        return this.id;
    }

    @Override
    public DistillationSpec spec() {
        return this.spec;
    }

    @Override
    public JobState state() {
        return this.state;
    }

    @Override
    public ProgressEvent progress() {
        synchronized (this.lock) {
            return this.latest;
        }
    }

    @Override
    public List<ProgressEvent> events() {
        synchronized (this.lock) {
            return List.copyOf(this.events);
        }
    }

    @Override
    public Subscription subscribe(Consumer<ProgressEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this.lock) {
            deliver(listener, this.latest);
            if (this.state.isTerminal()) {
                return () -> { };
            }
            this.subscribers.add(listener);
        }
        return () -> this.subscribers.remove(listener);
    }

    @Override
    public boolean cancel() {
        synchronized (this.lock) {
            if (this.state.isTerminal() || this.cancelRequested) {
                return false;
            }
            this.cancelRequested = true;
            if (this.state == JobState.QUEUED) {
                finish(JobState.CANCELLED, Stage.PREPARE_DATA, "cancelled before it started");
                this.result.completeExceptionally(new DistillationCancelledException(this.id,
                        "Job " + this.id + " was cancelled before it started"));
            }
            return true;
        }
    }

    /** Whether {@link #cancel()} was called; the running body polls this between batches. */
    public boolean isCancelRequested() {
        return this.cancelRequested;
    }

    @Override
    public DistillationResult await() {
        try {
            return unwrap(this.result::get);
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException("an unbounded wait timed out", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TransientException(ErrorCode.UNAVAILABLE, this.id, "Interrupted while waiting for job " + this.id
                    + "; the job keeps running", ex);
        }
    }

    @Override
    public DistillationResult await(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return unwrap(() -> this.result.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new TransientException(ErrorCode.UNAVAILABLE, this.id, "Interrupted while waiting for job " + this.id
                    + "; the job keeps running", ex);
        }
        catch (TimeoutException ex) {
            throw new TransientException(ErrorCode.TIMEOUT, this.id, "Job " + this.id + " did not end within " + timeout
                    + "; it is " + this.state + " (" + progress().message() + ")", ex);
        }
    }

    /**
     * Moves a queued job to {@link JobState#RUNNING}.
     *
     * @return false if the job was cancelled while queued (the body must not run)
     */
    public boolean start() {
        synchronized (this.lock) {
            if (this.state != JobState.QUEUED) {
                return false;
            }
            this.state = JobState.RUNNING;
            publish(new ProgressEvent(this.id, JobState.RUNNING, Stage.PREPARE_DATA, 0, -1, 0, Map.of(),
                    Optional.empty(), "started", this.clock.instant()));
            return true;
        }
    }

    /**
     * Publishes a progress event of the running job; the job's id, state and time are filled in.
     *
     * @throws IllegalStateException if the job is not running
     */
    public void report(Stage stage, long step, long totalSteps, double fraction, Map<String, Double> metrics,
            Optional<Duration> eta, String message) {
        synchronized (this.lock) {
            if (this.state != JobState.RUNNING) {
                throw new IllegalStateException("Job " + this.id + " is " + this.state + ", not RUNNING");
            }
            publish(new ProgressEvent(this.id, JobState.RUNNING, stage, step, totalSteps, fraction, metrics, eta,
                    message, this.clock.instant()));
        }
    }

    /** Ends a running job with its result. */
    public void succeed(DistillationResult outcome, Stage lastStage) {
        synchronized (this.lock) {
            finish(JobState.SUCCEEDED, lastStage, "succeeded");
        }
        this.result.complete(outcome);
    }

    /**
     * Ends a running job with an error: {@link JobState#CANCELLED} for a {@link DistillationCancelledException},
     * else {@link JobState#FAILED}. A cause that is not a {@link DistillationException} is wrapped in one.
     */
    public void fail(Throwable error, Stage lastStage) {
        DistillationException failure;
        JobState end;
        if (error instanceof DistillationCancelledException cancelled) {
            failure = cancelled;
            end = JobState.CANCELLED;
        }
        else {
            failure = (error instanceof DistillationException known && known.subject().filter(this.id::equals).isPresent())
                    ? known
                    : new DistillationException(this.id, "Job " + this.id + " failed in " + lastStage + ": "
                            + error.getMessage(), error);
            end = JobState.FAILED;
        }
        synchronized (this.lock) {
            finish(end, lastStage, end == JobState.CANCELLED ? "cancelled: " + failure.getMessage()
                    : "failed: " + failure.getMessage());
        }
        this.result.completeExceptionally(failure);
    }

    private void finish(JobState end, Stage stage, String message) {
        this.state = end;
        double fraction = end == JobState.SUCCEEDED ? 1 : this.latest.fraction();
        publish(new ProgressEvent(this.id, end, stage, 0, -1, fraction, Map.of(), Optional.empty(), message,
                this.clock.instant()));
        this.subscribers.clear();
    }

    /** Called under the lock. */
    private void publish(ProgressEvent event) {
        this.latest = event;
        this.events.add(event);
        if (this.events.size() > MAX_EVENTS) {
            // Keep the first event and drop the oldest progress event after it.
            this.events.remove(1);
        }
        for (Consumer<ProgressEvent> subscriber : this.subscribers) {
            deliver(subscriber, event);
        }
    }

    private void deliver(Consumer<ProgressEvent> subscriber, ProgressEvent event) {
        try {
            subscriber.accept(event);
        }
        catch (RuntimeException ex) {
            logger.warn("A progress listener of job {} failed; the job goes on", this.id, ex);
        }
    }

    private DistillationResult unwrap(Wait wait) throws InterruptedException, TimeoutException {
        try {
            return wait.get();
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof DistillationCancelledException cancelled) {
                throw new DistillationCancelledException(this.id, cancelled.getMessage(), cancelled);
            }
            if (cause instanceof DistillationException failed) {
                throw new DistillationException(this.id, failed.getMessage(), failed);
            }
            throw new DistillationException(this.id, "Job " + this.id + " failed: " + cause, cause);
        }
    }

    @Override
    public String toString() {
        return "PipelineJob[" + this.id + ", " + this.spec.name() + ", " + this.state + "]";
    }

    @FunctionalInterface
    private interface Wait {

        DistillationResult get() throws InterruptedException, ExecutionException, TimeoutException;
    }
}
