package io.distill4j.spring.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Who may call what on the gRPC surface. <b>Admin methods</b> — the repository's load and unload and
 * every method of the distillation service — need the admin credentials: a bearer token
 * ({@code authorization: Bearer <token>}) or a user and password ({@code authorization: Basic ...}).
 * With no admin credentials configured they are refused with {@code PERMISSION_DENIED}: the admin surface
 * is off, never open. <b>Inference methods</b> are open unless an inference token is configured, in which
 * case they need it (or the admin credentials). Wrong or missing credentials: {@code UNAUTHENTICATED}.
 * Comparisons take constant time.
 */
public final class AccessInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Optional<byte[]> adminBearer;

    private final Optional<byte[]> adminBasic;

    private final Optional<byte[]> inferenceBearer;

    /**
     * @param adminToken the admin bearer token, if any
     * @param adminUser the admin user name for basic authentication, if any (with {@code adminPassword})
     * @param adminPassword the admin password
     * @param inferenceToken the bearer token inference calls need, if any
     * @throws IllegalArgumentException if only one of user and password is given, or a secret is blank
     */
    public AccessInterceptor(Optional<String> adminToken, Optional<String> adminUser, Optional<String> adminPassword,
            Optional<String> inferenceToken) {
        if (adminUser.isPresent() != adminPassword.isPresent()) {
            throw new IllegalArgumentException("distill4j.security.admin.username and .password must be set together");
        }
        this.adminBearer = secret("distill4j.security.admin.token", adminToken);
        this.adminBasic = adminUser.map(user -> (user + ":" + adminPassword.get()).getBytes(StandardCharsets.UTF_8));
        this.inferenceBearer = secret("distill4j.security.inference.token", inferenceToken);
    }

    /** Whether admin credentials are configured: the admin methods exist only then. */
    public boolean adminEnabled() {
        return this.adminBearer.isPresent() || this.adminBasic.isPresent();
    }

    /** Whether a method changes what the server serves or runs jobs. */
    public static boolean isAdminMethod(String fullMethodName) {
        return fullMethodName.startsWith(DistillationServiceGrpc.SERVICE_NAME + "/")
                || fullMethodName.equals(GRPCInferenceServiceGrpc.getRepositoryModelLoadMethod().getFullMethodName())
                || fullMethodName.equals(GRPCInferenceServiceGrpc.getRepositoryModelUnloadMethod().getFullMethodName());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String authorization = headers.get(AUTHORIZATION);
        if (isAdminMethod(method)) {
            if (!adminEnabled()) {
                return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " is an admin method and admin "
                        + "access is not configured on this server (distill4j.security.admin.*)"));
            }
            if (!isAdmin(authorization)) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(method + " needs the admin credentials"));
            }
        }
        else if (method.startsWith(GRPCInferenceServiceGrpc.SERVICE_NAME + "/") && this.inferenceBearer.isPresent()
                && !matches(this.inferenceBearer, authorization, "Bearer ") && !isAdmin(authorization)) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(method + " needs the inference token"));
        }
        return next.startCall(call, headers);
    }

    private boolean isAdmin(String authorization) {
        return matches(this.adminBearer, authorization, "Bearer ")
                || matches(this.adminBasic.map(b -> Base64.getEncoder().encode(b)), authorization, "Basic ");
    }

    private static boolean matches(Optional<byte[]> expected, String authorization, String scheme) {
        if (expected.isEmpty() || authorization == null || !authorization.regionMatches(true, 0, scheme, 0,
                scheme.length())) {
            return false;
        }
        byte[] given = authorization.substring(scheme.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected.get(), given);
    }

    private static Optional<byte[]> secret(String property, Optional<String> value) {
        if (value.isPresent() && value.get().isBlank()) {
            throw new IllegalArgumentException(property + " must not be blank; leave it unset to turn it off");
        }
        return value.map(v -> v.getBytes(StandardCharsets.UTF_8));
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
