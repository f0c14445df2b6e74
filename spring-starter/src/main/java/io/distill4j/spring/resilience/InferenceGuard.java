package io.distill4j.spring.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import io.distill4j.api.InferenceEngine;
import io.distill4j.engine.metrics.InferenceListener;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

/**
 * Runs one model call under the serving policy: the transports (gRPC) call the engine only through a
 * guard, so that overload, slowness and failures of one model are contained the same way everywhere.
 *
 * <pre>{@code
 * float[][] vectors = guard.call("minilm", timeLeft, engine -> engine.embed("minilm", texts));
 * }</pre>
 *
 * Failures are Distill4j's own exceptions, so that one mapper turns them into status codes: a full
 * bulkhead is a {@link io.distill4j.api.exception.ModelOverloadedException}, an open circuit breaker a
 * {@link io.distill4j.api.exception.TransientException} with {@code UNAVAILABLE}, a passed deadline one
 * with {@code TIMEOUT}.
 */
@FunctionalInterface
public interface InferenceGuard {

    /**
     * Runs {@code call} for {@code model}.
     * @param model the model the call uses: the key of its bulkhead, circuit breaker and time limiter
     * @param timeLeft the caller's remaining time (its gRPC deadline), or {@code null} for none
     * @param call the work, given the engine to use (one bound to the call's deadline)
     * @return what {@code call} returned
     */
    <T> T call(String model, Duration timeLeft, Function<InferenceEngine, T> call);

    /** No policy but the caller's deadline: the engine as it is, or bound to {@code timeLeft}. */
    static InferenceGuard deadlineOnly(InferenceEngine engine) {
        Objects.requireNonNull(engine, "engine");
        return new InferenceGuard() {
            @Override
            public <T> T call(String model, Duration timeLeft, Function<InferenceEngine, T> call) {
                return call.apply(timeLeft == null ? engine : engine.withTimeout(timeLeft));
            }
        };
    }

    /**
     * Resilience4j's bulkhead, circuit breaker and time limiter, one of each per model name, from these
     * registries (which the {@code resilience4j.*} properties configure). A model's instance is the one
     * configured under its name (e.g. {@code resilience4j.bulkhead.instances.minilm.max-concurrent-calls});
     * otherwise the shared configuration named {@value Resilience4jInferenceGuard#SHARED_CONFIG}
     * ({@code resilience4j.bulkhead.configs.distill4j.*}); otherwise Distill4j's defaults:
     * <ul>
     * <li>bulkhead: {@value Resilience4jInferenceGuard#DEFAULT_MAX_CONCURRENT_CALLS} calls at once, no waiting, so
     * excess calls are refused at once (the engine's batch queue is the queue);</li>
     * <li>time limiter: {@value Resilience4jInferenceGuard#DEFAULT_TIMEOUT_SECONDS} s, or the caller's deadline
     * when sooner;</li>
     * <li>circuit breaker: opens at a 50 % failure rate over the last 20 calls (at least 10), for 10 s, then
     * lets 3 trial calls through. Only transient failures count: timeouts of the limiter's own limit and
     * {@code UNAVAILABLE}; bad input, unknown models, overload and timeouts of a caller's shorter deadline do
     * not.</li>
     * </ul>
     */
    static InferenceGuard resilience4j(InferenceEngine engine, BulkheadRegistry bulkheads,
            CircuitBreakerRegistry circuitBreakers, TimeLimiterRegistry timeLimiters) {
        return resilience4j(engine, bulkheads, circuitBreakers, timeLimiters, InferenceListener.NONE);
    }

    /**
     * {@link #resilience4j(InferenceEngine, BulkheadRegistry, CircuitBreakerRegistry, TimeLimiterRegistry)},
     * telling {@code listener} of each call the bulkhead or the circuit breaker refuses
     * ({@link InferenceListener#onRejected}; the engine reports its own timeouts and full queues).
     */
    static InferenceGuard resilience4j(InferenceEngine engine, BulkheadRegistry bulkheads,
            CircuitBreakerRegistry circuitBreakers, TimeLimiterRegistry timeLimiters, InferenceListener listener) {
        return new Resilience4jInferenceGuard(engine, bulkheads, circuitBreakers, timeLimiters, listener);
    }
}
