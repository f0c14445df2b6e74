package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.distill4j.api.Classification;
import io.distill4j.api.ScoredLabel;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.labelling.AnswerLogProbabilities;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.spring.ai.ChatLabellingModel;
import io.distill4j.spring.ai.OpenAiLogProbabilityChat;

/**
 * Nothing lost on the chat path: Banking77's student trained from a real classifier's predictions served
 * through an LLM teacher — Spring AI's OpenAI client, real HTTP, the answer's token log-probabilities — against
 * the same student trained from that classifier as the teacher directly.
 *
 * <p>The classifier is a model from a repository (by default the Banking77 student a {@link DistillerBenchmark}
 * run registered), run by the engine. The chat-completions server on loopback is a stand-in for a remote LLM
 * whose vocabulary holds the 77 labels as tokens: it reads the text out of the prompt, classifies it, and answers
 * with the top label and the 20 most likely labels as {@code top_logprobs}. The student is the one the cold run
 * chose, pinned (shape, learning rate, temperature, alpha, epochs), so the runs differ only in where the
 * targets came from; a third run asks without log-probabilities (one answer per text, smoothed), to show what
 * they are worth; two more read the training file without its labels and allow only {@code --budget}
 * requests, once with the LLM teaching the student directly (only the answered texts are trained on) and once
 * through a frozen MiniLM head fitted on the answers, which then teaches the student on every text.
 *
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.LlmTeacherBenchmark \
 *     -Dbench.args="--datasets ../shared/datasets --repository WORK/distiller-banking77/models \
 *     --model banking77-student --cold OUT/distiller-banking77-...-cold.json"
 * </pre>
 */
public final class LlmTeacherBenchmark {

