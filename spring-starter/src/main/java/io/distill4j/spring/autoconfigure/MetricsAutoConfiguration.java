package io.distill4j.spring.autoconfigure;

import io.distill4j.api.distill.Distiller;
import io.distill4j.spring.metrics.DistillationMetrics;
import io.distill4j.spring.metrics.InferenceMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for the engine ({@link InferenceMetrics}: latency histograms, batch sizes, queue
 * depth, rejects, resident memory) and the distillation jobs ({@link DistillationMetrics}). Both are
 * {@code MeterBinder}s, bound by Spring Boot to its meter registry (with the actuator and
 * {@code micrometer-registry-prometheus}, they appear on {@code /actuator/prometheus}).
 * {@code distill4j.metrics.enabled=false} leaves them out.
 */
@AutoConfiguration(after = DistillAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "distill4j.metrics.enabled", matchIfMissing = true)
public final class MetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    InferenceMetrics distill4jInferenceMetrics() {
        return new InferenceMetrics();
    }

    @Bean
    @ConditionalOnBean(Distiller.class)
    @ConditionalOnMissingBean
    DistillationMetrics distill4jDistillationMetrics(Distiller distiller) {
        return new DistillationMetrics(distiller);
    }
}
