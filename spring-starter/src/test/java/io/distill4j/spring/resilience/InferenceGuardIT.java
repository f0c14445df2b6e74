package io.distill4j.spring.resilience;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.spring.testing.MiniLmRepository;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Resilience4j guard around real MiniLM calls: bulkhead, time limiter and circuit breaker per model. */
class InferenceGuardIT {

    @TempDir
    static Path dir;

    private static OnnxInferenceEngine engine;

    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();

    private final CircuitBreakerRegistry circuitBreakers = CircuitBreakerRegistry.ofDefaults();

    private final TimeLimiterRegistry timeLimiters = TimeLimiterRegistry.ofDefaults();

    @BeforeAll
    static void engine() throws Exception {
        engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(MiniLmRepository.install(dir)).build());
        engine.load("minilm");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private InferenceGuard guard() {
        return InferenceGuard.resilience4j(engine, this.bulkheads, this.circuitBreakers, this.timeLimiters);
    }

    private static List<float[]> embed(InferenceGuard guard, Duration timeLeft) {
        return guard.call("minilm", timeLeft, e -> e.embed("minilm", List.of("A card payment", "A transfer")));
    }

    @Test
    void aCallRunsOnTheEngineAndTheDefaultsApply() {
        assertThat(embed(guard(), null)).hasSize(2).allSatisfy(vector -> assertThat(vector).hasSize(384));
        assertThat(embed(guard(), Duration.ofSeconds(30))).hasSize(2);
        Bulkhead bulkhead = this.bulkheads.bulkhead("minilm");
        assertThat(bulkhead.getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(32);
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("permits returned").isEqualTo(32);
        assertThat(this.circuitBreakers.circuitBreaker("minilm").getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
        assertThat(this.timeLimiters.timeLimiter("minilm").getTimeLimiterConfig().getTimeoutDuration())
            .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aFullBulkheadRefusesAtOnceWithAnOverloadNamingTheLimit() {
        this.bulkheads.addConfiguration("distill4j", BulkheadConfig.custom().maxConcurrentCalls(2)
            .maxWaitDuration(Duration.ZERO).build());
        InferenceGuard guard = guard();
        assertThat(embed(guard, null)).hasSize(2);
        Bulkhead bulkhead = this.bulkheads.bulkhead("minilm");
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.tryAcquirePermission()).isTrue(); // two calls "running": the bulkhead is full
        long start = System.nanoTime();
        assertThatThrownBy(() -> embed(guard, null)).isInstanceOf(ModelOverloadedException.class)
            .hasMessageContaining("limit of 2 concurrent calls");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        bulkhead.onComplete();
        assertThat(embed(guard, null)).as("one permit free again").hasSize(2);
        bulkhead.onComplete();
    }

    @Test
    void aModelsOwnInstanceWinsOverTheSharedConfiguration() {
        this.bulkheads.addConfiguration("distill4j", BulkheadConfig.custom().maxConcurrentCalls(5).build());
        this.bulkheads.bulkhead("minilm", BulkheadConfig.custom().maxConcurrentCalls(1).build());
        Bulkhead bulkhead = this.bulkheads.bulkhead("minilm");
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThatThrownBy(() -> embed(guard(), null)).isInstanceOf(ModelOverloadedException.class)
            .hasMessageContaining("limit of 1 concurrent calls");
        bulkhead.onComplete();
    }

    @Test
    void timeoutsOfTheLimitersOwnLimitOpenTheCircuitBreaker() {
        this.timeLimiters.addConfiguration("distill4j", TimeLimiterConfig.custom().timeoutDuration(Duration.ZERO).build());
        this.circuitBreakers.addConfiguration("distill4j", CircuitBreakerConfig.from(
                Resilience4jInferenceGuard.DEFAULT_CIRCUIT_BREAKER).minimumNumberOfCalls(2).slidingWindowSize(2).build());
        InferenceGuard guard = guard();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> embed(guard, null)).isInstanceOfSatisfying(TransientException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        }
        CircuitBreaker breaker = this.circuitBreakers.circuitBreaker("minilm");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> embed(guard, null))
            .isInstanceOfSatisfying(TransientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
            .hasMessageContaining("circuit breaker is OPEN after a failure rate of 100 %");
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
    }

    @Test
    void theCallersShortDeadlineAndBadInputDoNotCountAgainstTheModel() {
        this.circuitBreakers.addConfiguration("distill4j", CircuitBreakerConfig.from(
                Resilience4jInferenceGuard.DEFAULT_CIRCUIT_BREAKER).minimumNumberOfCalls(2).slidingWindowSize(2).build());
        InferenceGuard guard = guard();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> embed(guard, Duration.ZERO)).isInstanceOfSatisfying(TransientException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
            assertThatThrownBy(() -> guard.call("minilm", null, e -> e.embed("minilm", List.of())))
                .isInstanceOf(InvalidInputException.class);
        }
        CircuitBreaker breaker = this.circuitBreakers.circuitBreaker("minilm");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(embed(guard, null)).hasSize(2);
    }

    @Test
    void theDeadlineOnlyGuardBindsTheCallToTheCallersDeadline() {
        InferenceGuard guard = InferenceGuard.deadlineOnly(engine);
        assertThat(embed(guard, null)).hasSize(2);
        assertThatThrownBy(() -> embed(guard, Duration.ofMillis(-1))).isInstanceOfSatisfying(TransientException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
    }
}
