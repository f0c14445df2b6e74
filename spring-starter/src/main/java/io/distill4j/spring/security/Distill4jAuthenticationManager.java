package io.distill4j.spring.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The one check of Distill4j's credentials, used by the gRPC surface and the actuator endpoints alike: a
 * {@link ProviderManager} over
 * <ul>
 * <li>a {@link DaoAuthenticationProvider} with the admin user (HTTP Basic), whose password is compared in
 * constant time, or by its encoder when it is stored encoded ({@code {bcrypt}...});</li>
 * <li>a provider of the static bearer tokens ({@link StaticTokenAuthentication}): the admin token and the
 * inference token, compared in constant time.</li>
 * </ul>
 * The admin user and the admin token carry {@link #ADMIN} and {@link #INFERENCE}; the inference token carries
 * {@link #INFERENCE} only. With no admin credentials configured {@link #adminEnabled()} is false and nothing
 * authenticates as admin: the admin surface is off, never open.
 */
public final class Distill4jAuthenticationManager implements AuthenticationManager {

    /** The authority of the admin credentials: repository control, distillation jobs, admin endpoints. */
    public static final String ADMIN = "ROLE_DISTILL4J_ADMIN";

    /** The authority inference calls need when an inference token is configured. */
    public static final String INFERENCE = "ROLE_DISTILL4J_INFERENCE";

    private final boolean adminEnabled;

    private final boolean inferenceTokenRequired;

    private final ProviderManager delegate;

    /**
     * @param adminToken the admin bearer token, if any
     * @param adminUser the admin user name for basic authentication, if any (with {@code adminPassword})
     * @param adminPassword the admin password, plain or encoded with an id prefix ({@code {bcrypt}...})
     * @param inferenceToken the bearer token inference calls need, if any
     * @throws IllegalArgumentException if only one of user and password is given, or a secret is blank
     */
    public Distill4jAuthenticationManager(Optional<String> adminToken, Optional<String> adminUser,
            Optional<String> adminPassword, Optional<String> inferenceToken) {
        if (adminUser.isPresent() != adminPassword.isPresent()) {
            throw new IllegalArgumentException("distill4j.security.admin.username and .password must be set together");
        }
        requireNotBlank("distill4j.security.admin.token", adminToken);
        requireNotBlank("distill4j.security.admin.username", adminUser);
        requireNotBlank("distill4j.security.admin.password", adminPassword);
        requireNotBlank("distill4j.security.inference.token", inferenceToken);
        List<AuthenticationProvider> providers = new ArrayList<>();
        providers.add(new TokenProvider(adminToken, inferenceToken));
        adminUser.ifPresent(user -> {
            DaoAuthenticationProvider basic = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(User
                .withUsername(user).password(adminPassword.get()).authorities(ADMIN, INFERENCE).build()));
            DelegatingPasswordEncoder encoder = (DelegatingPasswordEncoder) PasswordEncoderFactories
                .createDelegatingPasswordEncoder();
            encoder.setDefaultPasswordEncoderForMatches(new ConstantTimePlainText());
            basic.setPasswordEncoder(encoder);
            providers.add(basic);
        });
        this.adminEnabled = adminToken.isPresent() || adminUser.isPresent();
        this.inferenceTokenRequired = inferenceToken.isPresent();
        this.delegate = new ProviderManager(providers);
    }

    /** Whether admin credentials are configured: the admin methods and endpoints exist only then. */
    public boolean adminEnabled() {
        return this.adminEnabled;
    }

    /** Whether inference calls need the inference token (or the admin credentials). */
    public boolean inferenceTokenRequired() {
        return this.inferenceTokenRequired;
    }

    /**
     * Authenticates a {@link StaticTokenAuthentication} or a
     * {@link org.springframework.security.authentication.UsernamePasswordAuthenticationToken}.
     * @throws BadCredentialsException if they match no configured credentials
     */
    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        return this.delegate.authenticate(authentication);
    }

    private static void requireNotBlank(String property, Optional<String> value) {
        if (value.isPresent() && value.get().isBlank()) {
            throw new IllegalArgumentException(property + " must not be blank; leave it unset to turn it off");
        }
    }

    private static boolean equal(byte[] expected, String given) {
        return MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }

    /** The static bearer tokens. */
    private static final class TokenProvider implements AuthenticationProvider {

        private static final List<GrantedAuthority> ADMIN_AUTHORITIES = AuthorityUtils.createAuthorityList(ADMIN,
                INFERENCE);

        private static final List<GrantedAuthority> INFERENCE_AUTHORITIES = AuthorityUtils.createAuthorityList(INFERENCE);

        private final Optional<byte[]> admin;

        private final Optional<byte[]> inference;

        TokenProvider(Optional<String> admin, Optional<String> inference) {
            this.admin = admin.map(token -> token.getBytes(StandardCharsets.UTF_8));
            this.inference = inference.map(token -> token.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            Object credentials = authentication.getCredentials();
            String token = credentials == null ? "" : credentials.toString();
            if (this.admin.isPresent() && equal(this.admin.get(), token)) {
                return StaticTokenAuthentication.authenticated("admin-token", ADMIN_AUTHORITIES);
            }
            if (this.inference.isPresent() && equal(this.inference.get(), token)) {
                return StaticTokenAuthentication.authenticated("inference-token", INFERENCE_AUTHORITIES);
            }
            throw new BadCredentialsException("The bearer token matches no configured token (distill4j.security.*)");
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return StaticTokenAuthentication.class.isAssignableFrom(authentication);
        }
    }

    /** A password stored without an encoder id: compared in constant time. */
    private static final class ConstantTimePlainText implements PasswordEncoder {

        @Override
        public String encode(CharSequence rawPassword) {
            return rawPassword.toString();
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            return rawPassword != null && encodedPassword != null
                    && equal(encodedPassword.getBytes(StandardCharsets.UTF_8), rawPassword.toString());
        }
    }
}
