package io.distill4j.spring.grpc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

import io.distill4j.spring.security.Distill4jAuthenticationManager;
import io.distill4j.spring.security.StaticTokenAuthentication;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.grpc.server.security.CallContext;
import org.springframework.grpc.server.security.GrpcAuthenticationExtractor;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who may call what on the gRPC surface, enforced by Spring gRPC's Spring Security interceptor
 * ({@link AuthenticationProcessInterceptor}) with the shared {@link Distill4jAuthenticationManager}.
 * <b>Admin methods</b> — the repository's load and unload and every method of the distillation service —
 * need the admin credentials: a bearer token ({@code authorization: Bearer <token>}) or the admin user and
 * password ({@code authorization: Basic ...}). With no admin credentials configured they are refused with
 * {@code PERMISSION_DENIED}: the admin surface is off, never open. <b>Inference methods</b> are open unless an
 * inference token is configured, in which case they need it (or the admin credentials). Wrong, missing or
 * insufficient credentials: {@code UNAUTHENTICATED}. Credentials are read only for a method that needs them.
 */
public final class GrpcAccess {

    private GrpcAccess() {
    }

    /** The interceptor that authenticates and authorizes every call; register it as a global one. */
    public static AuthenticationProcessInterceptor interceptor(Distill4jAuthenticationManager authentication) {
        return new AuthenticationProcessInterceptor(authentication, new Credentials(authentication),
                new Rules(authentication));
    }

    /** Reads {@code authorization: Basic|Bearer ...} for a method whose rule needs credentials. */
    private static final class Credentials implements GrpcAuthenticationExtractor {

        private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
                Metadata.ASCII_STRING_MARSHALLER);

        private static final String BASIC = "basic ";

        private final Distill4jAuthenticationManager authentication;

        Credentials(Distill4jAuthenticationManager authentication) {
            this.authentication = authentication;
        }

        @Override
        public Authentication extract(Metadata headers, Attributes attributes, MethodDescriptor<?, ?> method) {
            String name = method.getFullMethodName();
            boolean needed = GrpcMethods.isAdminMethod(name) ? this.authentication.adminEnabled()
                    : GrpcMethods.isInferenceMethod(name) && this.authentication.inferenceTokenRequired();
            if (!needed) {
                return null;
            }
            String header = headers.get(AUTHORIZATION);
            if (header != null && header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
                return basic(header.substring(BASIC.length()).trim());
            }
            return StaticTokenAuthentication.fromAuthorizationHeader(header);
        }

        /** user:password, split at the first colon (RFC 7617: a password may contain colons). */
        private static Authentication basic(String encoded) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            }
            catch (IllegalArgumentException ex) {
                throw new BadCredentialsException("The basic authentication header is not valid Base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new BadCredentialsException("The basic authentication header has no user:password");
            }
            return UsernamePasswordAuthenticationToken.unauthenticated(decoded.substring(0, colon),
                    decoded.substring(colon + 1));
        }
    }

    /** Admin methods need {@code ADMIN}, inference methods {@code INFERENCE} when a token is set; the rest is open. */
    private static final class Rules implements AuthorizationManager<CallContext> {

        private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

        private final Distill4jAuthenticationManager authentication;

        Rules(Distill4jAuthenticationManager authentication) {
            this.authentication = authentication;
        }

        @Override
        public AuthorizationResult authorize(Supplier<? extends Authentication> caller, CallContext call) {
            String method = call.method().getFullMethodName();
            if (GrpcMethods.isAdminMethod(method)) {
                if (!this.authentication.adminEnabled()) {
                    throw new AccessDeniedException(method + " is an admin method and admin access is not configured "
                            + "on this server (distill4j.security.admin.*)");
                }
                require(caller.get(), Distill4jAuthenticationManager.ADMIN, method + " needs the admin credentials");
            }
            else if (GrpcMethods.isInferenceMethod(method) && this.authentication.inferenceTokenRequired()) {
                require(caller.get(), Distill4jAuthenticationManager.INFERENCE, method + " needs the inference token");
            }
            return GRANTED;
        }

        /** A caller without the authority was not authenticated for this method: UNAUTHENTICATED, not DENIED. */
        private static void require(Authentication caller, String authority, String message) {
            boolean held = caller != null && caller.isAuthenticated() && caller.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).anyMatch(authority::equals);
            if (!held) {
                throw new InsufficientAuthenticationException(message);
            }
        }
    }
}
