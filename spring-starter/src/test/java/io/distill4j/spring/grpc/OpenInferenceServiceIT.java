package io.distill4j.spring.grpc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.ModelMetadataRequest;
import io.distill4j.api.grpc.inference.ModelMetadataResponse;
import io.distill4j.api.grpc.inference.ModelReadyRequest;
import io.distill4j.api.grpc.inference.RepositoryIndexRequest;
import io.distill4j.api.grpc.inference.RepositoryIndexResponse;
import io.distill4j.api.grpc.inference.RepositoryModelLoadRequest;
import io.distill4j.api.grpc.inference.RepositoryModelUnloadRequest;
import io.distill4j.api.grpc.inference.ServerLiveRequest;
import io.distill4j.api.grpc.inference.ServerMetadataRequest;
import io.distill4j.api.grpc.inference.ServerReadyRequest;
import io.distill4j.api.ModelId;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.spring.testing.MiniLmRepository;
import io.distill4j.spring.resilience.InferenceGuard;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Open Inference Protocol service on a real Netty server on a real port, called by a real client,
 * serving all-MiniLM-L6-v2 from a real engine: results against the in-process engine, and the status
 * code of each kind of bad request.
 */
class OpenInferenceServiceIT {

    private static final List<String> TEXTS = List.of("How do I reset my card PIN?", "Transfers abroad take a day.");

    @TempDir
    static Path dir;

    private static OnnxInferenceEngine engine;

    private static Server server;

    private static ManagedChannel channel;

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client;

    @BeforeAll
    static void start() throws Exception {
        engine = OnnxInferenceEngine.open(EngineConfig.builder()
            .modelRepository(MiniLmRepository.install(dir.resolve("repo"))).build());
        engine.load("minilm");
        server = NettyServerBuilder.forPort(0).addService(new OpenInferenceService(engine,
                InferenceGuard.deadlineOnly(engine), "distill4j", "test", true))
            .build().start();
        channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
        client = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
    }

