package io.distill4j.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Credentials of the gRPC surface and the admin actuator endpoints ({@code distill4j.security.*}), checked by
 * Spring Security. Admin methods (repository load and unload, distillation jobs) and the {@code models},
 * {@code distillations} and {@code prometheus} endpoints need the admin token or user and password; with
 * neither set they are refused, never open. gRPC inference needs {@code inference.token} only when it is set.
 *
 * <pre>
 * distill4j.security.admin.token=${ADMIN_TOKEN}       # authorization: Bearer ...
 * distill4j.security.admin.username=ops               # or authorization: Basic ...
 * distill4j.security.admin.password=${ADMIN_PASSWORD}
 * distill4j.security.inference.token=${INFER_TOKEN}   # optional
 * </pre>
 */
@ConfigurationProperties("distill4j.security")
public class Distill4jSecurityProperties {

    private final Admin admin = new Admin();

    private final Inference inference = new Inference();

    public Admin getAdmin() {
        return this.admin;
    }

    public Inference getInference() {
        return this.inference;
    }

    /** Admin credentials. */
    public static class Admin {

        /** Whether a token or a user is configured: the admin methods of every binding are then on. */
        public boolean hasCredentials() {
            return this.token != null || this.username != null;
        }

        /** Bearer token of the admin methods; unset: no token access. */
        private String token;

        /** User name for basic authentication of the admin methods (with password). */
        private String username;

        /**
         * Password for basic authentication of the admin methods (with username); plain, or encoded with its
         * encoder's id as prefix ({@code {bcrypt}...}).
         */
        private String password;

        public String getToken() {
            return this.token;
        }

        public void setToken(String token) {
            this.token = token;
        }

        public String getUsername() {
            return this.username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return this.password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** Inference credentials. */
    public static class Inference {

        /** Bearer token inference calls need; unset: inference is open. */
        private String token;

        public String getToken() {
            return this.token;
        }

        public void setToken(String token) {
            this.token = token;
        }
    }
}
