package io.distill4j.spring.autoconfigure;

import java.io.IOException;
import java.util.Optional;

import io.distill4j.spring.security.Distill4jAuthenticationManager;
import io.distill4j.spring.security.StaticTokenAuthentication;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * With Spring Security on the class path: the credentials of {@code distill4j.security.*} as one
 * {@link Distill4jAuthenticationManager} (used by the gRPC surface and the actuator), and, in a servlet web
 * application with the actuator, the {@link SecurityFilterChain} of the management endpoints:
 * <ul>
 * <li>{@code health} and {@code info} are open (health shows details to the admin only when
 * {@code management.endpoint.health.show-details=when-authorized});</li>
 * <li>every other endpoint ({@code models}, {@code distillations}, {@code prometheus}, ...) needs the admin
 * credentials: HTTP Basic with the admin user or {@code Authorization: Bearer <admin token>}; missing or wrong
 * credentials answer 401. With no admin credentials configured they answer 403: off, never open;</li>
 * <li>the Open Inference Protocol's REST paths ({@code /v2/**}): its health paths are open (probes); its
 *     repository extension ({@code /v2/repository/**}) needs the admin credentials (403 for everyone when none
 *     are configured); the rest needs {@code Authorization: Bearer <inference token>} (or admin credentials)
 *     when {@code distill4j.security.inference.token} is set, and is open otherwise — as over gRPC;</li>
 * <li>any other request needs authentication, as with Spring Boot's own default chain, which this one
 * replaces.</li>
 * </ul>
 * The application's own {@link SecurityFilterChain} or {@code distill4jAuthenticationManager} bean replaces
 * ours. The starter never exposes an endpoint: {@code management.endpoints.web.exposure.include} decides.
 */
@AutoConfiguration(before = { UserDetailsServiceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
        ManagementWebSecurityAutoConfiguration.class })
@ConditionalOnClass(AuthenticationManager.class)
@EnableConfigurationProperties(Distill4jSecurityProperties.class)
public final class Distill4jSecurityAutoConfiguration {

    /** The Open Inference Protocol's REST paths ({@code OpenInferenceRestController}). */
    static final String OPEN_INFERENCE = "/v2/**";

    /** Its repository extension, for the admin only. */
    static final String OPEN_INFERENCE_REPOSITORY = "/v2/repository/**";

    /** Its health paths, open to probes. */
    static final String OPEN_INFERENCE_HEALTH = "/v2/health/**";

    /** The realm of the admin endpoints' basic authentication challenge. */
    static final String REALM = "distill4j";

    @Bean
    @ConditionalOnMissingBean(name = "distill4jAuthenticationManager")
    Distill4jAuthenticationManager distill4jAuthenticationManager(Distill4jSecurityProperties security) {
        return new Distill4jAuthenticationManager(Optional.ofNullable(security.getAdmin().getToken()),
                Optional.ofNullable(security.getAdmin().getUsername()),
                Optional.ofNullable(security.getAdmin().getPassword()),
                Optional.ofNullable(security.getInference().getToken()));
    }

    /** The management endpoints' filter chain. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, EndpointRequest.class,
            WebEndpointAutoConfiguration.class })
    static class ManagementSecurityConfiguration {

        @Bean
        @ConditionalOnMissingBean(SecurityFilterChain.class)
        SecurityFilterChain distill4jManagementSecurityFilterChain(HttpSecurity http,
                Distill4jAuthenticationManager authentication) throws Exception {
            http.authenticationManager(authentication);
            http.authorizeHttpRequests(requests -> {
                requests.requestMatchers(EndpointRequest.to("health", "info")).permitAll();
                requests.requestMatchers(OPEN_INFERENCE_HEALTH).permitAll();
                if (authentication.adminEnabled()) {
                    requests.requestMatchers(OPEN_INFERENCE_REPOSITORY)
                        .hasAuthority(Distill4jAuthenticationManager.ADMIN);
                }
                else {
                    requests.requestMatchers(OPEN_INFERENCE_REPOSITORY).denyAll();
                }
                if (authentication.inferenceTokenRequired()) {
                    requests.requestMatchers(OPEN_INFERENCE).hasAuthority(Distill4jAuthenticationManager.INFERENCE);
                }
                else {
                    requests.requestMatchers(OPEN_INFERENCE).permitAll();
                }
                if (authentication.adminEnabled()) {
                    requests.requestMatchers(EndpointRequest.toAnyEndpoint())
                        .hasAuthority(Distill4jAuthenticationManager.ADMIN);
                }
                else {
                    requests.requestMatchers(EndpointRequest.toAnyEndpoint()).denyAll();
                }
                requests.anyRequest().authenticated();
            });
            if (authentication.adminEnabled()) {
                BasicAuthenticationEntryPoint challenge = new BasicAuthenticationEntryPoint();
                challenge.setRealmName(REALM);
                http.httpBasic(basic -> basic.authenticationEntryPoint(challenge));
                http.addFilterBefore(bearerTokenFilter(authentication, challenge), BasicAuthenticationFilter.class);
                http.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(challenge));
            }
            else {
                HttpStatusEntryPoint forbidden = new HttpStatusEntryPoint(HttpStatus.FORBIDDEN);
                if (authentication.inferenceTokenRequired()) {
                    http.addFilterBefore(bearerTokenFilter(authentication, forbidden), BasicAuthenticationFilter.class);
                }
                http.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(forbidden));
            }
            // Credentials on every request, no cookies: nothing for a cross-site request to ride on.
            http.csrf(csrf -> csrf.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint())
                .ignoringRequestMatchers(OPEN_INFERENCE));
            http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            return http.build();
        }

        /** {@code Authorization: Bearer <token>} through the shared manager; a wrong token gets the challenge. */
        private static AuthenticationFilter bearerTokenFilter(Distill4jAuthenticationManager authentication,
                AuthenticationEntryPoint challenge) {
            AuthenticationFilter filter = new AuthenticationFilter(authentication,
                    request -> StaticTokenAuthentication.fromAuthorizationHeader(request.getHeader("Authorization")));
            filter.setSuccessHandler(new ContinueTheChain());
            filter.setFailureHandler(new AuthenticationEntryPointFailureHandler(challenge));
            return filter;
        }
    }

    /** After a token authenticated, the request goes on to the endpoint (no redirect). */
    private static final class ContinueTheChain implements AuthenticationSuccessHandler {

        @Override
        public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                Authentication authentication) {
        }

        @Override
        public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                Authentication authentication) throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }
}
