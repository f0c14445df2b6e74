package io.distill4j.pipeline.labelling;

import java.time.Duration;

import io.distill4j.api.Checks;

/**
 * How the distiller talks to labelling models, for every job: how many requests at once, how fast, how
 * failures are retried, and what tokens cost. A job's own spending limit is its teacher's
 * {@link io.distill4j.api.labelling.LabellingBudget}.
 *
 * <pre>{@code
 * LabellingLimits.builder().concurrency(8).requestsPerMinute(500).tokensPerMinute(200_000)
 *         .pricePerMillionTokens(0.15, 0.60).build();
 * }</pre>
 *
 * @param concurrency requests in flight at once, 1 to 256; default {@value #DEFAULT_CONCURRENCY}
 * @param requestsPerMinute most requests started per minute (a Resilience4j rate limiter); 0 for no limit
 * @param tokensPerMinute most tokens per minute, estimated before each request from the prompt's length
 *     (about four characters a token) and its samples; 0 for no limit
 * @param retryAttempts tries per request in all when the model fails transiently (rate limit, server error,
 *     timeout), 1 to 20; default {@value #DEFAULT_RETRY_ATTEMPTS}
 * @param initialBackoff the wait before the first retry, doubled (with ±50 % jitter) for each next one; default
 *     1 s
 * @param maxBackoff the longest wait between two tries; default 60 s
 * @param promptTokenPrice the price of a million prompt tokens, for the report; 0 when unknown
 * @param completionTokenPrice the price of a million completion tokens; 0 when unknown
 */
public record LabellingLimits(int concurrency, int requestsPerMinute, int tokensPerMinute, int retryAttempts,
        Duration initialBackoff, Duration maxBackoff, double promptTokenPrice, double completionTokenPrice) {

    /** Default {@link #concurrency()}. */
    public static final int DEFAULT_CONCURRENCY = 4;

    /** Default {@link #retryAttempts()}. */
    public static final int DEFAULT_RETRY_ATTEMPTS = 6;

    public LabellingLimits {
        Checks.inRange(concurrency, 1, 256, "labelling.concurrency");
        Checks.atLeast(requestsPerMinute, 0, "labelling.requestsPerMinute");
        Checks.atLeast(tokensPerMinute, 0, "labelling.tokensPerMinute");
        Checks.inRange(retryAttempts, 1, 20, "labelling.retryAttempts");
        Checks.positive(initialBackoff, "labelling.initialBackoff");
        Checks.positive(maxBackoff, "labelling.maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("labelling.maxBackoff must be >= labelling.initialBackoff ("
                    + initialBackoff + "), was " + maxBackoff);
        }
        Checks.inRange(promptTokenPrice, 0.0, 1e6, "labelling.promptTokenPrice");
        Checks.inRange(completionTokenPrice, 0.0, 1e6, "labelling.completionTokenPrice");
    }

    /** Every default. */
    public static LabellingLimits ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether prices were given, so a cost can be reported. */
    public boolean priced() {
        return this.promptTokenPrice > 0 || this.completionTokenPrice > 0;
    }

    /** What {@code promptTokens} and {@code completionTokens} cost at these prices. */
    public double cost(long promptTokens, long completionTokens) {
        return (promptTokens * this.promptTokenPrice + completionTokens * this.completionTokenPrice) / 1e6;
    }

    /** Builder of {@link LabellingLimits}. */
    public static final class Builder {

        private int concurrency = DEFAULT_CONCURRENCY;

        private int requestsPerMinute;

        private int tokensPerMinute;

        private int retryAttempts = DEFAULT_RETRY_ATTEMPTS;

        private Duration initialBackoff = Duration.ofSeconds(1);

        private Duration maxBackoff = Duration.ofSeconds(60);

        private double promptTokenPrice;

        private double completionTokenPrice;

        private Builder() {
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder requestsPerMinute(int requests) {
            this.requestsPerMinute = requests;
            return this;
        }

        public Builder tokensPerMinute(int tokens) {
            this.tokensPerMinute = tokens;
            return this;
        }

        public Builder retryAttempts(int attempts) {
            this.retryAttempts = attempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Prices of a million prompt and a million completion tokens. */
        public Builder pricePerMillionTokens(double prompt, double completion) {
            this.promptTokenPrice = prompt;
            this.completionTokenPrice = completion;
            return this;
        }

        public LabellingLimits build() {
            return new LabellingLimits(this.concurrency, this.requestsPerMinute, this.tokensPerMinute,
                    this.retryAttempts, this.initialBackoff, this.maxBackoff, this.promptTokenPrice,
                    this.completionTokenPrice);
        }
    }
}
