package io.distill4j.samples.platformserver;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.samples.grpcclients.DistillClient;
import io.distill4j.samples.grpcclients.InferClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample clients against the real platform server (MiniLM installed into a fresh repository, a free
 * port, an admin token), which starts with {@code --distill}: a small real distillation on the sample
 * intents CSV whose student the server then serves.
 */
class GrpcClientIT {

    private static final String TOKEN = "test-admin-token";

    @TempDir
    static Path dir;

    private static ConfigurableApplicationContext server;

    private static String target;

    @BeforeAll
    static void startTheServerDistillingTheSampleIntents() throws Exception {
        // Relative to the working directory, as --distill resolves it (the module folder under Maven).
        Path spec = Files.writeString(dir.resolve("on-start.yaml"), spec("intents", dir.resolve("models"),
                "../specs/intents.csv"));
        server = PlatformServer.start("--distill", spec.toString(),
                "--distill4j.inference.model-repository=" + dir.resolve("models"),
                "--distill4j.distill.work-directory=" + dir.resolve("work"), "--distill4j.distill.data-roots=" + dir,
                "--distill4j.security.admin.token=" + TOKEN, "--spring.grpc.server.port=0", "--server.port=0",
                "--management.server.port=0");
        target = "localhost:" + server.getBean(GrpcServerLifecycle.class).getPort();
    }

    @AfterAll
    static void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void inferClientPrintsTheEmbeddingOfEachTextOfTheDefaultModel() {
        Run run = Run.infer("--target", target, "--model", "minilm", "Where is my card?", "I lost my card");
        assertThat(run.status).isZero();
        assertThat(run.out).contains("model minilm version 1")
            .contains("\"Where is my card?\" -> embedding, 384 dimensions: [")
            .contains("\"I lost my card\" -> embedding, 384 dimensions: [");
        assertThat(run.err).isEmpty();
    }

    @Test
    void inferClientExitsNonZeroWithTheStatusForAnUnknownModel() {
        Run run = Run.infer("--target", target, "--model", "no-such-model", "hello");
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err).startsWith("error NOT_FOUND: ").contains("no-such-model");
        assertThat(run.out).isEmpty();
    }

    @Test
    void theStudentDistilledOnStartIsServedAndLabelsText() {
        assertThat(server.getBean(InferenceEngine.class).loadedModels()).extracting(ModelDescriptor::id)
            .extracting(id -> id.name()).contains("minilm", "intents");
        Run run = Run.infer("--target", target, "--model", "intents", "My card was declined again.");
        assertThat(run.status).isZero();
        assertThat(run.out).containsPattern("\"My card was declined again\\.\" -> (card|transfer|exchange) \\(p=0\\.\\d{3}\\)");
    }

    @Test
    void distillClientSubmitsWatchesToTheEndAndGetsTheStudentServed() throws Exception {
        Files.copy(Path.of("../specs/intents.csv"), dir.resolve("intents.csv"));
        // A path on the server, relative to its first data root.
        Path spec = Files.writeString(dir.resolve("over-grpc.yaml"), spec("intents-grpc", Path.of("models"), "intents.csv"));
        Run run = Run.distill("--target", target, "--token", TOKEN, spec.toString());
        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out).containsPattern("Submitted distillation job \\S+ \\(intents-grpc\\)")
            .containsPattern("Job \\S+ SUCCEEDED")
            .containsPattern("accuracy: teacher \\d\\.\\d{4}, student fp32 \\d\\.\\d{4}, student int8 \\d\\.\\d{4}")
            .contains("Registered model: intents-grpc version 1").contains("Report: ").contains("report.html")
            .contains("Serving intents-grpc");
        // The bar was drawn: the task name and the percentage at the end.
        assertThat(run.out).contains("intents-grpc").contains("100%");

        Run infer = Run.infer("--target", target, "--model", "intents-grpc", "How long does a transfer take?");
        assertThat(infer.status).isZero();
        assertThat(infer.out).containsPattern("-> (card|transfer|exchange) \\(p=");
    }

    @Test
    void distillClientWithAWrongTokenExitsNonZeroWithUnauthenticated() throws Exception {
        Path spec = Files.writeString(dir.resolve("refused.yaml"), spec("refused", Path.of("models"), "intents.csv"));
        Run run = Run.distill("--target", target, "--token", "not-the-token", spec.toString());
        assertThat(run.status).isEqualTo(1);
        assertThat(run.err).startsWith("error UNAUTHENTICATED: ");
    }

    @Test
    void distillClientRefusesABadSpecFileBeforeCallingTheServer() throws Exception {
        Path spec = Files.writeString(dir.resolve("typo.yaml"), "teacher: { repository_model: { name: minilm } }\n"
                + "data: { train_paht: intents.csv }\n");
        Run run = Run.distill("--target", target, "--token", TOKEN, spec.toString());
        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).startsWith("error: " + spec + ": data.train_paht: is not a field of Data");
    }

    /** A spec whose teacher is the server's MiniLM in {@code repository}. */
    private static String spec(String name, Path repository, String trainPath) {
        return """
                name: %s
                teacher:
                  onnx_encoder:
                    model_path: %s
                    tokenizer_path: %s
                data:
                  train_path: %s
                student:
                  bag_of_embeddings: { embedding_size: 16, hidden_size: 16 }
                budget: { max_seconds: 120, max_trials: 1 }
                register: %s
                """.formatted(name, repository.resolve("minilm/1/model.onnx"),
                repository.resolve("minilm/1/tokenizer.json"), trainPath, name);
    }

    /** One run of a client's main logic: its exit status and what it printed. */
    private record Run(int status, String out, String err) {

        static Run infer(String... args) {
            return run(true, args);
        }

        static Run distill(String... args) {
            return run(false, args);
        }

        private static Run run(boolean infer, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<String> list = new ArrayList<>(List.of(args));
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                String[] array = list.toArray(String[]::new);
                int status = infer ? InferClient.run(array, o, e) : DistillClient.run(array, o, e);
                return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
