package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingRequest;
import io.distill4j.api.labelling.LabellingResult;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;
import io.distill4j.pipeline.labelling.ExchangeJournal;
import io.distill4j.pipeline.labelling.Labeller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.spring.ai.ChatLabellingModel;

/**
 * What the labelling path costs on top of the model, per request, at several concurrencies:
 * <ol>
 * <li><b>The labeller alone</b> — the distiller's {@link Labeller} (dispatch, journal, rate-limit and retry
 *     wrappers) around an in-process model that only waits a fixed delay: its share of each request is the gap
 *     on a labelling thread between one model call and the next (from the start of the run for a thread's first
 *     call).</li>
 * <li><b>The chat path</b> — the same labeller with {@link ChatLabellingModel} on Spring AI's OpenAI client,
 *     real HTTP, against a chat-completions server on loopback that answers after the same delay (a stand-in
 *     for a remote LLM, which only waits). Per request: the labeller's gap, the adapter's own time (its call
 *     minus the chat model's), their sum (<em>the pipeline's own overhead</em>), and the chat model's call minus
 *     the delay (Spring AI, the SDK, HTTP and the stand-in server) next to a plain JDK {@code HttpClient}'s round
 *     trip to the same server (what loopback HTTP costs on this machine).</li>
 * </ol>
 *
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.LabellingBenchmark \
 *     -Dbench.args="--concurrency 1,4,16 --delay-ms 50 --requests-per-caller 50"
 * </pre>
 */
public final class LabellingBenchmark {

    static final String USAGE = """
            usage: LabellingBenchmark [--concurrency 1,4,16] [--delay-ms 50] [--requests-per-caller 50]
                                      [--work-dir DIR] [--out FILE | --out-dir DIR]
            """;

    private static final LabelSet LABELS = LabelSet.of("card", "transfer", "exchange");

    /** One chat completion, with the answer's label and the usage spliced in. */
    private static final String COMPLETION = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":%d,"
            + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"{\\\"label\\\": \\\"card\\\"}\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":60,\"completion_tokens\":6,\"total_tokens\":66}}";

