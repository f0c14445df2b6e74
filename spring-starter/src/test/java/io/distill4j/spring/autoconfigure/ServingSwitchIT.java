package io.distill4j.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.ServerLiveRequest;
import io.distill4j.spring.grpc.DistillationGrpcService;
import io.distill4j.spring.grpc.OpenInferenceService;
import io.distill4j.spring.rest.OpenInferenceRestController;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether an application that adds the starter serves: the starter alone opens no port (it distils and
 * infers in-process), {@code distill4j.serving.enabled=true} serves gRPC and, in a web application, REST;
 * each transport's own switch wins over it. (Adding the server starter is tested in its own module.)
 */
class ServingSwitchIT {

    @TempDir
    static Path dir;

    private static final AutoConfigurations STARTER = AutoConfigurations.of(InferenceAutoConfiguration.class,
            ResilienceAutoConfiguration.class, GrpcAutoConfiguration.class, OpenInferenceRestAutoConfiguration.class,
            DistillAutoConfiguration.class, MetricsAutoConfiguration.class);

    /** Spring Boot's own gRPC server, as the starter brings it, on a free port when it starts. */
    private static final AutoConfigurations BOOT_GRPC = AutoConfigurations.of(SslAutoConfiguration.class,
            GrpcServerAutoConfiguration.class, GrpcServerServicesAutoConfiguration.class,
            GrpcServerHealthAutoConfiguration.class);

    private final ApplicationContextRunner plain = new ApplicationContextRunner().withConfiguration(STARTER)
        .withConfiguration(BOOT_GRPC)
        .withPropertyValues("distill4j.inference.model-repository=" + dir.resolve("models"),
                "distill4j.distill.work-directory=" + dir.resolve("work"), "spring.grpc.server.port=0");

    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(STARTER)
        .withConfiguration(BOOT_GRPC).withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
        .withPropertyValues("distill4j.inference.model-repository=" + dir.resolve("models"),
                "distill4j.distill.work-directory=" + dir.resolve("work"), "spring.grpc.server.port=0");

    @BeforeAll
    static void emptyRepository() throws IOException {
        Files.createDirectories(dir.resolve("models"));
    }

    @Test
    void theStarterAloneWorksInProcessAndOpensNoPort() {
        this.plain.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(InferenceEngine.class).hasSingleBean(Distiller.class);
            assertThat(context).doesNotHaveBean(OpenInferenceService.class)
                .doesNotHaveBean(DistillationGrpcService.class).doesNotHaveBean(GrpcServerLifecycle.class);
            assertThat(context.getBeansOfType(BindableService.class)).isEmpty();
        });
    }

    @Test
    void inAWebApplicationTheStarterAloneAddsNoEndpoints() {
        this.web.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OpenInferenceRestController.class)
            .doesNotHaveBean(GrpcServerLifecycle.class));
    }

    @Test
    void onePropertyServesGrpc() {
        this.plain.withPropertyValues("distill4j.serving.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(OpenInferenceService.class).hasSingleBean(DistillationGrpcService.class)
                .hasSingleBean(GrpcServerLifecycle.class);
            int port = context.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
            try {
                assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        });
    }

    @Test
    void inAWebApplicationThePropertyServesRestToo() {
        this.web.withPropertyValues("distill4j.serving.enabled=true").run(context -> assertThat(context)
            .hasSingleBean(OpenInferenceRestController.class).hasSingleBean(OpenInferenceService.class));
    }

    @Test
    void aTransportsOwnSwitchWins() {
        this.web.withPropertyValues("distill4j.serving.enabled=true", "distill4j.grpc.enabled=false")
            .run(context -> assertThat(context).hasSingleBean(OpenInferenceRestController.class)
                .doesNotHaveBean(OpenInferenceService.class).doesNotHaveBean(GrpcServerLifecycle.class));
        this.web.withPropertyValues("distill4j.rest.enabled=true").run(context -> assertThat(context)
            .hasSingleBean(OpenInferenceRestController.class).doesNotHaveBean(OpenInferenceService.class));
        this.plain.withPropertyValues("distill4j.serving.enabled=false").run(context -> assertThat(context)
            .doesNotHaveBean(OpenInferenceService.class).doesNotHaveBean(GrpcServerLifecycle.class));
    }
}
