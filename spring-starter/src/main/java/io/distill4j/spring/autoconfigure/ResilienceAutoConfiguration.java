package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.spring.resilience.InferenceGuard;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link InferenceGuard} that every served model call runs under: Resilience4j's bulkhead, circuit
 * breaker and time limiter per model, from the registries that Resilience4j's own Spring Boot
 * auto-configuration builds out of the standard {@code resilience4j.*} properties (default registries
 * when it is not there). Per model: {@code resilience4j.bulkhead.instances.<model>.*}, and likewise for
 * {@code circuitbreaker} and {@code timelimiter}; for every model without its own instance:
 * {@code resilience4j.<kind>.configs.distill4j.*}; otherwise the defaults described on
 * {@link InferenceGuard#resilience4j}. {@code distill4j.resilience.enabled=false} leaves the guard out,
 * and the services then bound calls only by their deadlines.
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class, afterName = {
        "io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration",
        "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
        "io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration" })
@ConditionalOnClass({ Bulkhead.class, CircuitBreaker.class, TimeLimiter.class })
@ConditionalOnBooleanProperty(name = "distill4j.resilience.enabled", matchIfMissing = true)
public final class ResilienceAutoConfiguration {

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    InferenceGuard distill4jInferenceGuard(InferenceEngine engine, ObjectProvider<BulkheadRegistry> bulkheads,
            ObjectProvider<CircuitBreakerRegistry> circuitBreakers, ObjectProvider<TimeLimiterRegistry> timeLimiters,
            ObjectProvider<InferenceListener> listeners) {
        return InferenceGuard.resilience4j(engine, bulkheads.getIfAvailable(BulkheadRegistry::ofDefaults),
                circuitBreakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
                timeLimiters.getIfAvailable(TimeLimiterRegistry::ofDefaults),
                InferenceListener.of(listeners.orderedStream().toList()));
    }
}
