package io.distill4j.samples;

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
                "--distill4j.inference.model-repository=" + repository, "--spring.grpc.server.port=0")) {
            assertThat(repository.resolve("minilm/1/model.onnx")).isRegularFile();
            assertThat(Files.readString(repository.resolve("minilm/1/model.json"))).contains("text-embedding");
            int port = context.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
            try {
                GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc
                    .newBlockingStub(channel);
                assertThat(client.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
                    .isEqualTo("distill4j");
                ModelInferResponse response = client.modelInfer(ModelInferRequest.newBuilder().setModelName("minilm")
                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("text").setDatatype("BYTES")
                        .addShape(1).setContents(InferTensorContents.newBuilder()
                            .addBytesContents(ByteString.copyFromUtf8("Where is my card?"))))
                    .build());
                assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 384L);
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        // A second start on the same folder keeps what is there (no reinstall).
        Files.writeString(repository.resolve("minilm/1/marker"), "kept");
        try (ConfigurableApplicationContext context = PlatformServer.start(
                "--distill4j.inference.model-repository=" + repository, "--spring.grpc.server.port=0")) {
            assertThat(repository.resolve("minilm/1/marker")).hasContent("kept");
        }
    }
}
