package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Distiller;
import io.distill4j.spring.grpc.ClosedAdminInterceptor;
import io.distill4j.spring.grpc.DistillationGrpcService;
import io.distill4j.spring.grpc.GrpcAccess;
import io.distill4j.spring.grpc.GrpcStatusMapper;
import io.distill4j.spring.grpc.OpenInferenceService;
import io.distill4j.spring.inference.OpenInference;
import io.distill4j.spring.lifecycle.ServingGate;
import io.distill4j.spring.resilience.InferenceGuard;
import io.distill4j.spring.security.Distill4jAuthenticationManager;
import io.grpc.BindableService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;

/**
 * Distill4j's gRPC services for Spring Boot's gRPC server ({@code spring.grpc.server.*}: port, address,
 * message size, TLS): the Open Inference Protocol v2 ({@code inference.GRPCInferenceService}) over the
 * engine (each model call under the {@link InferenceGuard} when there is one), the distillation-job service
 * over the {@link Distiller}, the access interceptor
 * ({@code distill4j.security.*}, checked by Spring Security when it is on the class path: admin methods need
 * credentials and are refused without them), and the exception handler that maps Distill4j's errors to status
 * codes (after any of the application's own).
 * Only in an application that serves ({@link ConditionalOnServing}: the server starter on the class path,
 * {@code distill4j.serving.enabled=true} or {@code distill4j.grpc.enabled=true}); without a gRPC service bean,
 * Spring Boot's gRPC server does not start.
 */
@AutoConfiguration(after = { InferenceAutoConfiguration.class, DistillAutoConfiguration.class,
        ResilienceAutoConfiguration.class, Distill4jSecurityAutoConfiguration.class })
@ConditionalOnClass({ BindableService.class, GrpcExceptionHandler.class })
@ConditionalOnServing("grpc")
@EnableConfigurationProperties({ Distill4jSecurityProperties.class, DistillProperties.class })
public final class GrpcAutoConfiguration {

    /** The name {@code ServerMetadata} reports. */
    public static final String SERVER_NAME = OpenInference.SERVER_NAME;

    /** The bean name of the interceptor that checks credentials; a bean of that name replaces ours. */
    public static final String ACCESS_INTERCEPTOR = "distill4jGrpcAccessInterceptor";

    /**
     * Without Spring Security (or without the {@code distill4jAuthenticationManager}): admin methods refused,
     * inference open; configured credentials that nothing could check fail the start.
     */
    @Bean
    @GlobalServerInterceptor
    @ConditionalOnMissingBean(name = ACCESS_INTERCEPTOR)
    ClosedAdminInterceptor distill4jGrpcAccessInterceptor(Distill4jSecurityProperties security) {
        if (security.getAdmin().hasCredentials() || security.getInference().getToken() != null) {
            throw new IllegalStateException("distill4j.security.* credentials are set but nothing can check them: "
                    + "add Spring Security (spring-boot-starter-security) for the distill4jAuthenticationManager");
        }
        return new ClosedAdminInterceptor();
    }

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    OpenInferenceService distill4jOpenInferenceService(InferenceEngine engine, ObjectProvider<InferenceGuard> guard,
            ObjectProvider<ServingGate> gate, Distill4jSecurityProperties security) {
        // Admin credentials are checked by the access interceptor, or the start failed without one that can.
        return new OpenInferenceService(engine, guard.getIfAvailable(() -> InferenceGuard.deadlineOnly(engine)),
                gate.getIfAvailable(ServingGate::new), SERVER_NAME, OpenInference.serverVersion(),
                security.getAdmin().hasCredentials());
    }

    @Bean
    @ConditionalOnBean(Distiller.class)
    @ConditionalOnMissingBean
    DistillationGrpcService distill4jDistillationService(Distiller distiller, DistillProperties distill) {
        return new DistillationGrpcService(distiller, distill.dataRootPaths());
    }

    @Bean
    @ConditionalOnMissingBean(name = "distill4jGrpcExceptionHandler")
    @Order(Ordered.LOWEST_PRECEDENCE)
    GrpcExceptionHandler distill4jGrpcExceptionHandler() {
        return failure -> GrpcStatusMapper.toStatus(failure).withCause(failure).asException();
    }

    /**
     * With Spring Security: Spring gRPC's {@link AuthenticationProcessInterceptor} with the shared
     * {@link Distill4jAuthenticationManager} ({@link GrpcAccess}), and its failures mapped to
     * UNAUTHENTICATED / PERMISSION_DENIED with their messages, ahead of Spring gRPC's generic handler.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.authentication.AuthenticationManager")
    @ConditionalOnBean(Distill4jAuthenticationManager.class)
    static class SpringSecurityAccessConfiguration {

        @Bean
        @GlobalServerInterceptor
        @ConditionalOnMissingBean(name = ACCESS_INTERCEPTOR)
        AuthenticationProcessInterceptor distill4jGrpcAccessInterceptor(Distill4jAuthenticationManager authentication) {
            return GrpcAccess.interceptor(authentication);
        }

        @Bean
        @ConditionalOnMissingBean(name = "distill4jGrpcSecurityExceptionHandler")
        @Order(Ordered.LOWEST_PRECEDENCE - 1)
        GrpcExceptionHandler distill4jGrpcSecurityExceptionHandler() {
            return failure -> {
                io.grpc.Status status = GrpcStatusMapper.securityStatus(failure);
                return status != null ? status.withCause(failure).asException() : null;
            };
        }
    }
}
