package io.distill4j.pipeline.labelling;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import io.distill4j.api.exception.TransientException;

/**
 * The retry and the rate limits around every request to a language model, under one run's
 * {@link LabellingLimits}: a {@link TransientException} is retried with exponential, jittered back-off,
 * {@link LabellingLimits#retryAttempts()} tries in all (Resilience4j {@link Retry}); before each try the
 * request and estimated-token rate limits are waited for (Resilience4j {@link RateLimiter}, at most
 * {@value #PERMIT_TIMEOUT_MINUTES} minutes). Any other exception ends the request at once.
 *
 * <pre>{@code
 * RequestGuards guards = RequestGuards.of(limits, "labelling");
 * LabellingResult result = guards.call(estimatedTokens, tries, () -> model.label(request));
 * }</pre>
 *
 * <p>One instance serves one run: its limiters count that run's requests only. Thread-safe; holds no
 * resource.
 */
public final class RequestGuards {

    /** How long a request may wait for a rate-limit permit, in minutes. */
    static final int PERMIT_TIMEOUT_MINUTES = 10;

    private final Retry retry;

    private final Optional<RateLimiter> requests;

    private final Optional<RateLimiter> tokens;

    private final int tokensPerMinute;

    private final AtomicLong retries = new AtomicLong();

    private RequestGuards(LabellingLimits limits, String name) {
        this.retry = Retry.of(name, RetryConfig.custom()
                .maxAttempts(limits.retryAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(limits.initialBackoff(), 2.0, 0.5,
                        limits.maxBackoff()))
                .retryOnException(ex -> ex instanceof TransientException)
                .build());
        this.retry.getEventPublisher().onRetry(event -> this.retries.incrementAndGet());
        this.requests = limiter(name + "-requests", limits.requestsPerMinute());
        this.tokens = limiter(name + "-tokens", limits.tokensPerMinute());
        this.tokensPerMinute = limits.tokensPerMinute();
    }

    /**
     * Guards for one run under {@code limits}.
     *
     * @param name for Resilience4j's registries and events, e.g. {@code "labelling"}
     */
    public static RequestGuards of(LabellingLimits limits, String name) {
        return new RequestGuards(Objects.requireNonNull(limits, "limits"), Objects.requireNonNull(name, "name"));
    }

    /**
     * The result of {@code request}, tried again on a {@link TransientException}, each try after the rate
     * limits' permits.
     *
     * @param estimatedTokens what one try is expected to cost, for the token rate limit
     * @param tries counts every try started, the first included, so the caller can account for failed ones
     * @throws TransientException when the last try failed transiently
     * @throws RuntimeException whatever a try threw that is not transient
     */
    public <T> T call(int estimatedTokens, AtomicInteger tries, Supplier<T> request) {
        return this.retry.executeSupplier(() -> {
            permit(estimatedTokens);
            tries.incrementAndGet();
            return request.get();
        });
    }

    /** Tries begun again after a transient failure, over every call so far. */
    public long retries() {
        return this.retries.get();
    }

    private void permit(int estimatedTokens) {
        this.requests.ifPresent(limiter -> RateLimiter.waitForPermission(limiter, 1));
        this.tokens.ifPresent(limiter -> RateLimiter.waitForPermission(limiter,
                Math.max(1, Math.min(estimatedTokens, this.tokensPerMinute))));
    }

    private static Optional<RateLimiter> limiter(String name, int perMinute) {
        if (perMinute == 0) {
            return Optional.empty();
        }
        return Optional.of(RateLimiter.of(name, RateLimiterConfig.custom().limitForPeriod(perMinute)
                .limitRefreshPeriod(Duration.ofMinutes(1)).timeoutDuration(Duration.ofMinutes(PERMIT_TIMEOUT_MINUTES))
                .build()));
    }
}
