package io.distill4j.spring.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The gRPC access rule without Spring Security on the class path: admin methods
 * ({@link GrpcMethods#isAdminMethod}) are refused with {@code PERMISSION_DENIED}, inference is open. The
 * starter fails the start instead when credentials are configured but cannot be checked.
 */
public final class ClosedAdminInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (GrpcMethods.isAdminMethod(method)) {
            call.close(Status.PERMISSION_DENIED.withDescription(method + " is an admin method and admin access is not "
                    + "configured on this server (distill4j.security.admin.* with Spring Security)"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
