/**
 * The admin and inference credentials ({@code distill4j.security.*}) as one Spring Security
 * {@link org.springframework.security.authentication.AuthenticationManager}, shared by the gRPC surface and
 * the actuator endpoints: HTTP Basic with the admin user, or a static bearer token.
 */
package io.distill4j.spring.security;