    @Test
    void theServerIsLiveReadyAndNamesItsExtensions() {
        assertThat(client.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(client.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        assertThat(client.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getExtensionsList())
            .containsExactly("model_repository");
        assertThat(client.modelReady(ModelReadyRequest.newBuilder().setName("minilm").build()).getReady()).isTrue();
        assertThat(client.modelReady(ModelReadyRequest.newBuilder().setName("minilm").setVersion("2").build())
            .getReady()).isFalse();
        assertThat(client.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady()).isFalse();
    }

    @Test
    void aTextModelsMetadataShowsItsTextInterface() {
        ModelMetadataResponse metadata = client.modelMetadata(ModelMetadataRequest.newBuilder().setName("minilm")
            .build());
        assertThat(metadata.getVersionsList()).containsExactly("1");
        assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(metadata.getInputsList()).singleElement().satisfies(input -> {
            assertThat(input.getName()).isEqualTo("text");
            assertThat(input.getDatatype()).isEqualTo("BYTES");
            assertThat(input.getShapeList()).containsExactly(-1L);
        });
        assertThat(metadata.getOutputsList()).singleElement().satisfies(output -> {
            assertThat(output.getName()).isEqualTo("embedding");
            assertThat(output.getShapeList()).containsExactly(-1L, 384L);
        });
    }

    @Test
    void typedTextGivesTheEnginesEmbeddings() {
        ModelInferResponse response = client.modelInfer(textRequest(TEXTS, false).setId("req-7").build());
        assertThat(response.getId()).isEqualTo("req-7");
        assertThat(response.getModelVersion()).isEqualTo("1");
        assertThat(response.getRawOutputContentsCount()).isZero();
        ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
        assertThat(output.getName()).isEqualTo("embedding");
        assertThat(output.getDatatype()).isEqualTo("FP32");
        assertThat(output.getShapeList()).containsExactly(2L, 384L);
        List<float[]> expected = engine.embed("minilm", TEXTS);
        for (int row = 0; row < 2; row++) {
            for (int j = 0; j < 384; j++) {
                assertThat(output.getContents().getFp32Contents(row * 384 + j)).isEqualTo(expected.get(row)[j]);
            }
        }
    }

    @Test
    void rawTextGivesRawLittleEndianEmbeddings() {
        ModelInferResponse response = client.modelInfer(textRequest(TEXTS, true).build());
        assertThat(response.getOutputs(0).hasContents()).isFalse();
        ByteBuffer raw = response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(raw.remaining()).isEqualTo(2 * 384 * 4);
        float[] expected = engine.embed("minilm", TEXTS.get(1));
        raw.position(384 * 4);
        for (float value : expected) {
            assertThat(raw.getFloat()).isEqualTo(value);
        }
    }

    @Test
    void badRequestsGetTheirStatusCodeAndNameTheField() {
        assertStatus(ModelInferRequest.newBuilder().setModelName("nope"), Status.Code.NOT_FOUND, "nope");
        assertStatus(textRequest(TEXTS, false).setModelVersion("3"), Status.Code.NOT_FOUND, "version 3 is not loaded");
        assertStatus(textRequest(TEXTS, false).setModelName(""), Status.Code.INVALID_ARGUMENT, "model_name");
        ModelInferRequest.Builder wrongShape = textRequest(TEXTS, false);
        wrongShape.getInputsBuilder(0).clearShape().addShape(1).addShape(2);
        assertStatus(wrongShape, Status.Code.INVALID_ARGUMENT, "BYTES of shape [N] or [N, 1], got BYTES [1, 2]");
        ModelInferRequest.Builder tooFew = textRequest(TEXTS, false);
        tooFew.getInputsBuilder(0).clearShape().addShape(3);
        assertStatus(tooFew, Status.Code.INVALID_ARGUMENT, "text: shape [3] needs 3 elements, the contents hold 2");
        ModelInferRequest.Builder notUtf8 = textRequest(List.of("ok"), false);
        notUtf8.getInputsBuilder(0).setContents(InferTensorContents.newBuilder()
            .addBytesContents(ByteString.copyFrom(new byte[] {(byte) 0xC3, (byte) 0x28})));
        assertStatus(notUtf8, Status.Code.INVALID_ARGUMENT, "text[0]: BYTES elements must be valid UTF-8");
        ModelInferRequest.Builder truncated = textRequest(TEXTS, true);
        truncated.setRawInputContents(0, ByteString.copyFrom(new byte[] {9, 0, 0, 0, 'a'}));
        assertStatus(truncated, Status.Code.INVALID_ARGUMENT, "raw BYTES element 0 says 9 bytes, 1 remain");
        assertStatus(textRequest(TEXTS, false).addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
            .setName("logits")), Status.Code.INVALID_ARGUMENT, "outputs.logits: the model has no such output");
        ModelInferRequest.Builder float16 = textRequest(TEXTS, false);
        float16.getInputsBuilder(0).setDatatype("FP16");
        assertStatus(float16, Status.Code.INVALID_ARGUMENT, "text.datatype: 'FP16' is not supported");
        ModelInferRequest.Builder otherName = textRequest(TEXTS, false);
        otherName.getInputsBuilder(0).setName("sentence");
        assertStatus(otherName, Status.Code.INVALID_ARGUMENT, "inputs[0].name: a text model's input is 'text', got "
            + "'sentence'");
        ModelInferRequest.Builder twice = textRequest(TEXTS, false);
        twice.addInputs(twice.getInputs(0));
        assertStatus(twice, Status.Code.INVALID_ARGUMENT, "inputs[1].name: 'text' is given twice");
    }

    @Test
    void theRepositoryExtensionUnloadsAndLoadsAModel() {
        assertThat(client.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList())
            .extracting(RepositoryIndexResponse.ModelIndex::getName, RepositoryIndexResponse.ModelIndex::getState)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("minilm", "READY"));
        try {
            client.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("minilm").build());
            assertThat(client.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModels(0).getState())
                .isEqualTo("UNAVAILABLE");
            assertThat(client.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build())
                .getModelsList()).isEmpty();
            assertStatus(textRequest(TEXTS, false), Status.Code.NOT_FOUND, "minilm");
            assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> client.repositoryModelUnload(
                    RepositoryModelUnloadRequest.newBuilder().setModelName("minilm").build()))
                .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        }
        finally {
            client.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("minilm").build());
        }
        assertThat(client.modelReady(ModelReadyRequest.newBuilder().setName("minilm").build()).getReady()).isTrue();
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> client.repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName("not-in-the-repository").build()))
            .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aRequestWhoseDeadlineHasPassedIsNotRun() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (OnnxInferenceEngine counted = OnnxInferenceEngine.open(EngineConfig.builder()
            .modelRepository(dir.resolve("repo")).listener(new InferenceListener() {
                @Override
                public void onBatch(ModelId model, int batchSize, long runNanos) {
                    batches.incrementAndGet();
                }
            }).build())) {
            counted.load("minilm");
            OpenInferenceService service = new OpenInferenceService(counted, "d", "t");
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            StreamObserver<ModelInferResponse> observer = new StreamObserver<>() {
                @Override
                public void onNext(ModelInferResponse value) {
                    failure.complete(null);
                }

                @Override
                public void onError(Throwable error) {
                    failure.complete(error);
                }

                @Override
                public void onCompleted() {
                }
            };
            Context.CancellableContext expired = Context.current()
                .withDeadline(Deadline.after(-1, TimeUnit.MILLISECONDS), scheduler);
            expired.run(() -> service.modelInfer(textRequest(TEXTS, false).build(), observer));
            assertThat(Status.fromThrowable(failure.get(10, TimeUnit.SECONDS))).satisfies(status -> {
                assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                assertThat(status.getDescription()).contains("passed before the request to model minilm/1 could run");
            });
            assertThat(batches).hasValue(0);
            service.modelInfer(textRequest(TEXTS, false).build(), observer);
            assertThat(batches).as("the same request without a deadline runs").hasPositiveValue();
        }
        finally {
            scheduler.shutdownNow();
        }
    }

    private static ModelInferRequest.Builder textRequest(List<String> texts, boolean raw) {
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
            .setName("text").setDatatype("BYTES").addShape(texts.size());
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("minilm");
        if (raw) {
            ByteString.Output bytes = ByteString.newOutput();
            for (String text : texts) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                bytes.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array(), 0, 4);
                bytes.write(utf8, 0, utf8.length);
            }
            request.addRawInputContents(bytes.toByteString());
        }
        else {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            texts.forEach(text -> contents.addBytesContents(ByteString.copyFromUtf8(text)));
            input.setContents(contents);
        }
        return request.addInputs(input);
    }

    private static void assertStatus(ModelInferRequest.Builder request, Status.Code code, String description) {
        assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> client.modelInfer(request.build()))
            .satisfies(ex -> {
                assertThat(ex.getStatus().getCode()).isEqualTo(code);
                assertThat(ex.getStatus().getDescription()).contains(description);
            });
    }
}
