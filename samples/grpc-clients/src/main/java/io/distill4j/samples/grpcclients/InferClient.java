package io.distill4j.samples.grpcclients;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

/**
 * Calls the Open Inference Protocol's {@code ModelInfer} with texts (one BYTES input {@code text} of shape
 * {@code [N]}) and prints, per text, the label of a classifier (with its probability) or the dimension and
 * first values of an embedding.
 *
 * <pre>
 * mvn -q -Pinfer -DskipTests verify -Dclient.args="--model minilm 'Where is my card?' 'I lost my card'"
 * </pre>
 *
 * Options: {@code --target host:port} (default {@value #DEFAULT_TARGET}), {@code --model} (default
 * {@value #DEFAULT_MODEL}, the platform server's embedded default), {@code --token} (a bearer token, sent as
 * {@code authorization: Bearer ...}; needed when the server sets {@code distill4j.security.inference.token}),
 * {@code --deadline-ms}. Exit status: 0, 1 when the call fails (its status code and description on standard
 * error), 2 for a usage error.
 */
public final class InferClient {

    static final String DEFAULT_TARGET = "localhost:9090";

    static final String DEFAULT_MODEL = "minilm";

    /** Embedding values printed per text. */
    private static final int SHOWN_VALUES = 5;

    private static final String USAGE = """
            usage: InferClient [--target host:port] [--model name] [--token bearer] [--deadline-ms n] text...
              --target       the server (default localhost:9090)
              --model        the model (default minilm, the platform server's embedded default)
              --token        bearer token, when the server requires one for inference
              --deadline-ms  how long the call may take
            """;

    private InferClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the client.
     * @return the exit status: 0, 1 if the call failed, 2 for a usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ClientOptions options;
        long deadline;
        try {
            options = ClientOptions.parse(args, Set.of("--target", "--model", "--token", "--deadline-ms"));
            deadline = options.positive("--deadline-ms", TimeUnit.DAYS.toMillis(1)).orElse(0L);
            if (options.positional().isEmpty()) {
                throw new InvalidInputException(null, "text", "give at least one text to send");
            }
        }
        catch (InvalidInputException ex) {
            err.println("error: " + ex.getMessage());
            err.print(USAGE);
            return 2;
        }
        String model = options.value("--model", DEFAULT_MODEL);
        List<String> texts = options.positional();
        ManagedChannel channel;
        try {
            channel = Channels.open(options.value("--target", DEFAULT_TARGET));
        }
        catch (InvalidInputException ex) {
            err.println("error: " + ex.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc
                .newBlockingStub(channel);
            if (options.value("--token").isPresent()) {
                stub = stub.withInterceptors(Channels.bearer(options.value("--token").get()));
            }
            if (deadline > 0) {
                stub = stub.withDeadlineAfter(deadline, TimeUnit.MILLISECONDS);
            }
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            texts.forEach(text -> contents.addBytesContents(ByteString.copyFromUtf8(text)));
            ModelInferResponse response = stub.modelInfer(ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("text").setDatatype("BYTES")
                    .addShape(texts.size()).setContents(contents))
                .build());
            print(response, texts, out);
            return 0;
        }
        catch (StatusRuntimeException ex) {
            Channels.print(ex.getStatus(), err);
            return 1;
        }
        finally {
            Channels.close(channel);
        }
    }

    private static void print(ModelInferResponse response, List<String> texts, PrintStream out) {
        out.println("model " + response.getModelName() + " version " + response.getModelVersion());
        ModelInferResponse.InferOutputTensor label = output(response, "label");
        ModelInferResponse.InferOutputTensor logits = output(response, "logits");
        ModelInferResponse.InferOutputTensor embedding = output(response, "embedding");
        for (int i = 0; i < texts.size(); i++) {
            String quoted = "\"" + texts.get(i) + "\"";
            if (label != null) {
                String probability = logits != null ? String.format(Locale.ROOT, " (p=%.3f)", probability(logits, i))
                        : "";
                out.println(quoted + " -> " + label.getContents().getBytesContents(i).toStringUtf8() + probability);
            }
            else if (embedding != null) {
                int width = (int) embedding.getShape(1);
                StringBuilder line = new StringBuilder(quoted).append(" -> embedding, ").append(width)
                    .append(" dimensions: [");
                for (int j = 0; j < Math.min(SHOWN_VALUES, width); j++) {
                    line.append(j > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f",
                            embedding.getContents().getFp32Contents(i * width + j)));
                }
                out.println(line.append(width > SHOWN_VALUES ? ", ...]" : "]"));
            }
        }
        if (label == null && embedding == null) {
            // Not a text model's answer: name what came back.
            response.getOutputsList().forEach(output -> out.println(output.getName() + " " + output.getDatatype() + " "
                    + output.getShapeList()));
        }
    }

    /** The softmax probability of row {@code row}'s largest logit. */
    private static double probability(ModelInferResponse.InferOutputTensor logits, int row) {
        int width = (int) logits.getShape(1);
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            max = Math.max(max, logits.getContents().getFp32Contents(row * width + j));
        }
        double sum = 0;
        for (int j = 0; j < width; j++) {
            sum += Math.exp(logits.getContents().getFp32Contents(row * width + j) - max);
        }
        return 1 / sum;
    }

    private static ModelInferResponse.InferOutputTensor output(ModelInferResponse response, String name) {
        return response.getOutputsList().stream().filter(output -> output.getName().equals(name)).findFirst()
            .orElse(null);
    }
}