    private LabellingBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkSupport.main(args, USAGE, a -> Flags.parse(USAGE, a), LabellingBenchmark::run);
    }

    private static void run(Flags flags) {
        List<Integer> levels = flags.positiveInts("concurrency", "1,4,16");
        int delayMillis = flags.positiveInt("delay-ms", 50);
        int perCaller = flags.positiveInt("requests-per-caller", 50);
        Path work;
        try {
            // A fresh folder per run: answers journalled by an earlier run would not be asked again.
            work = Files.createTempDirectory(BenchmarkSupport.createDirectories(flags.workDirectory()), "labelling-");
        }
        catch (IOException ex) {
            throw new BenchmarkException("cannot create a work folder under " + flags.workDirectory(), ex);
        }
        Path out = flags.out("labelling-throughput.md");
        Instant started = Instant.now();
        StringBuilder alone = new StringBuilder("| concurrency | requests | wall s | requests/s | of ideal | "
                + "labeller per request, p50 / p90 ms |\n|---|---|---|---|---|---|\n");
        StringBuilder chat = new StringBuilder("| concurrency | requests | requests/s | of ideal | labeller, p50 ms | "
                + "adapter, p50 ms | **pipeline's own, p50 / p90 ms** | Spring AI client + HTTP + server, p50 / p90 ms |"
                + "\n|---|---|---|---|---|---|---|---|\n");
        double httpBaseline;
        try (DelayServer server = DelayServer.start(delayMillis)) {
            httpBaseline = jdkRoundTrip(server, 100) - delayMillis;
            OpenAiChatModel openAi = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                    .baseUrl(server.baseUrl()).apiKey("bench").model("bench").maxRetries(0)
                    .timeout(Duration.ofSeconds(30)).build()).build();
            TimedChat timedChat = new TimedChat(openAi);
            Timeline chatPath = new Timeline(new ChatLabellingModel("bench", timedChat, true), timedChat);
            Timeline inProcess = new Timeline(new WaitingModel(delayMillis), null);
            label(chatPath, work.resolve("warm-up-chat"), 4, texts("warm-up", 40));
            label(inProcess, work.resolve("warm-up"), 4, texts("warm-up", 40));
            for (int concurrency : levels) {
                int requests = perCaller * concurrency;
                double ideal = concurrency * 1000.0 / delayMillis;
                Run own = label(inProcess, work.resolve("alone-c" + concurrency), concurrency,
                        texts("alone-c" + concurrency, requests));
                alone.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.1f | %.1f %% | %.2f / %.2f |%n",
                        concurrency, requests, own.wallSeconds(), requests / own.wallSeconds(),
                        100 * requests / own.wallSeconds() / ideal, percentile(own.gaps(), 0.5),
                        percentile(own.gaps(), 0.9)));
                Run path = label(chatPath, work.resolve("chat-c" + concurrency), concurrency,
                        texts("chat-c" + concurrency, requests));
                List<Double> clients = path.calls().stream().map(call -> call.chatMillis() - delayMillis).sorted()
                        .toList();
                chat.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f %% | %.2f | %.2f | **%.2f / %.2f** | "
                        + "%.2f / %.2f |%n", concurrency, requests, requests / path.wallSeconds(),
                        100 * requests / path.wallSeconds() / ideal, percentile(path.gaps(), 0.5),
                        percentile(path.adapter(), 0.5), percentile(path.pipeline(), 0.5),
                        percentile(path.pipeline(), 0.9), percentile(clients, 0.5), percentile(clients, 0.9)));
                System.out.printf(Locale.ROOT, "concurrency %d done%n", concurrency);
            }
        }
        String report = "# What labelling adds per request\n\nA model that answers after " + delayMillis + " ms; "
                + perCaller + " requests per concurrent caller, each text distinct, a fresh journal per run.\n\n"
                + "## The labeller alone (in-process model)\n\n" + alone
                + "\n## Through Spring AI's OpenAI client and a loopback server\n\n" + chat
                + String.format(Locale.ROOT, "%nA plain JDK HttpClient's round trip to the same server, minus the "
                        + "delay: %.2f ms (p50 of 100, one caller).%n", httpBaseline)
                + "\nTotal time: " + Duration.between(started, Instant.now()).toSeconds() + " s.\n";
        System.out.print(report);
        try {
            Files.writeString(out, report);
        }
        catch (IOException ex) {
            throw new BenchmarkException("cannot write " + out, ex);
        }
        System.out.println("Written " + out);
    }

    private static Run label(Timeline model, Path journalDirectory, int concurrency, List<String> texts) {
        LabellingOptions options = LabellingOptions.ofDefaults();
        model.calls.clear();
        try (ExchangeJournal journal = ExchangeJournal.open(journalDirectory, model.id(), LABELS, options)) {
            long start = System.nanoTime();
            Labeller.of(model, LabellingLimits.builder().concurrency(concurrency).build()).label("bench", texts,
                    LABELS, options, journal, LabellingBudget.UNLIMITED, () -> false, (done, total, spent) -> { });
            return new Run(start, System.nanoTime(), List.copyOf(model.calls));
        }
    }

    /** The p50 of a plain JDK client's round trips to {@code server}, in milliseconds. */
    private static double jdkRoundTrip(DelayServer server, int count) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        List<Double> trips = new ArrayList<>();
        try {
            for (int i = 0; i < count + 20; i++) {
                long start = System.nanoTime();
                client.send(request, HttpResponse.BodyHandlers.ofString());
                if (i >= 20) {
                    trips.add((System.nanoTime() - start) / 1e6);
                }
            }
        }
        catch (IOException ex) {
            throw new BenchmarkException("the loopback server did not answer", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
        Collections.sort(trips);
        return percentile(trips, 0.5);
    }

    private static List<String> texts(String prefix, int n) {
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add("Ticket " + prefix + "-" + i + ": my card was declined at the shop, what should I do?");
        }
        return texts;
    }

    private static double percentile(List<Double> sorted, double share) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(share * sorted.size())));
    }

    /** One model call: its thread, when it started and ended, and the chat model's part of it. */
    private record Call(long thread, long start, long end, long chatNanos) {

        double chatMillis() {
            return this.chatNanos / 1e6;
        }
    }

    /** The calls of one labelling run, between its start and end. */
    private record Run(long start, long end, List<Call> calls) {

        double wallSeconds() {
            return (this.end - this.start) / 1e9;
        }

        /** Per call, sorted: the time its thread spent since its previous call ended (or the run started). */
        List<Double> gaps() {
            Map<Long, Long> lastEnd = new HashMap<>();
            List<Double> gaps = new ArrayList<>();
            this.calls.stream().sorted(Comparator.comparingLong(Call::start)).forEach(call -> {
                gaps.add((call.start() - lastEnd.getOrDefault(call.thread(), this.start)) / 1e6);
                lastEnd.put(call.thread(), call.end());
            });
            Collections.sort(gaps);
            return gaps;
        }

        /** Per call, sorted: the adapter's own time, the call minus the chat model's. */
        List<Double> adapter() {
            return this.calls.stream().map(call -> (call.end() - call.start() - call.chatNanos()) / 1e6).sorted()
                    .toList();
        }

        /** Per call, sorted: the labeller's gap before it plus the adapter's own time. */
        List<Double> pipeline() {
            Map<Long, Long> lastEnd = new HashMap<>();
            List<Double> own = new ArrayList<>();
            this.calls.stream().sorted(Comparator.comparingLong(Call::start)).forEach(call -> {
                long gap = call.start() - lastEnd.getOrDefault(call.thread(), this.start);
                own.add((gap + call.end() - call.start() - call.chatNanos()) / 1e6);
                lastEnd.put(call.thread(), call.end());
            });
            Collections.sort(own);
            return own;
        }
    }

    /** A labelling model that keeps each call's {@link Call}; the chat part comes from {@code chat}, if any. */
    private static final class Timeline implements LabellingModel {

        private final LabellingModel model;

        private final TimedChat chat;

        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        Timeline(LabellingModel model, TimedChat chat) {
            this.model = model;
            this.chat = chat;
        }

        @Override
        public String id() {
            return this.model.id();
        }

        @Override
        public LabellingResult label(LabellingRequest request) {
            long chatBefore = this.chat == null ? 0 : this.chat.spent.get()[0];
            long start = System.nanoTime();
            try {
                return this.model.label(request);
            }
            finally {
                long end = System.nanoTime();
                long chatNanos = this.chat == null ? end - start : this.chat.spent.get()[0] - chatBefore;
                this.calls.add(new Call(Thread.currentThread().getId(), start, end, chatNanos));
            }
        }
    }

    /** A chat model that adds the time of each call to a per-thread total. */
    private static final class TimedChat implements ChatModel {

        private final ChatModel chat;

        final ThreadLocal<long[]> spent = ThreadLocal.withInitial(() -> new long[1]);

        TimedChat(ChatModel chat) {
            this.chat = chat;
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            long start = System.nanoTime();
            try {
                return this.chat.call(prompt);
            }
            finally {
                this.spent.get()[0] += System.nanoTime() - start;
            }
        }

        @Override
        public ChatOptions getOptions() {
            return this.chat.getOptions();
        }
    }

    /** An in-process model that answers {@code card} after a fixed delay, as a remote one would. */
    private record WaitingModel(int delayMillis) implements LabellingModel {

        @Override
        public String id() {
            return "waiting";
        }

        @Override
        public LabellingResult label(LabellingRequest request) {
            try {
                Thread.sleep(this.delayMillis);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ex);
            }
            return new LabellingResult(request.texts().stream().map(text -> LabelledText.of(List.of(1.0, 0.0, 0.0),
                    TargetSource.SINGLE_ANSWER, 0, new LabellingUsage(1, 60, 6))).toList());
        }
    }

    /** A chat-completions endpoint on loopback that answers {@code card} to everything after a fixed delay. */
    private static final class DelayServer implements AutoCloseable {

        private final HttpServer server;

        private final ExecutorService executor = Executors.newCachedThreadPool();

        private DelayServer(HttpServer server) {
            this.server = server;
        }

        static DelayServer start(int delayMillis) {
            // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed
            // acknowledgement: ~40 ms per response that no real server adds.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            try {
                HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
                DelayServer delay = new DelayServer(http);
                http.createContext("/v1/chat/completions", exchange -> delay.answer(exchange, delayMillis));
                http.setExecutor(delay.executor);
                http.start();
                return delay;
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        String baseUrl() {
            return "http://" + this.server.getAddress().getHostString() + ":" + this.server.getAddress().getPort()
                    + "/v1";
        }

        private void answer(HttpExchange exchange, int delayMillis) throws IOException {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                Thread.sleep(delayMillis);
                byte[] body = String.format(Locale.ROOT, COMPLETION, System.currentTimeMillis() / 1000)
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            this.server.stop(0);
            this.executor.shutdownNow();
        }
    }
}
