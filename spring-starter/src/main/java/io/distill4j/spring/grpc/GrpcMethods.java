package io.distill4j.spring.grpc;

import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;

/** Which gRPC methods are admin methods and which are inference methods (no Spring Security needed here). */
public final class GrpcMethods {

    private GrpcMethods() {
    }

    /** Whether a method changes what the server serves or runs jobs: repository load and unload, distillation. */
    public static boolean isAdminMethod(String fullMethodName) {
        return fullMethodName.startsWith(DistillationServiceGrpc.SERVICE_NAME + "/")
                || fullMethodName.equals(GRPCInferenceServiceGrpc.getRepositoryModelLoadMethod().getFullMethodName())
                || fullMethodName.equals(GRPCInferenceServiceGrpc.getRepositoryModelUnloadMethod().getFullMethodName());
    }

    /** Whether a method is one of the Open Inference Protocol's, other than the admin ones. */
    public static boolean isInferenceMethod(String fullMethodName) {
        return fullMethodName.startsWith(GRPCInferenceServiceGrpc.SERVICE_NAME + "/") && !isAdminMethod(fullMethodName);
    }
}
