package io.distill4j.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.distill4j.api.ModelId;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.TransientException;

/**
 * When one request must be done, on {@link System#nanoTime()}'s clock, or {@link #NONE}. Waiting for a
 * queued result under a deadline cancels the result's future when the deadline passes, and the
 * batcher drops cancelled items instead of running them: so a request the caller gave up on costs
 * nothing once its deadline has passed.
 */
final class Deadline {

    /** No deadline: wait as long as it takes. */
    static final Deadline NONE = new Deadline(0, null);

    private final long atNanos;

    /** The timeout the deadline was made from, for messages; {@code null} for {@link #NONE}. */
    private final Duration timeout;

    private Deadline(long atNanos, Duration timeout) {
        this.atNanos = atNanos;
        this.timeout = timeout;
    }

    /** A deadline {@code timeout} from now; zero or negative has already passed. */
    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + saturatedNanos(timeout), timeout);
    }

    /**
     * Refuses to start work whose deadline has passed.
     * @throws TransientException {@link ErrorCode#TIMEOUT}
     */
    void requireTimeLeft(ModelId model) {
        if (this.timeout != null && remainingNanos() <= 0) {
            throw new TransientException(ErrorCode.TIMEOUT, model.toString(), "The deadline (" + this.timeout.toMillis()
                    + " ms) passed before the request to model " + model + " could run");
        }
    }

    /**
     * Waits for a queued result, rethrowing the engine's own exceptions as they are. When the deadline
     * passes (or the thread is interrupted) the future is cancelled, so the batcher drops the item if it
     * is still queued.
     * @throws TransientException {@link ErrorCode#TIMEOUT} when the deadline passes,
     *     {@link ErrorCode#UNAVAILABLE} when interrupted
     */
    <T> T await(ModelId model, CompletableFuture<T> future) {
        try {
            if (this.timeout == null) {
                return future.get();
            }
            return future.get(Math.max(0, remainingNanos()), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            future.cancel(false);
            throw new TransientException(ErrorCode.TIMEOUT, model.toString(), "The deadline (" + this.timeout.toMillis()
                    + " ms) passed while the request to model " + model + " was queued or running; it was dropped");
        }
        catch (InterruptedException ex) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new TransientException(ErrorCode.UNAVAILABLE, model.toString(), "Interrupted while waiting for model "
                    + model, ex);
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof Distill4jException d) {
                throw d;
            }
            throw new InferenceFailedException(model.toString(), "Inference failed: " + cause, cause);
        }
    }

    private long remainingNanos() {
        return this.atNanos - System.nanoTime();
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        }
        catch (ArithmeticException ex) {
            return timeout.isNegative() ? Long.MIN_VALUE / 4 : Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return this.timeout == null ? "Deadline[none]" : "Deadline[" + this.timeout.toMillis() + " ms]";
    }
}
