package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.spring.lifecycle.ServingGate;
import io.distill4j.spring.lifecycle.ServingShutdown;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The graceful shutdown of a serving application ({@link ServingShutdown}: readiness down, an optional
 * {@code distill4j.shutdown.delay}, refusals, requests in flight finished, then the servers stop and the engine
 * closes) and the {@link ServingGate} that the gRPC and REST bindings of the engine share. Present whenever there
 * is an {@link InferenceEngine}; a user's own {@link ServingGate} bean replaces the starter's.
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class,
        before = { GrpcAutoConfiguration.class, OpenInferenceRestAutoConfiguration.class })
@ConditionalOnBean(InferenceEngine.class)
@EnableConfigurationProperties({ ShutdownProperties.class, InferenceProperties.class })
public final class ServingShutdownAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ServingGate distill4jServingGate() {
        return new ServingGate();
    }

    @Bean
    @ConditionalOnMissingBean
    ServingShutdown distill4jServingShutdown(ServingGate gate, ApplicationContext context, ShutdownProperties shutdown,
            InferenceProperties inference) {
        return new ServingShutdown(gate, context, shutdown.getDelay(), inference.getDrainTimeout(),
                shutdown.isHandleSigterm());
    }
}
