package io.distill4j.api.distill;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A distillation running (or queued, or ended) in a {@link Distiller}: observable, cancellable, and
 * awaitable. Implementations are thread-safe.
 *
 * <pre>{@code
 * DistillationJob job = distiller.submit(spec);
 * try (AutoCloseable watch = job.subscribe(event -> System.out.println(event.message()))) {
 *     DistillationResult result = job.await();
 * }
 * }</pre>
 */
public interface DistillationJob {

    /** The job's id, unique within its distiller. */
    String id();

    /** The spec it runs. */
    DistillationSpec spec();

    /** The current state. */
    JobState state();

    /** The latest event (a {@link JobState#QUEUED} event before the job starts). */
    ProgressEvent progress();

    /** Every event so far, oldest first. */
    List<ProgressEvent> events();

    /**
     * Calls {@code listener} with the current state at once ({@link #progress()}), then with every later
     * event, in order, until the job ends or the returned handle is closed. A subscriber that arrives
     * after the job ended receives only the terminal event. Listeners must return quickly; an exception
     * from one is logged and does not affect the job.
     */
    AutoCloseable subscribe(Consumer<ProgressEvent> listener);

    /**
     * Asks the job to stop: a queued job never starts, a running one stops at its next check (between
     * batches) and ends {@link JobState#CANCELLED}. Idempotent.
     *
     * @return whether this call changed anything (false if the job had already ended or was cancelled)
     */
    boolean cancel();

    /**
     * Waits for the job to end.
     *
     * @return the result of a {@link JobState#SUCCEEDED} job
     * @throws io.distill4j.api.exception.DistillationCancelledException if it was cancelled, or the
     *     waiting thread was interrupted (the job keeps running then)
     * @throws io.distill4j.api.exception.DistillationException if it failed; the cause is the error
     */
    DistillationResult await();

    /**
     * Waits at most {@code timeout} for the job to end; see {@link #await()}.
     *
     * @throws TimeoutException if it is still running when the time is up
     */
    DistillationResult await(Duration timeout) throws TimeoutException;
}
