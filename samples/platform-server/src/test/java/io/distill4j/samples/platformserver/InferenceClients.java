package io.distill4j.samples.platformserver;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.google.protobuf.ByteString;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Inference calls to the platform server's MiniLM over both bindings, each answer sorted into what a client may
 * do with it: use it, retry it elsewhere, or report a failure.
 */
final class InferenceClients {

    /** What one request came to. */
    enum Outcome {

        /** The embeddings, one 384-wide row per text. */
        OK,

        /**
         * Refused with the protocol's retryable status: gRPC {@code UNAVAILABLE}, or REST 503 with
         * {@code Retry-After} and a JSON {@code {"error": ...}}.
         */
        REFUSED,

        /** The connection was refused: nothing was sent (the server no longer listens). */
        NOT_CONNECTED,

        /**
         * The HTTP server took no part of the request into the application: it closed a kept-alive connection
         * before any byte of an answer (HTTP/1.1's keep-alive race, RFC 9112 section 9.3.1, when the server closes
         * idle connections as it stops), or its servlet container answered a bare 503 while paused. Whether a
         * client may retry depends on knowing the server dropped nothing it had taken; see RollingUpdateIT.
         */
        UNANSWERED,

        /** Anything else: an error status, a wrong answer, a connection lost with the request sent. */
        FAILED
    }

    /** An outcome with what the client saw, for messages. */
    record Result(Outcome outcome, String detail) {

        boolean retryable() {
            return this.outcome == Outcome.REFUSED || this.outcome == Outcome.NOT_CONNECTED;
        }
    }

    private InferenceClients() {
    }

    /** {@code count} distinct texts of about {@code words} words each. */
    static List<String> texts(int count, int words, int seed) {
        String[] vocabulary = { "card", "transfer", "declined", "account", "balance", "limit", "payment", "fee",
                "branch", "statement", "where", "is", "my", "how", "long", "does", "it", "take", "cancel", "again" };
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                text.append(vocabulary[Math.floorMod(seed * 31 + i * 7 + w * 13, vocabulary.length)]).append(' ');
            }
            texts.add(text.toString().trim() + "?");
        }
        return texts;
    }

    static ModelInferRequest grpcRequest(List<String> texts) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        texts.forEach(text -> contents.addBytesContents(ByteString.copyFromUtf8(text)));
        return ModelInferRequest.newBuilder().setModelName("minilm").addInputs(ModelInferRequest.InferInputTensor
            .newBuilder().setName("text").setDatatype("BYTES").addShape(texts.size()).setContents(contents)).build();
    }

    static Result grpc(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub, List<String> texts) {
        try {
            ModelInferResponse response = stub.withDeadlineAfter(60, TimeUnit.SECONDS).modelInfer(grpcRequest(texts));
            List<Long> shape = response.getOutputs(0).getShapeList();
            return shape.equals(List.of((long) texts.size(), 384L)) ? new Result(Outcome.OK, "")
                    : new Result(Outcome.FAILED, "gRPC answer of shape " + shape);
        }
        catch (StatusRuntimeException ex) {
            Status status = ex.getStatus();
            String detail = "gRPC " + status.getCode() + ": " + status.getDescription();
            if (status.getCode() != Status.Code.UNAVAILABLE) {
                return new Result(Outcome.FAILED, detail);
            }
            for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException) {
                    return new Result(Outcome.NOT_CONNECTED, detail + " (" + cause + ")");
                }
            }
            return new Result(Outcome.REFUSED, detail);
        }
    }

    static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
            .build();
    }

    static Result rest(HttpClient http, int port, List<String> texts) throws InterruptedException {
        String data = texts.stream().map(text -> "\"" + text + "\"").collect(Collectors.joining(","));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v2/models/minilm/infer"))
            .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"text\", \"datatype\": \"BYTES\", "
                    + "\"shape\": [" + texts.size() + "], \"data\": [" + data + "]}]}"))
            .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (ConnectException ex) {
            return new Result(Outcome.NOT_CONNECTED, "REST " + ex);
        }
        catch (IOException ex) {
            // The JDK client's words for a connection closed before the status line's first byte.
            boolean unanswered = String.valueOf(ex.getMessage()).contains("header parser received no bytes");
            return new Result(unanswered ? Outcome.UNANSWERED : Outcome.FAILED, "REST " + ex);
        }
        String body = response.body();
        if (response.statusCode() == 200) {
            return body.contains("\"shape\":[" + texts.size() + ",384]") ? new Result(Outcome.OK, "")
                    : new Result(Outcome.FAILED, "REST 200 " + abbreviate(body));
        }
        boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
        if (response.statusCode() == 503 && retryAfter && body.startsWith("{\"error\":")) {
            return new Result(Outcome.REFUSED, "REST 503 " + body);
        }
        String detail = "REST " + response.statusCode() + " " + response.headers().map() + " " + abbreviate(body);
        return new Result(response.statusCode() == 503 && !retryAfter && body.isEmpty() ? Outcome.UNANSWERED
                : Outcome.FAILED, detail);
    }

    private static String abbreviate(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
