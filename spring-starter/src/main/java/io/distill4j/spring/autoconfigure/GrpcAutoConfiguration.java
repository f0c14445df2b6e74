package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Distiller;
import io.distill4j.spring.grpc.AccessInterceptor;
import io.distill4j.spring.grpc.DistillationGrpcService;
import io.distill4j.spring.grpc.GrpcStatusMapper;
import io.distill4j.spring.grpc.OpenInferenceService;
import io.distill4j.spring.resilience.InferenceGuard;
import io.grpc.BindableService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

/**
 * Distill4j's gRPC services for Spring Boot's gRPC server ({@code spring.grpc.server.*}: port, address,
 * message size, TLS): the Open Inference Protocol v2 ({@code inference.GRPCInferenceService}) over the
 * engine (each model call under the {@link InferenceGuard} when there is one), the distillation-job service over the {@link Distiller}, the access interceptor
 * ({@code distill4j.security.*}: admin methods need credentials and are refused without them), and the
 * exception handler that maps Distill4j's errors to status codes (after any of the application's own).
 * {@code distill4j.grpc.enabled=false} leaves them all out.
 */
@AutoConfiguration(after = { InferenceAutoConfiguration.class, DistillAutoConfiguration.class,
        ResilienceAutoConfiguration.class })
@ConditionalOnClass({ BindableService.class, GrpcExceptionHandler.class })
@ConditionalOnBooleanProperty(name = "distill4j.grpc.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ Distill4jSecurityProperties.class, DistillProperties.class })
public final class GrpcAutoConfiguration {

    /** The name {@code ServerMetadata} reports. */
    public static final String SERVER_NAME = "distill4j";

    @Bean
    @GlobalServerInterceptor
    @ConditionalOnMissingBean
    AccessInterceptor distill4jAccessInterceptor(Distill4jSecurityProperties security) {
        return new AccessInterceptor(Optional.ofNullable(security.getAdmin().getToken()),
                Optional.ofNullable(security.getAdmin().getUsername()),
                Optional.ofNullable(security.getAdmin().getPassword()),
                Optional.ofNullable(security.getInference().getToken()));
    }

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    OpenInferenceService distill4jOpenInferenceService(InferenceEngine engine, ObjectProvider<InferenceGuard> guard,
            AccessInterceptor access) {
        String version = GrpcAutoConfiguration.class.getPackage().getImplementationVersion();
        return new OpenInferenceService(engine, guard.getIfAvailable(() -> InferenceGuard.deadlineOnly(engine)),
                SERVER_NAME, version != null ? version : "development", access.adminEnabled());
    }

    @Bean
    @ConditionalOnBean(Distiller.class)
    @ConditionalOnMissingBean
    DistillationGrpcService distill4jDistillationService(Distiller distiller, DistillProperties distill) {
        List<Path> roots = distill.getDataRoots().isEmpty() ? List.of(distill.getWorkDirectory())
                : distill.getDataRoots();
        return new DistillationGrpcService(distiller, roots);
    }

    @Bean
    @ConditionalOnMissingBean(name = "distill4jGrpcExceptionHandler")
    @Order(Ordered.LOWEST_PRECEDENCE)
    GrpcExceptionHandler distill4jGrpcExceptionHandler() {
        return failure -> GrpcStatusMapper.toStatus(failure).withCause(failure).asException();
    }
}
