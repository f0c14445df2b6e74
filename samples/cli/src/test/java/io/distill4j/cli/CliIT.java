package io.distill4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.samples.platformserver.PlatformServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against the real platform server (MiniLM installed into a fresh repository, free ports, an
 * admin token): infer over gRPC and REST, a distillation submitted and followed to its end, the student's
 * labels over both bindings and in the engine, the models and jobs commands.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final String TOKEN = "test-admin-token";

    private static final List<String> TEXTS = List.of("My card was declined again.", "How long does a transfer take?",
            "What is the euro to dollar rate?");

    @TempDir
    static Path dir;

    private static ConfigurableApplicationContext server;

    private static String grpc;

    private static String rest;

    @BeforeAll
    static void startTheServer() throws Exception {
        Files.copy(Path.of("../specs/intents.csv"), dir.resolve("intents.csv"));
        server = PlatformServer.start("--distill4j.inference.model-repository=" + dir.resolve("models"),
                "--distill4j.distill.work-directory=" + dir.resolve("work"), "--distill4j.distill.data-roots=" + dir,
                "--distill4j.security.admin.token=" + TOKEN, "--spring.grpc.server.port=0", "--server.port=0",
                "--management.server.port=0");
        grpc = "localhost:" + server.getBean(GrpcServerLifecycle.class).getPort();
        rest = "localhost:" + server.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void inferPrintsTheSameEmbeddingsOverGrpcAndRest() {
        CommandLineTests.Run overGrpc = CommandLineTests.Run.of("infer", "--target", grpc, "Where is my card?",
                "I lost my card");
        assertThat(overGrpc.status()).as(overGrpc.err()).isZero();
        assertThat(overGrpc.out()).contains("model minilm version 1")
            .contains("\"Where is my card?\" -> embedding, 384 dimensions: [")
            .contains("\"I lost my card\" -> embedding, 384 dimensions: [");
        CommandLineTests.Run overRest = CommandLineTests.Run.of("infer", "--rest", "--target", rest,
                "Where is my card?", "I lost my card");
        assertThat(overRest.status()).as(overRest.err()).isZero();
        assertThat(overRest.out()).isEqualTo(overGrpc.out());
    }

    @Test
    @Order(2)
    void anUnknownModelIsAFailedCallWithItsStatusOnBothBindings() {
        CommandLineTests.Run overGrpc = CommandLineTests.Run.of("infer", "--target", grpc, "--model", "no-such-model",
                "hello");
        assertThat(overGrpc.status()).isEqualTo(ExitCodes.FAILED);
        assertThat(overGrpc.err()).startsWith("error NOT_FOUND: ").contains("no-such-model");
        CommandLineTests.Run overRest = CommandLineTests.Run.of("infer", "--rest", "--target", rest, "--model",
                "no-such-model", "hello");
        assertThat(overRest.status()).isEqualTo(ExitCodes.FAILED);
        assertThat(overRest.err()).startsWith("error: HTTP 404: ").contains("no-such-model");
    }

    @Test
    @Order(3)
    void distillOnTheServerFollowsTheJobPrintsItsEndOnceAndServesTheStudent() throws Exception {
        // A path on the server, relative to its first data root.
        Path spec = Files.writeString(dir.resolve("over-grpc.yaml"), spec("intents-grpc", dir.resolve("models"),
                "intents.csv"));
        CommandLineTests.Run run = CommandLineTests.Run.of("distill", "--target", grpc, "--token", TOKEN,
                "--progress", "lines", spec.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("Submitted distillation job \\S+ \\(intents-grpc\\)")
            .containsPattern("\\[ *\\d+%] intents-grpc TEACHER").containsPattern("Job \\S+ SUCCEEDED")
            .containsPattern("accuracy: teacher \\d\\.\\d{4}, student fp32 \\d\\.\\d{4}, student int8 \\d\\.\\d{4}")
            .contains("Registered model: intents-grpc version 1").contains("report.html")
            .contains("Serving intents-grpc");
        assertThat(count(run.out(), "Registered model:")).isEqualTo(1);
        assertThat(server.getBean(InferenceEngine.class).loadedModels()).extracting(ModelDescriptor::id)
            .extracting(id -> id.name()).contains("minilm", "intents-grpc");
    }

    @Test
    @Order(4)
    void theStudentsLabelsAreTheSameOverGrpcRestAndInTheEngine() {
        String[] grpcArgs = args("infer", "--target", grpc, "--model", "intents-grpc");
        CommandLineTests.Run overGrpc = CommandLineTests.Run.of(grpcArgs);
        assertThat(overGrpc.status()).as(overGrpc.err()).isZero();
        CommandLineTests.Run overRest = CommandLineTests.Run.of(args("infer", "--rest", "--target", rest, "--model",
                "intents-grpc"));
        assertThat(overRest.out()).isEqualTo(overGrpc.out());
        InferenceEngine engine = server.getBean(InferenceEngine.class);
        Pattern line = Pattern.compile("\"(.+)\" -> (\\S+) \\(p=(0\\.\\d{3}|1\\.000)\\)");
        Matcher matcher = line.matcher(overGrpc.out());
        int seen = 0;
        while (matcher.find()) {
            String label = engine.classify("intents-grpc", List.of(matcher.group(1)), 1).get(0).top().get(0).label();
            assertThat(matcher.group(2)).as(matcher.group(1)).isEqualTo(label);
            seen++;
        }
        assertThat(seen).isEqualTo(TEXTS.size());
    }

    @Test
    @Order(5)
    void modelsListsSwapsAndUnloadsWithTheAdminToken() {
        CommandLineTests.Run list = CommandLineTests.Run.of("models", "list", "--target", grpc);
        assertThat(list.status()).isZero();
        assertThat(list.out()).containsPattern("minilm\\s+1\\s+READY").containsPattern("intents-grpc\\s+1\\s+READY");
        CommandLineTests.Run swap = CommandLineTests.Run.of("models", "swap", "minilm", "7", "--target", grpc,
                "--token", TOKEN);
        assertThat(swap.status()).isEqualTo(ExitCodes.FAILED);
        assertThat(swap.err()).startsWith("error NOT_FOUND: ").contains("no version 7");
        assertThat(CommandLineTests.Run.of("models", "swap", "minilm", "1", "--target", grpc, "--token", TOKEN)
            .out()).contains("Serving minilm version 1");
        CommandLineTests.Run refused = CommandLineTests.Run.of("models", "unload", "intents-grpc", "--target", grpc);
        assertThat(refused.status()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).startsWith("error UNAUTHENTICATED");
        assertThat(CommandLineTests.Run.of("models", "unload", "intents-grpc", "--target", grpc, "--token", TOKEN)
            .status()).isZero();
        assertThat(server.getBean(InferenceEngine.class).loadedModels()).extracting(ModelDescriptor::id)
            .extracting(id -> id.name()).containsExactly("minilm");
        assertThat(CommandLineTests.Run.of("models", "load", "intents-grpc", "--target", grpc, "--token", TOKEN)
            .out()).contains("Loaded intents-grpc");
    }

    @Test
    @Order(6)
    void jobsListsTheFinishedJobAndWatchPrintsItsEnd() {
        CommandLineTests.Run list = CommandLineTests.Run.of("jobs", "list", "--target", grpc, "--token", TOKEN);
        assertThat(list.status()).as(list.err()).isZero();
        Matcher id = Pattern.compile("(\\S+)\\s+intents-grpc\\s+SUCCEEDED").matcher(list.out());
        assertThat(id.find()).as(list.out()).isTrue();
        CommandLineTests.Run watch = CommandLineTests.Run.of("jobs", "watch", id.group(1), "--target", grpc,
                "--token", TOKEN, "--progress", "none");
        assertThat(watch.status()).isZero();
        assertThat(watch.out()).contains("Job " + id.group(1) + " SUCCEEDED").contains("Registered model: intents-grpc");
        assertThat(CommandLineTests.Run.of("jobs", "cancel", "no-such-job", "--target", grpc, "--token", TOKEN)
            .err()).startsWith("error NOT_FOUND");
    }

    private static String[] args(String... options) {
        String[] args = new String[options.length + TEXTS.size()];
        System.arraycopy(options, 0, args, 0, options.length);
        for (int i = 0; i < TEXTS.size(); i++) {
            args[options.length + i] = TEXTS.get(i);
        }
        return args;
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /** A spec whose teacher is the server's MiniLM in {@code repository}. */
    static String spec(String name, Path repository, String trainPath) {
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
}