    static final String USAGE = """
            usage: LlmTeacherBenchmark --datasets DIR --repository DIR --cold FILE [--model banking77-student]
                                       [--budget 1500] [--concurrency 8] [--minutes 30] [--work-dir DIR]
                                       [--out FILE | --out-dir DIR]
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LlmTeacherBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkSupport.main(args, USAGE, a -> Flags.parse(USAGE, a), LlmTeacherBenchmark::run);
    }

    private static void run(Flags flags) {
        Path datasets = Path.of(flags.required("datasets"));
        Path repository = Path.of(flags.required("repository"));
        String modelName = flags.string("model", "banking77-student");
        ChosenStudent chosen = ChosenStudent.read(Path.of(flags.required("cold")), "llm");
        int concurrency = flags.positiveInt("concurrency", 8);
        int minutes = flags.positiveInt("minutes", 30);
        int budget = flags.positiveInt("budget", 1500);
        Path work;
        try {
            work = Files.createTempDirectory(BenchmarkSupport.createDirectories(flags.workDirectory()), "llm-teacher-");
        }
        catch (IOException ex) {
            throw new BenchmarkException("cannot create a work folder under " + flags.workDirectory(), ex);
        }
        Path out = flags.out("llm-teacher-banking77.md");
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .build())) {
            var descriptor = engine.load(modelName);
            Path version = repository.resolve(modelName).resolve(Long.toString(descriptor.id().version()));
            List<String> labels = descriptor.labels();
            TeacherSpec direct = TeacherSpec.onnxClassifier(version.resolve("model.onnx"),
                    version.resolve("tokenizer.json")).labels(labels);
            try (ClassifierChatServer server = ClassifierChatServer.start(engine, modelName)) {
                OpenAiChatModel chat = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                        .baseUrl(server.baseUrl()).apiKey("bench").model(modelName).maxRetries(0)
                        .timeout(Duration.ofSeconds(60)).build()).build();
                try (OpenAiLogProbabilityChat logProbabilities = OpenAiLogProbabilityChat.of(chat)) {
                    DistillerConfig config = DistillerConfig.builder(work).threads(Runtime.getRuntime()
                            .availableProcessors()).labellingModel("classifier-chat", new ChatLabellingModel(
                                    "classifier-chat", chat, true, logProbabilities))
                            .labellingLimits(LabellingLimits.builder().concurrency(concurrency).build()).build();
                    TeacherSpec.Llm viaChat = TeacherSpec.llm("classifier-chat", LabelSet.of(labels.toArray(String[]::new)),
                            version.resolve("tokenizer.json"));
                    StudentSpec.Training training = chosen.training(chosen.alpha());
                    try (PipelineDistiller distiller = new PipelineDistiller(config)) {
                        ChosenStudent.Retrained fromTeacher = chosen.retrain(distiller, spec("direct", direct,
                                datasets, minutes), Map.of("teacher directly", training)).get("teacher directly");
                        int before = server.requests.get();
                        ChosenStudent.Retrained fromChat = chosen.retrain(distiller, spec("chat", viaChat, datasets,
                                minutes), Map.of("through the chat path", training)).get("through the chat path");
                        int requests = server.requests.get() - before;
                        ChosenStudent.Retrained fromAnswers = chosen.retrain(distiller, spec("answers",
                                viaChat.options(LabellingOptions.ofDefaults().logProbabilities(false)), datasets,
                                minutes), Map.of("answers only", training)).get("answers only");
                        // Each budgeted run on a fresh cache: answers journalled by another run cost nothing and
                        // would not count against the budget. The same budget asks the same texts (hash order).
                        TeacherSpec.Llm budgeted = viaChat.budget(new LabellingBudget(budget, 0));
                        // The training file read without its labels: the LLM's answers are all there is.
                        ChosenStudent.Retrained fromBudget = retrainFresh(chosen, config, work.resolve("budget"),
                                unlabeled(spec("budget", budgeted, datasets, minutes), datasets), training);
                        ChosenStudent.Retrained throughEncoder = retrainFresh(chosen, config,
                                work.resolve("budget-encoder"), unlabeled(spec("budget-encoder", budgeted.encoder(
                                        new BenchmarkTeacher(BenchmarkTeacher.Encoder.MINILM, "frozen",
                                                FineTuning.ofDefaults()).spec(work)), datasets, minutes), datasets),
                                training);
                        report(out, modelName, chosen, List.of(Map.entry("the classifier directly", fromTeacher),
                                Map.entry("the chat path (log-probabilities)", fromChat),
                                Map.entry("the chat path, answers only (smoothed 0.1)", fromAnswers),
                                Map.entry("the chat path, " + budget + " requests only", fromBudget),
                                Map.entry("the chat path, " + budget + " requests, through MiniLM (frozen head)",
                                        throughEncoder)), requests, concurrency);
                    }
                }
            }
        }
    }

    /** The chosen student retrained by a distiller like {@code config} whose work and cache are {@code work}. */
    private static ChosenStudent.Retrained retrainFresh(ChosenStudent chosen, DistillerConfig config, Path work,
            DistillationSpec.Builder spec, StudentSpec.Training training) {
        DistillerConfig.Builder fresh = DistillerConfig.builder(work).threads(config.threads())
                .labellingLimits(config.labellingLimits());
        config.labellingModels().forEach(fresh::labellingModel);
        try (PipelineDistiller distiller = new PipelineDistiller(fresh.build())) {
            return chosen.retrain(distiller, spec, Map.of("run", training)).get("run");
        }
    }

    /** {@code spec} with Banking77's training file read as unlabelled texts (the test file keeps its labels). */
    private static DistillationSpec.Builder unlabeled(DistillationSpec.Builder spec, Path datasets) {
        return spec.data(DataSpec.tsv(datasets.resolve("banking77/train.tsv")).unlabeled()
                .test(datasets.resolve("banking77/test.tsv")));
    }

    private static DistillationSpec.Builder spec(String name, TeacherSpec teacher, Path datasets, int minutes) {
        return DistillationSpec.builder().name("banking77-" + name).teacher(teacher)
                .data(DataSpec.tsv(datasets.resolve("banking77/train.tsv")).test(datasets.resolve("banking77/test.tsv")))
                .budget(Budget.of(Duration.ofMinutes(minutes), 1));
    }

    private static void report(Path out, String modelName, ChosenStudent chosen,
            List<Map.Entry<String, ChosenStudent.Retrained>> rows, int requests, int concurrency) {
        double gap = 100 * (rows.get(0).getValue().result().studentInt8().metric()
                - rows.get(1).getValue().result().studentInt8().metric());
        StringBuilder md = new StringBuilder("# Banking77: the student from a classifier directly vs through the chat "
                + "path\n\n");
        md.append("Teacher: `").append(modelName).append("` from the repository, run by the engine; chat path: Spring "
                + "AI's OpenAI client over loopback HTTP, log-probabilities of the 20 most likely labels, ")
                .append(requests).append(" requests at concurrency ").append(concurrency).append(".\n");
        md.append("Student pinned from the cold run: ").append(chosen.describe(JSON.createObjectNode())).append("\n\n");
        md.append("| targets from | teacher test accuracy | student fp32 | student INT8 | epochs | seconds |\n"
                + "|---|---|---|---|---|---|\n");
        for (var row : rows) {
            var result = row.getValue().result();
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d | %.0f |%n", row.getKey(),
                    result.teacher().metric(), result.studentFp32().metric(), result.studentInt8().metric(),
                    row.getValue().epochsRun(), row.getValue().seconds()));
        }
        md.append(String.format(Locale.ROOT, "%nINT8 student, direct − chat path with log-probabilities: %+.2f points (target: within 0.5)%n",
                gap));
        System.out.print(md);
        try {
            Files.writeString(out, md);
        }
        catch (IOException ex) {
            throw new BenchmarkException("cannot write " + out, ex);
        }
        System.out.println("Written " + out);
    }

    /**
     * An OpenAI-compatible chat-completions endpoint on loopback that answers with a classifier's predictions:
     * the text is read from the labelling prompt (between {@code Text:} and the answer instructions of the
     * default template), and the answer is {@code {"label": "<top label>"}} with, at the label's token, the
     * classifier's most likely labels as {@code top_logprobs} (as many as the request asks for).
     */
    private static final class ClassifierChatServer implements AutoCloseable {

        private final HttpServer server;

        private final ExecutorService executor = Executors.newFixedThreadPool(16);

        private final OnnxInferenceEngine engine;

        private final String model;

        final AtomicInteger requests = new AtomicInteger();

        private ClassifierChatServer(HttpServer server, OnnxInferenceEngine engine, String model) {
            this.server = server;
            this.engine = engine;
            this.model = model;
        }

        static ClassifierChatServer start(OnnxInferenceEngine engine, String model) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
            try {
                HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
                ClassifierChatServer chat = new ClassifierChatServer(http, engine, model);
                http.createContext("/v1/chat/completions", chat::answer);
                http.setExecutor(chat.executor);
                http.start();
                return chat;
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        String baseUrl() {
            return "http://" + this.server.getAddress().getHostString() + ":" + this.server.getAddress().getPort()
                    + "/v1";
        }

        private void answer(HttpExchange exchange) throws IOException {
            try (exchange) {
                this.requests.incrementAndGet();
                JsonNode request;
                try (InputStream in = exchange.getRequestBody()) {
                    request = JSON.readTree(in.readAllBytes());
                }
                String prompt = "";
                for (JsonNode message : request.path("messages")) {
                    if (message.path("role").asString("").equals("user")) {
                        prompt = message.path("content").asString("");
                    }
                }
                int alternatives = request.path("logprobs").asBoolean(false) ? request.path("top_logprobs").asInt(0)
                        : 0;
                Classification classification = this.engine.classify(this.model, List.of(text(prompt)),
                        Math.max(1, Math.min(alternatives, AnswerLogProbabilities.MAX_ALTERNATIVES))).get(0);
                byte[] body = JSON.writeValueAsBytes(completion(classification.top(), alternatives, prompt));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream responseBody = exchange.getResponseBody()) {
                    responseBody.write(body);
                }
            }
        }

        /** The text of a prompt made from the default template. */
        private static String text(String prompt) {
            int start = prompt.lastIndexOf("Text:\n");
            int end = prompt.lastIndexOf("\n\nAnswer with only");
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("not a prompt of the default template: " + prompt);
            }
            return prompt.substring(start + 6, end);
        }

        private ObjectNode completion(List<ScoredLabel> top, int alternatives, String prompt) {
            String label = top.get(0).label();
            ObjectNode response = JSON.createObjectNode().put("id", "chatcmpl-classifier")
                    .put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000)
                    .put("model", this.model);
            ObjectNode choice = response.putArray("choices").addObject().put("index", 0)
                    .put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", "{\"label\": \"" + label + "\"}")
                    .putNull("refusal");
            if (alternatives > 0) {
                ObjectNode logprobs = choice.putObject("logprobs");
                ArrayNode content = logprobs.putArray("content");
                for (String token : List.of("{\"", "label", "\":", " \"", label, "\"}")) {
                    boolean atLabel = token.equals(label);
                    ObjectNode entry = content.addObject().put("token", token)
                            .put("logprob", atLabel ? Math.log(top.get(0).probability()) : 0.0);
                    entry.putNull("bytes");
                    ArrayNode tops = entry.putArray("top_logprobs");
                    for (int i = 0; i < (atLabel ? Math.min(alternatives, top.size()) : 1); i++) {
                        ObjectNode alternative = tops.addObject().put("token", atLabel ? top.get(i).label() : token)
                                .put("logprob", atLabel ? Math.log(top.get(i).probability()) : 0.0);
                        alternative.putNull("bytes");
                    }
                }
                logprobs.putNull("refusal");
            }
            else {
                choice.putNull("logprobs");
            }
            int promptTokens = Math.max(1, prompt.length() / 4);
            response.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", 8)
                    .put("total_tokens", promptTokens + 8);
            return response;
        }

        @Override
        public void close() {
            this.server.stop(0);
            this.executor.shutdownNow();
        }
    }
}
