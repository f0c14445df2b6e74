package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.spring.grpc.GrpcStatusMapper;
import io.distill4j.spring.grpc.OpenInferenceService;
import io.grpc.BindableService;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

/**
 * Distill4j's gRPC services for Spring Boot's gRPC server ({@code spring.grpc.server.*}: port, address,
 * message size, TLS): the Open Inference Protocol v2 ({@code inference.GRPCInferenceService}) over the
 * engine, and the exception handler that maps Distill4j's errors to status codes (after any of the
 * application's own). {@code distill4j.grpc.enabled=false} leaves them out.
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class)
@ConditionalOnClass({ BindableService.class, GrpcExceptionHandler.class })
@ConditionalOnBooleanProperty(name = "distill4j.grpc.enabled", matchIfMissing = true)
public final class GrpcAutoConfiguration {

    /** The name {@code ServerMetadata} reports. */
    public static final String SERVER_NAME = "distill4j";

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    OpenInferenceService distill4jOpenInferenceService(InferenceEngine engine) {
        String version = GrpcAutoConfiguration.class.getPackage().getImplementationVersion();
        return new OpenInferenceService(engine, SERVER_NAME, version != null ? version : "development");
    }

    @Bean
    @ConditionalOnMissingBean(name = "distill4jGrpcExceptionHandler")
    @Order(Ordered.LOWEST_PRECEDENCE)
    GrpcExceptionHandler distill4jGrpcExceptionHandler() {
        return failure -> GrpcStatusMapper.toStatus(failure).withCause(failure).asException();
    }
}
