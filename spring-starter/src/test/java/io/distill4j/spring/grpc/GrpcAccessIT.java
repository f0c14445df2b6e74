package io.distill4j.spring.grpc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.distill.v1.ListJobsRequest;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.RepositoryIndexRequest;
import io.distill4j.api.grpc.inference.RepositoryModelUnloadRequest;
import io.distill4j.api.grpc.inference.ServerLiveRequest;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.spring.resilience.InferenceGuard;
import io.distill4j.spring.security.Distill4jAuthenticationManager;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.grpc.server.exception.GrpcExceptionHandlerInterceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Credentials on a real server, checked by Spring gRPC's Spring Security interceptor with the shared
 * {@link Distill4jAuthenticationManager}: admin methods closed without configuration, tokens and basic auth
 * checked.
 */
class GrpcAccessIT {

    @TempDir
    Path dir;

    @Test
    void withoutAdminCredentialsTheAdminMethodsAreOffAndInferenceIsOpen() throws Exception {
        run(access(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), (inference,
                distill) -> {
            assertThat(inference.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
            assertThat(inference.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList()).isEmpty();
            // Open inference reads no credentials: a stale header does not break it.
            assertThat(with(inference, "Bearer stale").serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
            assertCode(Status.Code.PERMISSION_DENIED, () -> inference.repositoryModelUnload(
                    RepositoryModelUnloadRequest.newBuilder().setModelName("x").build()));
            assertCode(Status.Code.PERMISSION_DENIED, () -> distill.list(ListJobsRequest.getDefaultInstance()));
            assertCode(Status.Code.PERMISSION_DENIED, () -> with(distill, "Bearer anything")
                .list(ListJobsRequest.getDefaultInstance()));
        });
    }

    @Test
    void adminMethodsNeedTheTokenOrTheUserAndPassword() throws Exception {
        run(access(Optional.of("s3cret"), Optional.of("ops"), Optional.of("pa:ss"), Optional.empty()),
                (inference, distill) -> {
                    assertCode(Status.Code.UNAUTHENTICATED, () -> distill.list(ListJobsRequest.getDefaultInstance()));
                    assertCode(Status.Code.UNAUTHENTICATED, () -> with(distill, "Bearer wrong")
                        .list(ListJobsRequest.getDefaultInstance()));
                    assertCode(Status.Code.UNAUTHENTICATED, () -> with(distill, basic("ops", "nope"))
                        .list(ListJobsRequest.getDefaultInstance()));
                    assertThat(with(distill, "Bearer s3cret").list(ListJobsRequest.getDefaultInstance()).getJobsList())
                        .isEmpty();
                    assertThat(with(distill, basic("ops", "pa:ss")).list(ListJobsRequest.getDefaultInstance())
                        .getJobsList()).isEmpty();
                    // Past the credentials, the method itself answers: no model 'x' is loaded.
                    assertCode(Status.Code.NOT_FOUND, () -> with(inference, "bearer s3cret").repositoryModelUnload(
                            RepositoryModelUnloadRequest.newBuilder().setModelName("x").build()));
                    assertThat(inference.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
                });
    }

    @Test
    void anInferenceTokenClosesInferenceToOthers() throws Exception {
        run(access(Optional.of("admin"), Optional.empty(), Optional.empty(), Optional.of("infer")),
                (inference, distill) -> {
                    assertCode(Status.Code.UNAUTHENTICATED, () -> inference.serverLive(ServerLiveRequest.getDefaultInstance()));
                    assertThat(with(inference, "Bearer infer").serverLive(ServerLiveRequest.getDefaultInstance())
                        .getLive()).isTrue();
                    assertThat(with(inference, "Bearer admin").serverLive(ServerLiveRequest.getDefaultInstance())
                        .getLive()).isTrue();
                    assertCode(Status.Code.UNAUTHENTICATED, () -> with(distill, "Bearer infer")
                        .list(ListJobsRequest.getDefaultInstance()));
                });
    }

    @Test
    void halfConfiguredOrBlankCredentialsAreRefusedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> access(Optional.empty(), Optional.of("ops"), Optional.empty(),
                Optional.empty())).withMessageContaining("username and .password must be set together");
        assertThatIllegalArgumentException().isThrownBy(() -> access(Optional.of(" "), Optional.empty(), Optional.empty(),
                Optional.empty())).withMessageContaining("distill4j.security.admin.token must not be blank");
    }

    private interface Calls {

        void run(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub inference,
                DistillationServiceGrpc.DistillationServiceBlockingStub distill) throws Exception;
    }

    private static Distill4jAuthenticationManager access(Optional<String> adminToken, Optional<String> adminUser,
            Optional<String> adminPassword, Optional<String> inferenceToken) {
        return new Distill4jAuthenticationManager(adminToken, adminUser, adminPassword, inferenceToken);
    }

    private void run(Distill4jAuthenticationManager authentication, Calls calls) throws Exception {
        // As on Spring Boot's server: the exception handler outermost, then the access interceptor.
        ServerInterceptor access = GrpcAccess.interceptor(authentication);
        ServerInterceptor exceptions = new GrpcExceptionHandlerInterceptor(
                failure -> GrpcStatusMapper.toStatus(failure).asException());
        java.nio.file.Files.createDirectories(this.dir.resolve("repo"));
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(this.dir.resolve("repo")).build());
                PipelineDistiller distiller = new PipelineDistiller(DistillerConfig.builder(this.dir.resolve("work"))
                    .build())) {
            Server server = NettyServerBuilder.forPort(0)
                .addService(ServerInterceptors.intercept(new OpenInferenceService(engine,
                        InferenceGuard.deadlineOnly(engine), "d", "t", authentication.adminEnabled()), access, exceptions))
                .addService(ServerInterceptors.intercept(new DistillationGrpcService(distiller, List.of(this.dir)), access,
                        exceptions))
                .build().start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
            try {
                calls.run(GRPCInferenceServiceGrpc.newBlockingStub(channel), DistillationServiceGrpc.newBlockingStub(channel));
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static <S extends AbstractStub<S>> S with(S stub, String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertCode(Status.Code code, Executable call) {
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(call::execute)
            .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(code));
    }
}
