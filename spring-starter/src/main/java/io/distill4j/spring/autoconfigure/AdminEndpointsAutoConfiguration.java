package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Distiller;
import io.distill4j.spring.actuate.Distill4jInfoContributor;
import io.distill4j.spring.actuate.DistillationsEndpoint;
import io.distill4j.spring.actuate.DistillationsEndpointWebExtension;
import io.distill4j.spring.actuate.DistillerHealthIndicator;
import io.distill4j.spring.actuate.EngineHealthIndicator;
import io.distill4j.spring.actuate.ModelsEndpoint;
import io.distill4j.spring.actuate.ModelsEndpointWebExtension;
import io.distill4j.spring.actuate.ModelsHealthContributor;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Spring Boot's actuator on the class path: the {@code models} and {@code distillations} endpoints (when
 * available: enabled and exposed by {@code management.endpoints.web.exposure.include}; the starter exposes
 * nothing by itself), health indicators {@code distill4jEngine}, {@code distill4jModels} (one entry per
 * loaded model) and {@code distill4jDistiller} ({@code management.health.distill4j.enabled}), and the
 * {@code distill4j} info contribution ({@code management.info.distill4j.enabled}). Each bean gives way to the
 * application's own; {@code distill4j.actuator.enabled=false} leaves them all out. Who may call the endpoints
 * is {@link Distill4jSecurityAutoConfiguration}'s business.
 */
@AutoConfiguration(after = { InferenceAutoConfiguration.class, DistillAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBooleanProperty(name = "distill4j.actuator.enabled", matchIfMissing = true)
public final class AdminEndpointsAutoConfiguration {

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    ModelsEndpoint distill4jModelsEndpoint(InferenceEngine engine) {
        return new ModelsEndpoint(engine);
    }

    @Bean
    @ConditionalOnBean(ModelsEndpoint.class)
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    ModelsEndpointWebExtension distill4jModelsEndpointWebExtension(ModelsEndpoint endpoint) {
        return new ModelsEndpointWebExtension(endpoint);
    }

    @Bean
    @ConditionalOnBean(Distiller.class)
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    DistillationsEndpoint distill4jDistillationsEndpoint(Distiller distiller) {
        return new DistillationsEndpoint(distiller);
    }

    @Bean
    @ConditionalOnBean(DistillationsEndpoint.class)
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    DistillationsEndpointWebExtension distill4jDistillationsEndpointWebExtension(DistillationsEndpoint endpoint) {
        return new DistillationsEndpointWebExtension(endpoint);
    }

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    @ConditionalOnEnabledInfoContributor("distill4j")
    Distill4jInfoContributor distill4jInfoContributor(InferenceEngine engine) {
        return new Distill4jInfoContributor(engine);
    }

    /** Health of the engine, its models and the job runner (Boot 4 keeps health in its own module). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("distill4j")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnBean(InferenceEngine.class)
        @ConditionalOnMissingBean(name = "distill4jEngineHealthIndicator")
        EngineHealthIndicator distill4jEngineHealthIndicator(InferenceEngine engine) {
            return new EngineHealthIndicator(engine);
        }

        @Bean
        @ConditionalOnBean(InferenceEngine.class)
        @ConditionalOnMissingBean(name = "distill4jModelsHealthContributor")
        ModelsHealthContributor distill4jModelsHealthContributor(InferenceEngine engine) {
            return new ModelsHealthContributor(engine);
        }

        @Bean
        @ConditionalOnBean(Distiller.class)
        @ConditionalOnMissingBean(name = "distill4jDistillerHealthIndicator")
        DistillerHealthIndicator distill4jDistillerHealthIndicator(Distiller distiller) {
            return new DistillerHealthIndicator(distiller);
        }
    }
}
