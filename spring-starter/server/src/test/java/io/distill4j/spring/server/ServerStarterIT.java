package io.distill4j.spring.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that adds the server starter, and sets nothing else, serves: the Open Inference Protocol over
 * gRPC and over REST, as its dependencies say — and {@code distill4j.serving.enabled=false} still switches it
 * off.
 */
class ServerStarterIT {

    @TempDir
    Path dir;

    @Test
    void addingTheServerStarterServesGrpcAndRest() throws Exception {
        try (ConfigurableApplicationContext context = start()) {
            int grpcPort = context.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
            try {
                assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            int httpPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + httpPort + "/v2/health/live")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            HttpResponse<String> server = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + httpPort + "/v2")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(server.body()).contains("\"name\":\"distill4j\"");
        }
    }

    @Test
    void thePropertyStillSwitchesServingOff() throws IOException {
        try (ConfigurableApplicationContext context = start("distill4j.serving.enabled=false")) {
            assertThat(context.getBeansOfType(GrpcServerLifecycle.class)).isEmpty();
            assertThat(context.containsBean("distill4jOpenInferenceRestController")).isFalse();
        }
    }

    private ConfigurableApplicationContext start(String... properties) throws IOException {
        Files.createDirectories(this.dir.resolve("models"));
        return new SpringApplicationBuilder(Application.class)
            .properties("server.port=0", "spring.grpc.server.port=0", "spring.main.banner-mode=off",
                    "distill4j.inference.model-repository=" + this.dir.resolve("models"),
                    "distill4j.distill.work-directory=" + this.dir.resolve("work"))
            .properties(properties).run();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
    }
}
