package io.distill4j.spring.actuate;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.ByteString;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.spring.testing.AdminServer;
import io.distill4j.spring.testing.MiniLmRepository;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin endpoint swaps MiniLM between versions 1 and 2 while 8 clients call ModelInfer over a real gRPC
 * port without pause: not one request fails, and answers come from both versions.
 */
class HotSwapUnderLoadIT {

    private static final int CLIENTS = 8;

    private static final int SWAPS = 6;

    @TempDir
    Path dir;

    @Test
    void hotSwapsThroughTheAdminEndpointUnderConcurrentGrpcLoadFailNoRequest() throws Exception {
        Path repository = MiniLmRepository.install(this.dir.resolve("models"));
        MiniLmRepository.install(repository, "minilm", 2);
        try (AdminServer server = AdminServer.start("distill4j.inference.model-repository=" + repository,
                "distill4j.inference.load-on-startup=minilm", "distill4j.inference.session.intra-op-threads=1",
                "distill4j.distill.work-directory=" + this.dir.resolve("work"),
                "management.endpoints.web.exposure.include=models", "distill4j.security.admin.token=s3cret")) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.grpcPort()).usePlaintext().build();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            AtomicBoolean running = new AtomicBoolean(true);
            Map<String, AtomicLong> answersByVersion = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch warm = new CountDownLatch(CLIENTS);
            try {
                GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc
                    .newBlockingStub(channel);
                List<Future<?>> calls = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++) {
                    int id = client;
                    calls.add(clients.submit(() -> {
                        boolean first = true;
                        while (running.get()) {
                            try {
                                ModelInferResponse response = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                    .modelInfer(request("client " + id + " asks about its card payment"));
                                assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 384L);
                                answersByVersion.computeIfAbsent(response.getModelVersion(), v -> new AtomicLong())
                                    .incrementAndGet();
                            }
                            catch (Throwable failure) {
                                failures.add(failure);
                            }
                            if (first) {
                                warm.countDown();
                                first = false;
                            }
                        }
                    }));
                }
                assertThat(warm.await(2, TimeUnit.MINUTES)).as("every client got an answer").isTrue();
                long version = 2;
                for (int swap = 0; swap < SWAPS; swap++) {
                    version = version == 2 ? 1 : 2;
                    long before = total(answersByVersion);
                    HttpResponse<String> swapped = server.send("POST", "/actuator/models/minilm", "Bearer s3cret",
                            "{\"version\": " + version + "}");
                    assertThat(swapped.statusCode()).as(swapped.body()).isEqualTo(200);
                    assertThat(swapped.body()).contains("\"servedVersion\":" + version);
                    // Let requests run on the new version before the next swap.
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                    while (total(answersByVersion) < before + 4 * CLIENTS && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                running.set(false);
                for (Future<?> call : calls) {
                    call.get(2, TimeUnit.MINUTES);
                }
            }
            finally {
                running.set(false);
                clients.shutdownNow();
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(answersByVersion.keySet()).containsExactlyInAnyOrder("1", "2");
            assertThat(total(answersByVersion)).isGreaterThan((long) SWAPS * 4 * CLIENTS);
        }
    }

    private static long total(Map<String, AtomicLong> answers) {
        return answers.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static ModelInferRequest request(String text) {
        return ModelInferRequest.newBuilder().setModelName("minilm").addInputs(ModelInferRequest.InferInputTensor
            .newBuilder().setName("text").setDatatype("BYTES").addShape(1).setContents(InferTensorContents
                .newBuilder().addBytesContents(ByteString.copyFromUtf8(text)))).build();
    }
}
