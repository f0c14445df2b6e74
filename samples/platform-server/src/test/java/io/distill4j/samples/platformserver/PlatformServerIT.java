package io.distill4j.samples.platformserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.ServerMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "run" path: the server with no configuration but a fresh folder and a free port. */
class PlatformServerIT {

    @Test
    void anEmptyRepositoryGetsTheEmbeddedDefaultServedOverGrpc(@TempDir Path dir) throws Exception {
        Path repository = dir.resolve("models");
        try (ConfigurableApplicationContext context = PlatformServer.start(
                "--distill4j.inference.model-repository=" + repository, "--spring.grpc.server.port=0",
                "--server.port=0", "--management.server.port=0")) {
            assertThat(repository.resolve("minilm/1/model.onnx")).isRegularFile();
            assertThat(Files.readString(repository.resolve("minilm/1/model.json"))).contains("text-embedding");
            int port = context.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
            try {
                GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc
                    .newBlockingStub(channel);
                assertThat(client.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
                    .isEqualTo("distill4j");
                ModelInferResponse response = client.modelInfer(textRequest("Where is my card?"));
                assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 384L);
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        // A second start on the same folder keeps what is there (no reinstall).
        Files.writeString(repository.resolve("minilm/1/marker"), "kept");
        try (ConfigurableApplicationContext context = PlatformServer.start(
                "--distill4j.inference.model-repository=" + repository, "--spring.grpc.server.port=0",
                "--server.port=0", "--management.server.port=0")) {
            assertThat(repository.resolve("minilm/1/marker")).hasContent("kept");
        }
    }

    @Test
    void theAdminEndpointsAnswerOnTheManagementPortOnlyWithTheAdminToken(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext context = PlatformServer.start(
                "--distill4j.inference.model-repository=" + dir.resolve("models"), "--spring.grpc.server.port=0",
                "--server.port=0", "--management.server.port=0", "--distill4j.security.admin.token=s3cret")) {
            int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, port, "/actuator/health", null).statusCode()).isEqualTo(200);
            assertThat(get(http, port, "/actuator/models", null).statusCode()).isEqualTo(401);
            HttpResponse<String> models = get(http, port, "/actuator/models", "Bearer s3cret");
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(models.body()).contains("\"name\":\"minilm\"", "\"state\":\"READY\"");
            assertThat(get(http, port, "/actuator/prometheus", null).statusCode()).isEqualTo(401);
            HttpResponse<String> prometheus = get(http, port, "/actuator/prometheus", "Bearer s3cret");
            assertThat(prometheus.statusCode()).isEqualTo(200);
            assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
            // One call through gRPC, then the engine's, the guard's and the jobs' meters are scraped.
            int grpcPort = context.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
            try {
                GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(textRequest("Where is my card?"));
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(get(http, port, "/actuator/prometheus", "Bearer s3cret").body()).contains(
                    "distill4j_inference_requests_seconds_bucket{model=\"minilm\",outcome=\"success\",version=\"1\"",
                    "distill4j_inference_batch_size_count{model=\"minilm\"} 1",
                    "distill4j_inference_queue_depth{model=\"minilm\"}", "distill4j_process_memory_resident_bytes",
                    "distill4j_distillation_jobs{state=\"running\"} 0",
                    "resilience4j_bulkhead_max_allowed_concurrent_calls{name=\"minilm\"} 32");
            // The REST binding answers on the HTTP port, without credentials (no inference token is set).
            int restPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
            assertThat(get(http, restPort, "/v2/health/ready", null).statusCode()).isEqualTo(200);
            HttpResponse<String> infer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + restPort
                    + "/v2/models/minilm/infer")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"text\", \"datatype\": "
                        + "\"BYTES\", \"shape\": [1], \"data\": [\"Where is my card?\"]}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);
            assertThat(infer.body()).contains("\"shape\":[1,384]");
            assertThat(get(http, restPort, "/actuator/models", "Bearer s3cret").statusCode())
                .as("the admin endpoints are not on the HTTP port").isEqualTo(404);
        }
    }

    private static ModelInferRequest textRequest(String text) {
        return ModelInferRequest.newBuilder().setModelName("minilm").addInputs(ModelInferRequest.InferInputTensor
            .newBuilder().setName("text").setDatatype("BYTES").addShape(1).setContents(InferTensorContents.newBuilder()
                .addBytesContents(ByteString.copyFromUtf8(text)))).build();
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
