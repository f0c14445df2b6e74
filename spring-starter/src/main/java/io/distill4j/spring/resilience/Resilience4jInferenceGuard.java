package io.distill4j.spring.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.engine.metrics.InferenceListener;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

/**
 * {@link InferenceGuard#resilience4j}: bulkhead, then circuit breaker, then the call on an engine bound to
 * the sooner of the time limiter's limit and the caller's deadline. Uses Resilience4j's permission API
 * rather than its decorators, so the call runs on the caller's thread (no hand-off, no extra thread
 * pool: the engine enforces the deadline itself, and drops queued work when it passes) and so that a
 * caller's own short deadline is not held against the model.
 */
final class Resilience4jInferenceGuard implements InferenceGuard {

    /** The name of the shared Resilience4j configuration for models without an instance of their own. */
    static final String SHARED_CONFIG = "distill4j";

    static final int DEFAULT_MAX_CONCURRENT_CALLS = 32;

    static final long DEFAULT_TIMEOUT_SECONDS = 30;

    static final BulkheadConfig DEFAULT_BULKHEAD = BulkheadConfig.custom()
        .maxConcurrentCalls(DEFAULT_MAX_CONCURRENT_CALLS)
        .maxWaitDuration(Duration.ZERO)
        .build();

    static final TimeLimiterConfig DEFAULT_TIME_LIMITER = TimeLimiterConfig.custom()
        .timeoutDuration(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS))
        .build();

    static final CircuitBreakerConfig DEFAULT_CIRCUIT_BREAKER = CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .waitDurationInOpenState(Duration.ofSeconds(10))
        .permittedNumberOfCallsInHalfOpenState(3)
        .recordException(Resilience4jInferenceGuard::isTransientFailure)
        .build();

    private final InferenceEngine engine;

    private final BulkheadRegistry bulkheads;

    private final CircuitBreakerRegistry circuitBreakers;

    private final TimeLimiterRegistry timeLimiters;

    private final InferenceListener listener;

    Resilience4jInferenceGuard(InferenceEngine engine, BulkheadRegistry bulkheads,
            CircuitBreakerRegistry circuitBreakers, TimeLimiterRegistry timeLimiters, InferenceListener listener) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.bulkheads = Objects.requireNonNull(bulkheads, "bulkheads");
        this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers");
        this.timeLimiters = Objects.requireNonNull(timeLimiters, "timeLimiters");
        this.listener = InferenceListener.safe(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public <T> T call(String model, Duration timeLeft, Function<InferenceEngine, T> call) {
        Bulkhead bulkhead = this.bulkheads.bulkhead(model,
                this.bulkheads.getConfiguration(SHARED_CONFIG).orElse(DEFAULT_BULKHEAD));
        if (!bulkhead.tryAcquirePermission()) {
            this.listener.onRejected(model, ErrorCode.OVERLOADED);
            throw new ModelOverloadedException(model, "Model " + model + " is serving its limit of "
                    + bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                    + " concurrent calls (resilience4j.bulkhead maxConcurrentCalls); retry later");
        }
        try {
            return callThroughBreaker(model, timeLeft, call);
        }
        finally {
            bulkhead.onComplete();
        }
    }

    private <T> T callThroughBreaker(String model, Duration timeLeft, Function<InferenceEngine, T> call) {
        CircuitBreaker breaker = this.circuitBreakers.circuitBreaker(model,
                this.circuitBreakers.getConfiguration(SHARED_CONFIG).orElse(DEFAULT_CIRCUIT_BREAKER));
        if (!breaker.tryAcquirePermission()) {
            this.listener.onRejected(model, ErrorCode.UNAVAILABLE);
            throw new TransientException(ErrorCode.UNAVAILABLE, model, "Model " + model + " is not taking calls: its "
                    + "circuit breaker is " + breaker.getState() + " after a failure rate of "
                    + Math.round(breaker.getMetrics().getFailureRate()) + " % (resilience4j.circuitbreaker "
                    + "failureRateThreshold " + Math.round(breaker.getCircuitBreakerConfig().getFailureRateThreshold())
                    + " %); retry later");
        }
        TimeLimiter limiter = this.timeLimiters.timeLimiter(model,
                this.timeLimiters.getConfiguration(SHARED_CONFIG).orElse(DEFAULT_TIME_LIMITER));
        Duration limit = limiter.getTimeLimiterConfig().getTimeoutDuration();
        boolean callerSooner = timeLeft != null && timeLeft.compareTo(limit) < 0;
        long start = System.nanoTime();
        T result;
        try {
            result = call.apply(this.engine.withTimeout(callerSooner ? timeLeft : limit));
        }
        catch (RuntimeException | Error ex) {
            long elapsed = System.nanoTime() - start;
            boolean timeout = ex instanceof Distill4jException d && d.code() == ErrorCode.TIMEOUT;
            if (timeout && callerSooner) {
                // The caller's own deadline says nothing about the model's health.
                breaker.releasePermission();
            }
            else {
                // A TimeoutException is what the limiter counts as a timeout (its metrics, its events).
                limiter.onError(timeout ? TimeLimiter.createdTimeoutExceptionWithName(model, ex) : ex);
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, ex);
            }
            throw ex;
        }
        limiter.onSuccess();
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return result;
    }

    /** Failures a retry can overcome and that say the model is unwell: its own timeouts and unavailability. */
    static boolean isTransientFailure(Throwable failure) {
        return failure instanceof TransientException transientFailure
                && (transientFailure.code() == ErrorCode.TIMEOUT || transientFailure.code() == ErrorCode.UNAVAILABLE);
    }

    @Override
    public String toString() {
        return "Resilience4jInferenceGuard[" + this.engine + "]";
    }
}
