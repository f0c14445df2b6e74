package io.distill4j.spring.security;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * A static bearer token ({@code authorization: Bearer <token>}): unauthenticated as it arrives, authenticated
 * by {@link Distill4jAuthenticationManager} with the authorities of the token it matched.
 */
public final class StaticTokenAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private static final String BEARER = "bearer ";

    private final String principal;

    private String token;

    private StaticTokenAuthentication(String principal, String token, Collection<? extends GrantedAuthority> authorities,
            boolean authenticated) {
        super(authorities);
        this.principal = principal;
        this.token = token;
        super.setAuthenticated(authenticated);
    }

    /** A token as presented, to be authenticated. */
    public static StaticTokenAuthentication unauthenticated(String token) {
        return new StaticTokenAuthentication("token", token, List.of(), false);
    }

    /** A token that matched one of the configured ones; its credentials are erased. */
    static StaticTokenAuthentication authenticated(String principal, Collection<? extends GrantedAuthority> authorities) {
        return new StaticTokenAuthentication(principal, null, authorities, true);
    }

    /**
     * The token of an {@code authorization} header value with the {@code Bearer} scheme (any case).
     * @return the token, or {@code null} if the header is absent or of another scheme
     */
    public static StaticTokenAuthentication fromAuthorizationHeader(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return unauthenticated(header.substring(BEARER.length()).trim());
    }

    @Override
    public Object getCredentials() {
        return this.token;
    }

    @Override
    public Object getPrincipal() {
        return this.principal;
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("A token is authenticated only by Distill4jAuthenticationManager");
        }
        super.setAuthenticated(false);
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        this.token = null;
    }

    @Override
    public String toString() {
        return "StaticTokenAuthentication[" + this.principal.toLowerCase(Locale.ROOT) + ", authenticated="
                + isAuthenticated() + "]";
    }
}
