package io.distill4j.spring.lifecycle;

import java.time.Duration;
import java.util.function.Supplier;

import io.distill4j.api.exception.ServerShuttingDownException;

/**
 * Whether this server reports itself ready and takes inference requests, and how many of those are running: the
 * one state the gRPC service and the REST controller both consult (through
 * {@link io.distill4j.spring.inference.OpenInference}), so that both bindings answer readiness and refuse requests
 * the same way at the same moment.
 *
 * <p>A gate moves one way only: <b>serving</b> &rarr; <b>draining</b> ({@link #drain()}: not ready, but every
 * request is still admitted, while load balancers notice) &rarr; <b>refusing</b> ({@link #refuse()}: every new
 * request fails with a {@link ServerShuttingDownException}, which the bindings map to {@code UNAVAILABLE} and to
 * 503 with {@code Retry-After}). While serving, {@link #readiness(boolean)} mirrors the application's own readiness
 * state (Spring Boot's {@code ReadinessState}).
 *
 * <p>Guarantees, to concurrent callers: a call is either admitted or refused, never both and never lost; every
 * call admitted before {@link #refuse()} returned is counted as in flight until it returns (normally or not), and
 * no call is admitted after it; so when {@link #awaitIdle(Duration)} answers {@code true}, every admitted call
 * has returned and none will start. A new gate is serving and ready; one that nobody drains (a service built
 * without the starter) never refuses.
 */
public final class ServingGate {

    private final Object lock = new Object();

    /** Guarded by {@link #lock}. */
    private int inFlight;

    /** Written under {@link #lock}. */
    private volatile boolean refusing;

    private volatile boolean draining;

    private volatile boolean applicationReady = true;

    /**
     * Whether the server reports itself ready (gRPC {@code ServerReady}, REST {@code /v2/health/ready}): serving,
     * and the application ready.
     */
    public boolean ready() {
        return !this.draining && this.applicationReady;
    }

    /** Whether the gate is draining or refusing: the server is on its way out. */
    public boolean draining() {
        return this.draining;
    }

    /** Whether new calls are refused. */
    public boolean refusing() {
        return this.refusing;
    }

    /** The calls admitted that have not returned yet. */
    public int inFlight() {
        synchronized (this.lock) {
            return this.inFlight;
        }
    }

    /** The application's readiness (accepting traffic or not), which {@link #ready()} follows while serving. */
    public void readiness(boolean accepting) {
        this.applicationReady = accepting;
    }

    /** Not ready from now on; calls are still admitted. Idempotent. */
    public void drain() {
        this.draining = true;
    }

    /** Not ready, and every new call refused from now on; calls admitted already run to their end. Idempotent. */
    public void refuse() {
        synchronized (this.lock) {
            this.draining = true;
            this.refusing = true;
            if (this.inFlight == 0) {
                this.lock.notifyAll();
            }
        }
    }

    /**
     * Runs {@code call} as an admitted call, counted in flight until it returns.
     *
     * @param model the model the call is for, named in the refusal
     * @return what {@code call} returned
     * @throws ServerShuttingDownException without running {@code call}, once the gate refuses
     */
    public <T> T admit(String model, Supplier<T> call) {
        synchronized (this.lock) {
            if (this.refusing) {
                throw new ServerShuttingDownException(model, "The server is shutting down and takes no new "
                        + "requests; nothing of this one ran, retry it on another replica");
            }
            this.inFlight++;
        }
        try {
            return call.get();
        }
        finally {
            synchronized (this.lock) {
                if (--this.inFlight == 0 && this.refusing) {
                    this.lock.notifyAll();
                }
            }
        }
    }

    /**
     * Waits until the gate refuses and no admitted call is running, for at most {@code timeout}.
     *
     * @return {@code true} when no admitted call is running and none can start; {@code false} when the time ran
     *     out first
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.lock) {
            while (!this.refusing || this.inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                this.lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
