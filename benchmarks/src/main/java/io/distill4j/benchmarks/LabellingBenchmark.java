package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingRequest;
import io.distill4j.api.labelling.LabellingResult;
import io.distill4j.pipeline.labelling.ExchangeJournal;
import io.distill4j.pipeline.labelling.Labeller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.spring.ai.ChatLabellingModel;

/**
 * What the labelling path costs on top of the model: texts labelled through the distiller's {@link Labeller}
 * (journal, rate limits, retries) and {@link ChatLabellingModel} (Spring AI's OpenAI client, real HTTP) by a
 * chat-completions server on loopback that answers every request after a fixed delay — a stand-in for a remote
 * LLM, which only waits. At each concurrency, the wall time against the ideal (requests × delay /
 * concurrency), and per request the round trip minus the delay (client, HTTP, JSON) and the labeller's own
 * share (wall × concurrency / requests minus the mean round trip).
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
        StringBuilder md = new StringBuilder("| concurrency | requests | wall s | requests/s | ideal requests/s | "
                + "of ideal | round trip − delay, p50 / p90 ms | labeller's own per request, ms |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        try (DelayServer server = DelayServer.start(delayMillis)) {
            OpenAiChatModel chat = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                    .baseUrl(server.baseUrl()).apiKey("bench").model("bench").maxRetries(0)
                    .timeout(Duration.ofSeconds(30)).build()).build();
            TimedModel model = new TimedModel(new ChatLabellingModel("bench", chat, true));
            label(model, work.resolve("warm-up"), 4, texts("warm-up", 40));
            for (int concurrency : levels) {
                model.roundTrips.clear();
                int requests = perCaller * concurrency;
                long wallNanos = label(model, work.resolve("c" + concurrency), concurrency,
                        texts("c" + concurrency, requests));
                List<Double> trips = new ArrayList<>(model.roundTrips);
                Collections.sort(trips);
                double meanTrip = trips.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                double wallSeconds = wallNanos / 1e9;
                double ideal = concurrency * 1000.0 / delayMillis;
                md.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.1f | %.1f | %.1f %% | %.2f / %.2f | %.2f |%n",
                        concurrency, requests, wallSeconds, requests / wallSeconds, ideal,
                        100 * requests / wallSeconds / ideal, percentile(trips, 0.5) - delayMillis,
                        percentile(trips, 0.9) - delayMillis, wallNanos / 1e6 * concurrency / requests - meanTrip));
                System.out.print(md.substring(md.lastIndexOf("\n", md.length() - 2) + 1));
            }
        }
        String report = "# Labelling throughput through Spring AI's OpenAI client\n\nA loopback chat-completions "
                + "server that answers after " + delayMillis + " ms; " + perCaller + " requests per concurrent "
                + "caller, each text distinct, a fresh journal per level.\n\n" + md
                + "\nTotal time: " + Duration.between(started, Instant.now()).toSeconds() + " s.\n";
        try {
            Files.writeString(out, report);
        }
        catch (IOException ex) {
            throw new BenchmarkException("cannot write " + out, ex);
        }
        System.out.println("Written " + out);
    }

    private static long label(LabellingModel model, Path journalDirectory, int concurrency, List<String> texts) {
        LabellingOptions options = LabellingOptions.ofDefaults();
        try (ExchangeJournal journal = ExchangeJournal.open(journalDirectory, model.id(), LABELS, options)) {
            long start = System.nanoTime();
            Labeller.of(model, LabellingLimits.builder().concurrency(concurrency).build()).label("bench", texts,
                    LABELS, options, journal, LabellingBudget.UNLIMITED, () -> false, (done, total, spent) -> { });
            return System.nanoTime() - start;
        }
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

    /** The model, with each call's round trip in milliseconds kept. */
    private static final class TimedModel implements LabellingModel {

        private final LabellingModel model;

        final List<Double> roundTrips = Collections.synchronizedList(new ArrayList<>());

        TimedModel(LabellingModel model) {
            this.model = model;
        }

        @Override
        public String id() {
            return this.model.id();
        }

        @Override
        public LabellingResult label(LabellingRequest request) {
            long start = System.nanoTime();
            try {
                return this.model.label(request);
            }
            finally {
                this.roundTrips.add((System.nanoTime() - start) / 1e6);
            }
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
