package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.google.protobuf.ByteString;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.distill.v1.ListJobsRequest;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.RepositoryModelUnloadRequest;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.spring.grpc.DistillationGrpcService;
import io.distill4j.spring.grpc.OpenInferenceService;
import io.distill4j.spring.metrics.DistillationMetrics;
import io.distill4j.spring.metrics.InferenceMetrics;
import io.distill4j.spring.resilience.InferenceGuard;
import io.distill4j.spring.testing.MiniLmRepository;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import io.grpc.Metadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.grpc.stub.MetadataUtils;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The starter's auto-configuration in real Spring contexts: the engine over a real repository, the
 * switches, user beans winning, missing classes, and the Open Inference service on Spring Boot's own gRPC
 * server on a free port.
 */
class Distill4jAutoConfigurationIT {

    @TempDir
    static Path dir;

    private static Path repository;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class, ResilienceAutoConfiguration.class,
                GrpcAutoConfiguration.class, DistillAutoConfiguration.class, MetricsAutoConfiguration.class,
                Distill4jSecurityAutoConfiguration.class))
        .withPropertyValues("distill4j.serving.enabled=true", "distill4j.inference.model-repository=" + repository,
                "distill4j.distill.work-directory=" + dir.resolve("work"));

    /** The runner with Spring Boot's gRPC server on a free port. */
    private final ApplicationContextRunner bootServer = this.runner.withConfiguration(AutoConfigurations.of(
            SslAutoConfiguration.class, GrpcServerAutoConfiguration.class, GrpcServerServicesAutoConfiguration.class))
        .withPropertyValues("spring.grpc.server.port=0");

    @BeforeAll
    static void repository() throws Exception {
        repository = MiniLmRepository.install(dir.resolve("repo"));
    }

    @Test
    void theEngineLoadsTheStartupModelsAndClosesWithTheContext() {
        OnnxInferenceEngine[] seen = new OnnxInferenceEngine[1];
        this.runner.withPropertyValues("distill4j.inference.load-on-startup=minilm").run(context -> {
            assertThat(context).hasSingleBean(InferenceEngine.class).hasSingleBean(OpenInferenceService.class)
                .hasBean("distill4jGrpcExceptionHandler");
            seen[0] = context.getBean(OnnxInferenceEngine.class);
            assertThat(seen[0].loadedModels()).extracting(d -> d.id().name()).containsExactly("minilm");
        });
        assertThatIllegalStateException().as("closed with the context").isThrownBy(() -> seen[0].loadedModels());
    }

    @Test
    void theDistillerBeanIsConfiguredClosedAndReplaceable() {
        PipelineDistiller[] seen = new PipelineDistiller[1];
        this.runner.withPropertyValues("distill4j.distill.concurrency=2", "distill4j.distill.max-epochs=3")
            .run(context -> {
                assertThat(context).hasSingleBean(Distiller.class);
                seen[0] = context.getBean(PipelineDistiller.class);
                assertThat(seen[0].config().concurrency()).isEqualTo(2);
                assertThat(seen[0].config().maxEpochs()).isEqualTo(3);
                assertThat(seen[0].config().modelRepository()).contains(repository);
            });
        assertThatIllegalStateException().as("closed with the context")
            .isThrownBy(() -> seen[0].submit(io.distill4j.api.distill.DistillationSpec.builder()
                .teacher(io.distill4j.api.distill.TeacherSpec.repositoryModel("minilm"))
                .data(io.distill4j.api.distill.DataSpec.csv(dir.resolve("train.csv"))).build()));
        this.runner.withPropertyValues("distill4j.distill.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(Distiller.class));
        this.runner.withClassLoader(new FilteredClassLoader(PipelineDistiller.class))
            .run(context -> assertThat(context).doesNotHaveBean(Distiller.class).hasSingleBean(InferenceEngine.class));
    }

    @Test
    void aStarLoadsEveryModelInTheRepository() {
        this.runner.withPropertyValues("distill4j.inference.load-on-startup=*").run(context -> assertThat(
                context.getBean(InferenceEngine.class).loadedModels()).extracting(d -> d.id().name())
            .containsExactly("minilm"));
    }

    @Test
    void aModelThatCannotLoadFailsTheStartNamingIt() {
        this.runner.withPropertyValues("distill4j.inference.load-on-startup=no-such-model").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("no-such-model");
        });
    }

    @Test
    void eachFeatureCanBeSwitchedOff() {
        this.runner.withPropertyValues("distill4j.inference.enabled=false").run(context -> assertThat(context)
            .doesNotHaveBean(InferenceEngine.class).doesNotHaveBean(OpenInferenceService.class));
        this.runner.withPropertyValues("distill4j.grpc.enabled=false").run(context -> assertThat(context)
            .hasSingleBean(InferenceEngine.class).doesNotHaveBean(OpenInferenceService.class)
            .doesNotHaveBean(GrpcExceptionHandler.class));
    }

    @Test
    void withoutGrpcOnTheClassPathOnlyTheEngineIsConfigured() {
        this.runner.withClassLoader(new FilteredClassLoader(BindableService.class)).run(context -> assertThat(context)
            .hasSingleBean(InferenceEngine.class).doesNotHaveBean(OpenInferenceService.class));
        this.runner.withClassLoader(new FilteredClassLoader(OnnxInferenceEngine.class)).run(context -> assertThat(context)
            .doesNotHaveBean(InferenceEngine.class).doesNotHaveBean(OpenInferenceService.class));
    }

    @Test
    void theUsersBeansWin() {
        this.runner.withBean("myEngine", InferenceEngine.class, () -> OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(repository).build()))
            .withBean("myService", OpenInferenceService.class,
                    () -> new OpenInferenceService(OnnxInferenceEngine.open(EngineConfig.builder()
                        .modelRepository(repository).build()), "mine", "1"))
            .run(context -> {
                assertThat(context).hasSingleBean(InferenceEngine.class).hasBean("myEngine")
                    .doesNotHaveBean("distill4jInferenceEngine");
                assertThat(context).hasSingleBean(OpenInferenceService.class).hasBean("myService");
            });
    }

    @Test
    void springBootsGrpcServerServesTheOpenInferenceProtocol() {
        this.bootServer
            .withPropertyValues("distill4j.inference.load-on-startup=minilm",
                    "spring.grpc.server.inbound.message.max-size=64KB")
            .run(context -> {
                overChannel(context, channel -> {
                    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc
                        .newBlockingStub(channel);
                    ModelInferResponse response = client.modelInfer(request("minilm"));
                    assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 384L);
                    float[] expected = context.getBean(InferenceEngine.class).embed("minilm", "A card payment");
                    assertThat(response.getOutputs(0).getContents().getFp32Contents(5)).isEqualTo(expected[5]);
                    assertThatExceptionOfType(StatusRuntimeException.class)
                        .isThrownBy(() -> client.modelInfer(request("missing")))
                        .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
                    // No admin credentials configured: the repository's load and unload are refused, never open.
                    assertThatExceptionOfType(StatusRuntimeException.class)
                        .isThrownBy(() -> client.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                            .setModelName("minilm").build()))
                        .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
                    assertThat(context.getBean(InferenceEngine.class).loadedModels()).hasSize(1);
                    // Over the server's message size: refused by the transport before any of our code runs.
                    ModelInferRequest oversized = request("minilm").toBuilder().setId("x".repeat(100_000)).build();
                    assertThatExceptionOfType(StatusRuntimeException.class)
                        .isThrownBy(() -> client.modelInfer(oversized))
                        .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                });
            });
    }

    @Test
    void adminCredentialsOpenTheDistillationServiceOnBootsServer() {
        this.bootServer.withPropertyValues("distill4j.security.admin.token=s3cret")
            .run(context -> {
                assertThat(context).hasSingleBean(DistillationGrpcService.class)
                    .hasSingleBean(AuthenticationProcessInterceptor.class).hasBean(GrpcAutoConfiguration.ACCESS_INTERCEPTOR);
                overChannel(context, channel -> {
                    DistillationServiceGrpc.DistillationServiceBlockingStub client = DistillationServiceGrpc
                        .newBlockingStub(channel);
                    assertThatExceptionOfType(StatusRuntimeException.class)
                        .isThrownBy(() -> client.list(ListJobsRequest.getDefaultInstance()))
                        .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                    Metadata headers = new Metadata();
                    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer s3cret");
                    assertThat(client.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .list(ListJobsRequest.getDefaultInstance()).getJobsList()).isEmpty();
                });
            });
    }

    @Test
    void resilienceIsOnByDefaultSwitchableAndReplaceable() {
        this.runner.run(context -> assertThat(context).hasSingleBean(InferenceGuard.class));
        this.runner.withPropertyValues("distill4j.resilience.enabled=false").run(context -> assertThat(context)
            .doesNotHaveBean(InferenceGuard.class).hasSingleBean(OpenInferenceService.class));
        this.runner.withClassLoader(new FilteredClassLoader(CircuitBreaker.class)).run(context -> assertThat(context)
            .doesNotHaveBean(InferenceGuard.class).hasSingleBean(OpenInferenceService.class));
        this.runner.withBean("myGuard", InferenceGuard.class, () -> InferenceGuard.deadlineOnly(OnnxInferenceEngine
                .open(EngineConfig.builder().modelRepository(repository).build())))
            .run(context -> assertThat(context).hasSingleBean(InferenceGuard.class).hasBean("myGuard"));
    }

    @Test
    void resilience4jPropertiesBoundEachModelOnBootsServer() {
        this.bootServer.withConfiguration(AutoConfigurations.of(BulkheadAutoConfiguration.class,
                CircuitBreakerAutoConfiguration.class, TimeLimiterAutoConfiguration.class))
            .withPropertyValues("distill4j.inference.load-on-startup=minilm",
                    "resilience4j.bulkhead.instances.minilm.max-concurrent-calls=1",
                    "resilience4j.bulkhead.instances.minilm.max-wait-duration=0")
            .run(context -> {
                assertThat(context).hasNotFailed();
                Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).bulkhead("minilm");
                overChannel(context, channel -> {
                    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc
                        .newBlockingStub(channel);
                    assertThat(client.modelInfer(request("minilm")).getOutputsCount()).isEqualTo(1);
                    assertThat(bulkhead.tryAcquirePermission()).as("the one permit, as if a call were running").isTrue();
                    assertThatExceptionOfType(StatusRuntimeException.class)
                        .isThrownBy(() -> client.modelInfer(request("minilm")))
                        .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                        .withMessageContaining("limit of 1 concurrent calls");
                    bulkhead.onComplete();
                    assertThat(client.modelInfer(request("minilm")).getOutputsCount()).isEqualTo(1);
                    assertThat(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("minilm").getMetrics()
                        .getNumberOfSuccessfulCalls()).isEqualTo(2);
                });
            });
    }

    @Test
    void theTimeLimiterBoundsACallOverARealPortWithDeadlineExceeded() {
        this.bootServer.withConfiguration(AutoConfigurations.of(TimeLimiterAutoConfiguration.class))
            .withPropertyValues("distill4j.inference.load-on-startup=minilm",
                    "resilience4j.timelimiter.instances.minilm.timeout-duration=0s")
            .run(context -> {
                overChannel(context, channel -> {
                    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc
                        .newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                    assertThatExceptionOfType(StatusRuntimeException.class)
                        .isThrownBy(() -> client.modelInfer(request("minilm")))
                        .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED))
                        .withMessageContaining("The deadline (0 ms) passed before the request to model minilm/1 could run");
                });
            });
    }

    @Test
    void metricsMeasureTheEnginesRequestsBatchesRejectsAndJobs() {
        this.runner.withConfiguration(AutoConfigurations.of(BulkheadAutoConfiguration.class))
            .withPropertyValues("distill4j.inference.load-on-startup=minilm", "distill4j.inference.session.intra-op-threads=1")
            .run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(InferenceMetrics.class).bindTo(registry);
            context.getBean(DistillationMetrics.class).bindTo(registry);
            InferenceEngine engine = context.getBean(InferenceEngine.class);
            assertThat(engine.embed("minilm", List.of("A card payment", "A transfer"))).hasSize(2);
            assertThatExceptionOfType(TransientException.class)
                .isThrownBy(() -> engine.withTimeout(Duration.ZERO).embed("minilm", "too late"));
            Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).bulkhead("minilm");
            InferenceGuard guard = context.getBean(InferenceGuard.class);
            while (bulkhead.tryAcquirePermission()) {
                // fill the bulkhead, as if its calls were all running
            }
            assertThatExceptionOfType(ModelOverloadedException.class)
                .isThrownBy(() -> guard.call("minilm", null, e -> e.embed("minilm", "refused")));

            Timer requests = registry.get("distill4j.inference.requests").tags("model", "minilm", "version", "1",
                    "outcome", "success").timer();
            assertThat(requests.count()).isEqualTo(1);
            assertThat(registry.get("distill4j.inference.batch.size").tag("model", "minilm").summary().totalAmount())
                .isEqualTo(2);
            assertThat(registry.get("distill4j.inference.queue.depth").tag("model", "minilm").gauge().value()).isZero();
            assertThat(registry.get("distill4j.inference.rejected").tags("model", "minilm", "reason", "timeout")
                .counter().count()).isEqualTo(1);
            assertThat(registry.get("distill4j.inference.rejected").tags("model", "minilm", "reason", "overloaded")
                .counter().count()).isEqualTo(1);
            assertThat(registry.get("distill4j.process.memory.resident").gauge().value()).isGreaterThan(50e6);
            assertThat(registry.get("distill4j.distillation.jobs").tag("state", "running").gauge().value()).isZero();
        });
        this.runner.withPropertyValues("distill4j.metrics.enabled=false").run(context -> assertThat(context)
            .doesNotHaveBean(InferenceMetrics.class).doesNotHaveBean(DistillationMetrics.class));
        this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> assertThat(context)
            .doesNotHaveBean(InferenceMetrics.class).hasSingleBean(InferenceEngine.class));
    }

    /** Opens a channel to the context's gRPC server, runs the calls, and shuts the channel down. */
    private static void overChannel(AssertableApplicationContext context, Consumer<ManagedChannel> calls)
            throws InterruptedException {
        assertThat(context).hasNotFailed();
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost",
                context.getBean(GrpcServerLifecycle.class).getPort()).usePlaintext().build();
        try {
            calls.accept(channel);
        }
        finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static ModelInferRequest request(String model) {
        return ModelInferRequest.newBuilder().setModelName(model).addInputs(ModelInferRequest.InferInputTensor
            .newBuilder().setName("text").setDatatype("BYTES").addShape(1).setContents(InferTensorContents
                .newBuilder().addBytesContents(ByteString.copyFromUtf8("A card payment")))).build();
    }
}
