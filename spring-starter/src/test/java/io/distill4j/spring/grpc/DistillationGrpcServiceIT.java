package io.distill4j.spring.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.grpc.distill.v1.BagOfEmbeddings;
import io.distill4j.api.grpc.distill.v1.Budget;
import io.distill4j.api.grpc.distill.v1.Data;
import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.distill.v1.DistillationSpec;
import io.distill4j.api.grpc.distill.v1.GetJobRequest;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.JobState;
import io.distill4j.api.grpc.distill.v1.ListJobsRequest;
import io.distill4j.api.grpc.distill.v1.OnnxModel;
import io.distill4j.api.grpc.distill.v1.ProgressEvent;
import io.distill4j.api.grpc.distill.v1.Student;
import io.distill4j.api.grpc.distill.v1.SubmitRequest;
import io.distill4j.api.grpc.distill.v1.Teacher;
import io.distill4j.api.grpc.distill.v1.WatchJobRequest;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.ModelMetadataRequest;
import io.distill4j.api.grpc.inference.ModelMetadataResponse;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.spring.testing.MiniLmRepository;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The distillation-job service on a real server: a small real distillation (MiniLM teacher with a fitted
 * head, a bag-of-embeddings student) submitted, watched to the end over a server stream, listed and read
 * back; bad requests get their status.
 */
class DistillationGrpcServiceIT {

    private static final String[][] ROWS = {
        {"My card was declined at the shop.", "card"}, {"The card machine rejected my card.", "card"},
        {"I lost my debit card yesterday.", "card"}, {"Please send me a new card.", "card"},
        {"How long does a transfer take?", "transfer"}, {"My transfer has not arrived.", "transfer"},
        {"Can I cancel a bank transfer?", "transfer"}, {"I sent money to the wrong account.", "transfer"},
        {"What is your exchange rate?", "exchange"}, {"Is there a fee to exchange euros?", "exchange"},
        {"I want to swap dollars for pounds.", "exchange"}, {"Which currencies can I exchange?", "exchange"},
    };

    @Test
    void aSubmittedJobIsWatchedToItsEndAndReadBack(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        MiniLmRepository.copy("/all-minilm-l6-v2.onnx", data.resolve("minilm.onnx"));
        MiniLmRepository.copy("/all-minilm-l6-v2-tokenizer.json", data.resolve("tokenizer.json"));
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int repeat = 0; repeat < 3; repeat++) {
            for (String[] row : ROWS) {
                csv.append('"').append(row[0]).append(repeat == 0 ? "" : " (" + repeat + ")").append("\",")
                    .append(row[1]).append('\n');
            }
        }
        Files.writeString(data.resolve("train.csv"), csv);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).modelRepository(dir.resolve("models"))
            .threads(2).maxEpochs(2).build();
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            Server server = NettyServerBuilder.forPort(0)
                .addService(new DistillationGrpcService(distiller, List.of(data))).build().start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
            try {
                DistillationServiceGrpc.DistillationServiceBlockingStub client = DistillationServiceGrpc
                    .newBlockingStub(channel);
                DistillationSpec spec = DistillationSpec.newBuilder().setName("intents")
                    .setTeacher(Teacher.newBuilder().setOnnxEncoder(OnnxModel.newBuilder().setModelPath("minilm.onnx")
                        .setTokenizerPath("tokenizer.json")))
                    .setData(Data.newBuilder().setTrainPath("train.csv"))
                    .setStudent(Student.newBuilder().setBagOfEmbeddings(BagOfEmbeddings.newBuilder()
                        .setEmbeddingSize(16).setHiddenSize(16)))
                    .setBudget(Budget.newBuilder().setMaxSeconds(120).setMaxTrials(1)).setRegister("intents")
                    .build();
                Job submitted = client.submit(SubmitRequest.newBuilder().setSpec(spec).build());
                assertThat(submitted.getName()).isEqualTo("intents");

                List<ProgressEvent> events = new ArrayList<>();
                client.watch(WatchJobRequest.newBuilder().setId(submitted.getId()).build()).forEachRemaining(events::add);
                assertThat(events).hasSizeGreaterThan(3);
                assertThat(events.get(events.size() - 1).getState()).isEqualTo(JobState.SUCCEEDED);
                assertThat(events).extracting(ProgressEvent::getStage).contains("TEACHER", "STUDENT", "REGISTER");

                Job done = client.get(GetJobRequest.newBuilder().setId(submitted.getId()).build());
                assertThat(done.getState()).isEqualTo(JobState.SUCCEEDED);
                assertThat(done.getResult().getMetric()).isEqualTo("accuracy");
                assertThat(done.getResult().getRegisteredModel()).isEqualTo("intents");
                assertThat(done.getResult().getStudentInt8().getParameters()).isPositive();
                assertThat(client.list(ListJobsRequest.getDefaultInstance()).getJobsList()).extracting(Job::getId)
                    .containsExactly(submitted.getId());

                // Reconnecting after the end: the final state, then the stream ends.
                List<ProgressEvent> again = new ArrayList<>();
                client.watch(WatchJobRequest.newBuilder().setId(submitted.getId()).build()).forEachRemaining(again::add);
                assertThat(again).singleElement().extracting(ProgressEvent::getState).isEqualTo(JobState.SUCCEEDED);

                servesTheDistilledClassifier(dir.resolve("models"));

                SubmitRequest outside = SubmitRequest.newBuilder().setSpec(spec.toBuilder()
                    .setData(Data.newBuilder().setTrainPath("../../etc/passwd"))).build();
                assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> client.submit(outside))
                    .satisfies(ex -> {
                        assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(ex.getStatus().getDescription()).contains("spec.data.train_path")
                            .contains("outside the folders this server reads from");
                    });
                SubmitRequest noTeacher = SubmitRequest.newBuilder().setSpec(spec.toBuilder().clearTeacher()).build();
                assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> client.submit(noTeacher))
                    .satisfies(ex -> assertThat(ex.getStatus().getDescription()).contains("spec.teacher"));
                assertThatExceptionOfType(StatusRuntimeException.class)
                    .isThrownBy(() -> client.get(GetJobRequest.newBuilder().setId("nope").build()))
                    .satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The registered student through ModelInfer's text path for classifiers: logits and the top label. */
    private static void servesTheDistilledClassifier(Path repository) throws Exception {
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .build())) {
            engine.load("intents");
            Server server = NettyServerBuilder.forPort(0).addService(new OpenInferenceService(engine, "d", "t")).build()
                .start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
            try {
                GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub client = GRPCInferenceServiceGrpc
                    .newBlockingStub(channel);
                ModelMetadataResponse metadata = client.modelMetadata(ModelMetadataRequest.newBuilder()
                    .setName("intents").build());
                assertThat(metadata.getOutputsList()).extracting(ModelMetadataResponse.TensorMetadata::getName)
                    .containsExactly("logits", "label");
                assertThat(metadata.getOutputs(0).getShapeList()).containsExactly(-1L, 3L);
                String text = "My card was declined again.";
                ModelInferResponse response = client.modelInfer(ModelInferRequest.newBuilder().setModelName("intents")
                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("text").setDatatype("BYTES")
                        .addShape(1).setContents(InferTensorContents.newBuilder()
                            .addBytesContents(com.google.protobuf.ByteString.copyFromUtf8(text))))
                    .build());
                assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 3L);
                assertThat(response.getOutputs(1).getDatatype()).isEqualTo("BYTES");
                assertThat(response.getOutputs(1).getContents().getBytesContents(0).toStringUtf8())
                    .isEqualTo(engine.classify("intents", List.of(text), 1).get(0).top().get(0).label());
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
