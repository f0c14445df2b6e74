package io.distill4j.api.distill;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A distillation running (or queued, or ended) in a {@link Distiller}: observable, cancellable, and
 * awaitable. Implementations are thread-safe.
 *
 * <pre>{@code
 * DistillationJob job = distiller.submit(spec);
 * try (DistillationJob.Subscription watch = job.subscribe(event -> System.out.println(event.message()))) {
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
    Subscription subscribe(Consumer<ProgressEvent> listener);

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
     * @throws io.distill4j.api.exception.DistillationCancelledException if the job was cancelled
     * @throws io.distill4j.api.exception.DistillationException if it failed; the cause is the error
     * @throws io.distill4j.api.exception.TransientException with code {@code UNAVAILABLE} if the waiting
     *     thread was interrupted; the thread's interrupt flag is set again and the job keeps running
     *     (only {@link Distiller#distill} cancels its job on an interrupt)
     */
    DistillationResult await();

    /**
     * Waits at most {@code timeout} for the job to end; see {@link #await()}.
     *
     * @throws io.distill4j.api.exception.TransientException with code {@code TIMEOUT} if the job is still
     *     running when the time is up (it keeps running)
     */
    DistillationResult await(Duration timeout);

    /** A registration made by {@link #subscribe}; closing it stops the events. Closing twice is harmless. */
    interface Subscription extends AutoCloseable {

        @Override
        void close();
    }
}
