package io.distill4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.google.protobuf.ByteString;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code distill4j infer}: sends texts to a served text model through the Open Inference Protocol — over gRPC
 * ({@code ModelInfer}) or, with {@code --rest}, over HTTP ({@code POST /v2/models/<model>/infer}) — one BYTES
 * input {@code text} of shape {@code [N]}, and prints, per text, a classifier's label with its probability or
 * an embedding's dimension and first values.
 */
@Command(name = "infer", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send texts to a served text model (Open Inference Protocol v2, gRPC or REST) and print the "
                + "labels or embeddings.", footer = { "", ExitCodes.HELP })
final class InferCommand implements Callable<Integer> {

    /** The platform server's REST address when none is given. */
    static final String DEFAULT_REST_TARGET = "localhost:8080";

    /** Embedding values printed per text. */
    private static final int SHOWN_VALUES = 5;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(paramLabel = "text", arity = "1..*", description = "The texts, one tensor element each.")
    List<String> texts;

    @Option(names = "--model", paramLabel = "name", defaultValue = "minilm",
            description = "The model (default: ${DEFAULT-VALUE}, the platform server's embedded default).")
    String model;

    @Option(names = "--rest", description = "Call the REST binding (HTTP/JSON, --target default "
            + DEFAULT_REST_TARGET + ") instead of gRPC.")
    boolean rest;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Answer answer = this.rest ? overRest() : overGrpc();
        answer.print(this.texts, System.out);
        return ExitCodes.OK;
    }

    private Answer overGrpc() {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        this.texts.forEach(text -> contents.addBytesContents(ByteString.copyFromUtf8(text)));
        try (ServerOptions.Connection connection = this.server.connect()) {
            ModelInferResponse response = connection.inference().modelInfer(ModelInferRequest.newBuilder()
                .setModelName(this.model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("text").setDatatype("BYTES")
                    .addShape(this.texts.size()).setContents(contents))
                .build());
            Answer answer = new Answer(response.getModelName(), response.getModelVersion());
            for (ModelInferResponse.InferOutputTensor output : response.getOutputsList()) {
                List<Object> values = new ArrayList<>();
                output.getContents().getBytesContentsList().forEach(bytes -> values.add(bytes.toStringUtf8()));
                output.getContents().getFp32ContentsList().forEach(values::add);
                answer.outputs.add(new Output(output.getName(), output.getDatatype(), output.getShapeList(), values));
            }
            return answer;
        }
    }

    private Answer overRest() throws IOException, InterruptedException {
        String target = this.server.targetGiven() ? this.server.target() : DEFAULT_REST_TARGET;
        ObjectNode request = JSON.createObjectNode();
        ObjectNode input = request.putArray("inputs").addObject().put("name", "text").put("datatype", "BYTES");
        input.putArray("shape").add(this.texts.size());
        ArrayNode data = input.putArray("data");
        this.texts.forEach(data::add);
        HttpRequest.Builder http = HttpRequest.newBuilder(URI.create("http://" + target + "/v2/models/"
                + URLEncoder.encode(this.model, StandardCharsets.UTF_8).replace("+", "%20") + "/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)));
        this.server.token().ifPresent(token -> http.header("Authorization", "Bearer " + token));
        if (this.server.deadline != null) {
            http.timeout(this.server.deadline);
        }
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
            .send(http.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + body.path("error").asString(
                    response.body()));
        }
        Answer answer = new Answer(body.path("model_name").asString(""), body.path("model_version").asString(""));
        for (JsonNode output : body.path("outputs")) {
            List<Long> shape = new ArrayList<>();
            output.path("shape").forEach(dim -> shape.add(dim.longValue()));
            List<Object> values = new ArrayList<>();
            output.path("data").forEach(value -> values.add(value.isString() ? value.asString()
                    : (Object) value.floatValue()));
            answer.outputs.add(new Output(output.path("name").asString(""), output.path("datatype").asString(""),
                    shape, values));
        }
        return answer;
    }

    /** One output tensor as either binding returns it: strings for BYTES, floats for FP32. */
    record Output(String name, String datatype, List<Long> shape, List<Object> values) {
    }

    /** The model's answer, printed the same whichever binding carried it. */
    static final class Answer {

        private final String model;

        private final String version;

        private final List<Output> outputs = new ArrayList<>();

        Answer(String model, String version) {
            this.model = model;
            this.version = version;
        }

        void print(List<String> texts, PrintStream out) {
            out.println("model " + this.model + " version " + this.version);
            Output label = output("label");
            Output logits = output("logits");
            Output embedding = output("embedding");
            for (int i = 0; i < texts.size(); i++) {
                String quoted = "\"" + texts.get(i) + "\"";
                if (label != null) {
                    String probability = logits != null ? String.format(Locale.ROOT, " (p=%.3f)",
                            probability(logits, i)) : "";
                    out.println(quoted + " -> " + label.values().get(i) + probability);
                }
                else if (embedding != null) {
                    int width = embedding.shape().get(1).intValue();
                    StringBuilder line = new StringBuilder(quoted).append(" -> embedding, ").append(width)
                        .append(" dimensions: [");
                    for (int j = 0; j < Math.min(SHOWN_VALUES, width); j++) {
                        line.append(j > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f",
                                (Float) embedding.values().get(i * width + j)));
                    }
                    out.println(line.append(width > SHOWN_VALUES ? ", ...]" : "]"));
                }
            }
            if (label == null && embedding == null) {
                // Not a text model's answer: name what came back.
                this.outputs.forEach(output -> out.println(output.name() + " " + output.datatype() + " "
                        + output.shape()));
            }
        }

        /** The softmax probability of row {@code row}'s largest logit. */
        private static double probability(Output logits, int row) {
            int width = logits.shape().get(1).intValue();
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, (Float) logits.values().get(row * width + j));
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += Math.exp((Float) logits.values().get(row * width + j) - max);
            }
            return 1 / sum;
        }

        private Output output(String name) {
            return this.outputs.stream().filter(output -> output.name().equals(name)).findFirst().orElse(null);
        }
    }
}
