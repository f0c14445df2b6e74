package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.spring.inference.OpenInference;
import io.distill4j.spring.lifecycle.ServingGate;
import io.distill4j.spring.resilience.InferenceGuard;
import io.distill4j.spring.rest.OpenInferenceRestController;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * In a servlet web application (Spring MVC on the class path and a web server): the Open Inference Protocol v2
 * over HTTP/REST under {@code /v2}, on the application's port, each model call under the {@link InferenceGuard}
 * when there is one — the same as the gRPC binding's; {@code distill4j.rest.max-request-size} (16 MB, as the
 * platform server's gRPC messages) bounds an inference request. Only in an application that serves
 * ({@link ConditionalOnServing}: the server starter, {@code distill4j.serving.enabled=true} or
 * {@code distill4j.rest.enabled=true}). With Spring Security, the starter's filter chain decides who may call it (see
 * {@link Distill4jSecurityAutoConfiguration}).
 */
@AutoConfiguration(after = { InferenceAutoConfiguration.class, ResilienceAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnServing("rest")
@EnableConfigurationProperties({ Distill4jSecurityProperties.class, RestProperties.class })
public final class OpenInferenceRestAutoConfiguration {

    private static final String AUTHENTICATION_MANAGER =
            "org.springframework.security.authentication.AuthenticationManager";

    @Bean
    @ConditionalOnBean(InferenceEngine.class)
    @ConditionalOnMissingBean
    OpenInferenceRestController distill4jOpenInferenceRestController(InferenceEngine engine,
            ObjectProvider<InferenceGuard> guard, ObjectProvider<ServingGate> gate,
            Distill4jSecurityProperties security, RestProperties rest) {
        boolean admin = security.getAdmin().hasCredentials();
        if (admin && !ClassUtils.isPresent(AUTHENTICATION_MANAGER, getClass().getClassLoader())) {
            throw new IllegalStateException("distill4j.security.admin.* credentials are set but nothing can check them "
                    + "on /v2/repository: add Spring Security (spring-boot-starter-security)");
        }
        // With Spring Security, the starter's filter chain checks the admin credentials on /v2/repository.
        return new OpenInferenceRestController(new OpenInference(engine,
                guard.getIfAvailable(() -> InferenceGuard.deadlineOnly(engine)), gate.getIfAvailable(ServingGate::new)),
                OpenInference.SERVER_NAME, OpenInference.serverVersion(), rest.getMaxRequestSize().toBytes(), admin);
    }
}
