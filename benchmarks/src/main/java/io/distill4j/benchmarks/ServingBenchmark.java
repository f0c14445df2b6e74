package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.sun.management.OperatingSystemMXBean;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.ServerLiveRequest;
import io.distill4j.engine.similarity.Similarity;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * The serving path against the in-process engine: all-MiniLM-L6-v2 embeddings of STS-B test sentences,
 * one sentence per call, through gRPC ModelInfer (Open Inference Protocol v2, BYTES in, FP32 out) on
 * Spring Boot's gRPC server over loopback, and through the protocol's REST binding on Tomcat (JSON, the JDK's
 * HTTP/1.1 client), vs the same engine bean called in process. Server and clients
 * share the JVM and the machine, as a sidecar would.
 *
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.ServingBenchmark \
 *     -Dbench.args="--stsb ../shared/datasets/stsb"
 * </pre>
 *
 * <p>The platform is the starter's auto-configuration, as {@code samples}' server runs it: the engine,
 * the Resilience4j guard (a bulkhead of {@code --max-concurrent} calls per model, no waiting), the Open
 * Inference service on Spring Boot's gRPC server. Two parts:
 * <ol>
 * <li><b>Throughput</b>: {@link LoadDriver} closed loops at each {@code --callers} count, in-process and gRPC
 * interleaved over {@code --rounds} rounds (order alternating), every gRPC call with a 30 s deadline;
 * medians over rounds of sentences/s, p50 and p99. A failed call fails the run.</li>
 * <li><b>Overload</b>: an open loop offering {@code --overload} times the gRPC throughput measured at the
 * largest caller count (async stub, requests sent at a fixed rate whatever the answers), so the bulkhead
 * must refuse the excess: latency of refusals (RESOURCE_EXHAUSTED) and of accepted calls, against the
 * closed loop at {@code --max-concurrent} callers. Any other status is counted and reported.</li>
 * </ol>
 */
public final class ServingBenchmark {

    static final String USAGE = """
            Usage: ServingBenchmark --stsb DIR [options]
              --stsb DIR|FILE          STS-B folder holding stsb-en-test.csv, or that file (required)
              --callers LIST           concurrent callers for the throughput part (default 1,16)
              --rounds N               interleaved rounds (default 3)
              --seconds-per-run S      length of one run (default 15)
              --warmup-seconds S       warm-up of each path before timing (default 10)
              --max-concurrent N       the bulkhead's concurrent calls per model (default 16)
              --overload X             offered load in the overload part, times the measured capacity (default 4)
              --overload-seconds S     length of the overload part (default 20)
              --intra-op-threads N     ONNX Runtime intra-op threads of the engine (default 2)
              --spinning true|false    whether those threads spin while idle (default true, ONNX Runtime's default)
              --work-dir DIR           model files and repository (default: a folder in java.io.tmpdir)
              --out FILE               markdown report; serving-runs.csv is written beside it
              --out-dir DIR            folder of the report when --out is not given (default: working directory)
            """;

    private static final String MODEL = ModelFiles.ENGINE_MODEL_NAME;

    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ServingBenchmark() {
    }

    /** Entry point; see the class javadoc. */
    public static void main(String[] args) {
        Flags flags = Flags.parse(USAGE, args);
        Path stsb = Path.of(flags.required("stsb"));
        List<Integer> callers = flags.positiveInts("callers", "1,16");
        int rounds = flags.positiveInt("rounds", 3);
        Duration perRun = flags.seconds("seconds-per-run", 15, 0.1);
        Duration warmup = flags.seconds("warmup-seconds", 10, 0);
        int maxConcurrent = flags.positiveInt("max-concurrent", 16);
        double overload = flags.number("overload", 4, 1, 100);
        Duration overloadRun = flags.seconds("overload-seconds", 20, 1);
        int intraOp = flags.positiveInt("intra-op-threads", 2);
        String spinning = flags.string("spinning", "true");
        if (!spinning.equals("true") && !spinning.equals("false")) {
            throw new BenchmarkException("--spinning must be true or false, was '" + spinning + "'\n" + USAGE);
        }
        Path work = flags.workDirectory();
        Path out = flags.out("serving-results.md");
        flags.requireNoneLeft();

        List<String> sentences = StsbData.readTest(stsb).distinctSentences();
        ModelFiles files = ModelFiles.extract(BenchmarkSupport.createDirectories(work.resolve("serving")));
        Path repository = files.layOutEngineRepository();
        Report report = new Report(out, "serving-runs.csv", System.out);
        try (ConfigurableApplicationContext platform = startPlatform(repository, intraOp, spinning, maxConcurrent)) {
            int port = platform.getBean(GrpcServerLifecycle.class).getPort();
            InferenceEngine engine = platform.getBean(InferenceEngine.class);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024).build();
            try {
                report.section("# gRPC ModelInfer and REST infer vs the in-process engine\n\n" + Report.machine() + "; "
                        + Report.jdk() + "\n\nArguments: " + String.join(" ", args) + "\n\n" + sentences.size()
                        + " distinct STS-B test sentences, one per call; engine intra-op threads " + intraOp
                        + (spinning.equals("true") ? "" : " (not spinning)") + ", bulkhead " + maxConcurrent + " concurrent calls per model.");
                EmbeddingSystem inProcess = new CallSystem("in-process", text -> engine.embed(MODEL, text));
                GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking = GRPCInferenceServiceGrpc
                    .newBlockingStub(channel);
                EmbeddingSystem grpc = new CallSystem("grpc", text -> vector(blocking
                    .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).modelInfer(request(text))));
                EmbeddingSystem rest = restSystem(Integer.parseInt(platform.getEnvironment()
                    .getRequiredProperty("local.server.port")));
                requireSameVectors(inProcess, grpc, sentences);
                requireSameVectors(inProcess, rest, sentences);
                LoadDriver driver = new LoadDriver(sentences);
                report.log("warming up both paths for " + Flags.format(warmup) + " s each");
                driver.run(inProcess, 16, warmup);
                driver.run(grpc, 16, warmup);
                driver.run(rest, 16, warmup);
                report.section(transportFloor(blocking));
                MeterRegistry meters = platform.getBean(MeterRegistry.class);
                Supplier<double[]> batches = () -> {
                    DistributionSummary summary = meters.find("distill4j.inference.batch.size").summary();
                    return summary == null ? new double[2] : new double[] { summary.count(), summary.totalAmount() };
                };
                Map<Integer, Map<String, List<RunResult>>> runs = throughput(report, driver, List.of(inProcess, grpc,
                        rest), callers, rounds, perRun, batches);
                double capacity = Stats.median(runs.get(callers.get(callers.size() - 1)).get("grpc").stream()
                    .map(RunResult::throughput).toList());
                List<RunResult> atLimit = runs.containsKey(maxConcurrent) ? runs.get(maxConcurrent).get("grpc")
                        : List.of(driver.run(grpc, maxConcurrent, perRun));
                overload(report, channel, sentences, capacity * overload, overload, overloadRun, atLimit);
            }
            finally {
                channel.shutdownNow();
            }
        }
        report.log("report: " + report.markdownFile());
    }

    private static ConfigurableApplicationContext startPlatform(Path repository, int intraOp, String spinning,
            int maxConcurrent) {
        SpringApplication application = new SpringApplication(Platform.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("distill4j.inference.model-repository", repository.toString());
        properties.put("distill4j.inference.load-on-startup", MODEL);
        properties.put("distill4j.inference.intra-op-threads", Integer.toString(intraOp));
        properties.put("distill4j.inference.intra-op-spinning", spinning);
        properties.put("distill4j.distill.enabled", "false");
        properties.put("spring.grpc.server.port", "0");
        properties.put("spring.grpc.server.address", "127.0.0.1");
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        properties.put("resilience4j.bulkhead.configs.distill4j.max-concurrent-calls", Integer.toString(maxConcurrent));
        properties.put("resilience4j.bulkhead.configs.distill4j.max-wait-duration", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "WARN");
        application.setDefaultProperties(properties);
        return application.run();
    }

    /** The platform as the starter configures it, nothing added. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Platform {
    }

    private static Map<Integer, Map<String, List<RunResult>>> throughput(Report report, LoadDriver driver,
            List<EmbeddingSystem> systems, List<Integer> callers, int rounds, Duration perRun,
            Supplier<double[]> batches) {
        Map<Integer, Map<String, List<RunResult>>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int count : callers) {
                List<EmbeddingSystem> order = new ArrayList<>(systems);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (EmbeddingSystem system : order) {
                    double[] before = batches.get();
                    long cpuBefore = processCpuNanos();
                    RunResult result = driver.run(system, count, perRun);
                    double cpuMillisPerCall = (processCpuNanos() - cpuBefore) / 1e6 / Math.max(1, result.calls());
                    double[] after = batches.get();
                    report.run("throughput", round, result);
                    report.log(String.format("round %d, %d callers, %s: %.1f sentences/s, p50 %.2f ms, p99 %.2f ms, "
                            + "mean batch %.1f, process CPU %.2f ms per call", round, count, system.name(),
                            result.throughput(), result.latencyMillis(0.5), result.latencyMillis(0.99),
                            (after[1] - before[1]) / Math.max(1, after[0] - before[0]), cpuMillisPerCall));
                    runs.computeIfAbsent(count, c -> new LinkedHashMap<>())
                        .computeIfAbsent(system.name(), s -> new ArrayList<>()).add(result);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, List<RunResult>>> entry : runs.entrySet()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(entry.getKey())));
            Map<String, Double> rates = new LinkedHashMap<>();
            for (EmbeddingSystem system : systems) {
                List<RunResult> results = entry.getValue().get(system.name());
                double rate = Stats.median(results.stream().map(RunResult::throughput).toList());
                rates.put(system.name(), rate);
                row.addAll(List.of(Report.format(rate, 1), Report.format(median(results, 0.5), 2),
                        Report.format(median(results, 0.99), 2)));
            }
            row.add(Report.format(rates.get("grpc") / rates.get("in-process"), 2));
            row.add(Report.format(rates.get("rest") / rates.get("grpc"), 2));
            rows.add(row);
        }
        report.section("## Throughput (medians over " + rounds + " rounds of " + Flags.format(perRun) + " s)\n\n"
                + Report.table(List.of("callers", "in-process sentences/s", "p50 ms", "p99 ms", "gRPC sentences/s",
                        "p50 ms", "p99 ms", "REST sentences/s", "p50 ms", "p99 ms", "gRPC / in-process",
                        "REST / gRPC"), rows));
        return runs;
    }

    /** ServerLive round trips, one caller: what the transport alone costs per call on this machine. */
    private static String transportFloor(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub) {
        int calls = 2000;
        long[] latencies = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            stub.serverLive(ServerLiveRequest.getDefaultInstance());
            latencies[i] = System.nanoTime() - start;
        }
        Arrays.sort(latencies);
        RunResult result = new RunResult("serverLive", 1, calls, Arrays.stream(latencies).sum(), latencies);
        return String.format("Transport alone (ServerLive round trip, one caller, %d calls): p50 %.3f ms, p99 %.3f ms.",
                calls, result.latencyMillis(0.5), result.latencyMillis(0.99));
    }

    /** CPU time of the whole process (server, clients, ONNX Runtime's threads), or 0 where unknown. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static double median(List<RunResult> results, double quantile) {
        return Stats.median(results.stream().map(result -> result.latencyMillis(quantile)).toList());
    }

    /**
     * Sends requests at {@code rate} per second for {@code duration} with the async stub, whatever the
     * answers, and sorts the answers by status.
     */
    private static void overload(Report report, ManagedChannel channel, List<String> sentences, double rate,
            double factor, Duration duration, List<RunResult> atLimit) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub stub = GRPCInferenceServiceGrpc.newFutureStub(channel);
        BenchmarkSupport.settle();
        long interval = Math.max(1, Math.round(1e9 / rate));
        int total = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        long[] latencies = new long[total];
        Status.Code[] codes = new Status.Code[total];
        CountDownLatch answered = new CountDownLatch(total);
        report.log(String.format("overload: offering %.0f calls/s (%.1f x capacity) for %s s", rate, factor,
                Flags.format(duration)));
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            String text = sentences.get(i % sentences.size());
            long sent = System.nanoTime();
            ListenableFuture<ModelInferResponse> call = stub
                .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).modelInfer(request(text));
            Futures.addCallback(call, new FutureCallback<>() {
                @Override
                public void onSuccess(ModelInferResponse response) {
                    latencies[index] = System.nanoTime() - sent;
                    codes[index] = Status.Code.OK;
                    answered.countDown();
                }

                @Override
                public void onFailure(Throwable failure) {
                    latencies[index] = System.nanoTime() - sent;
                    codes[index] = Status.fromThrowable(failure).getCode();
                    answered.countDown();
                }
            }, MoreExecutors.directExecutor());
        }
        long sending = System.nanoTime() - start;
        try {
            if (!answered.await(CALL_DEADLINE.toSeconds() + 30, TimeUnit.SECONDS)) {
                throw new BenchmarkException("overload: " + answered.getCount() + " calls never answered");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
        long elapsed = System.nanoTime() - start;
        Map<Status.Code, List<Long>> byCode = new LinkedHashMap<>();
        for (int i = 0; i < total; i++) {
            byCode.computeIfAbsent(codes[i], c -> new ArrayList<>()).add(latencies[i]);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<Status.Code, List<Long>> entry : byCode.entrySet()) {
            long[] sorted = entry.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            RunResult result = new RunResult("grpc-" + entry.getKey(), 0, sorted.length, elapsed, sorted);
            report.run("overload", 1, result);
            rows.add(List.of(entry.getKey().name(), Integer.toString(sorted.length),
                    Report.format(sorted.length / (elapsed / 1e9), 1), Report.format(result.latencyMillis(0.5), 2),
                    Report.format(result.latencyMillis(0.99), 2), Report.format(sorted[sorted.length - 1] / 1e6, 2)));
        }
        int limitCallers = atLimit.get(0).callers();
        rows.add(List.of("closed loop, " + limitCallers + " callers (reference)",
                Long.toString(atLimit.stream().mapToLong(RunResult::calls).sum()),
                Report.format(Stats.median(atLimit.stream().map(RunResult::throughput).toList()), 1),
                Report.format(median(atLimit, 0.5), 2), Report.format(median(atLimit, 0.99), 2),
                Report.format(atLimit.stream().mapToDouble(r -> r.latencyMillis(1.0)).max().orElse(Double.NaN), 2)));
        report.section(String.format("## Overload: %.0f calls/s offered (%.1f x the gRPC capacity), %s s%n%n"
                + "Sent in %.1f s (open loop, async stub); answers by status:%n%n", rate, factor,
                Flags.format(duration), sending / 1e9)
                + Report.table(List.of("status", "calls", "per second", "p50 ms", "p99 ms", "max ms"), rows));
    }

    private static void requireSameVectors(EmbeddingSystem local, EmbeddingSystem remote, List<String> sentences) {
        for (String text : sentences.subList(0, Math.min(20, sentences.size()))) {
            float[] a = local.embed(text);
            float[] b = remote.embed(text);
            if (!Arrays.equals(a, b)) {
                throw new BenchmarkException(remote.name() + " and in-process embeddings differ for '" + text
                        + "' (cosine " + Similarity.cosine(a, b) + ")");
            }
        }
    }

    private static ModelInferRequest request(String text) {
        return ModelInferRequest.newBuilder().setModelName(MODEL).addInputs(ModelInferRequest.InferInputTensor
            .newBuilder().setName("text").setDatatype("BYTES").addShape(1).setContents(InferTensorContents
                .newBuilder().addBytesContents(ByteString.copyFrom(text, StandardCharsets.UTF_8)))).build();
    }

    private static float[] vector(ModelInferResponse response) {
        InferTensorContents contents = response.getOutputs(0).getContents();
        float[] vector = new float[contents.getFp32ContentsCount()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = contents.getFp32Contents(i);
        }
        return vector;
    }

    /**
     * {@code POST /v2/models/<model>/infer} on the platform's HTTP port with the JDK's HTTP/1.1 client, one text
     * per call in the REST binding's JSON, the embedding read from {@code outputs[0].data}.
     */
    private static EmbeddingSystem restSystem(int port) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/v2/models/" + MODEL + "/infer");
        return new CallSystem("rest", text -> {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode input = body.putArray("inputs").addObject().put("name", "text").put("datatype", "BYTES");
            input.putArray("shape").add(1);
            input.putArray("data").add(text);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(CALL_DEADLINE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new BenchmarkException("interrupted", ex);
            }
            if (response.statusCode() != 200) {
                throw new BenchmarkException("REST infer answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode data = JSON.readTree(response.body()).path("outputs").get(0).path("data");
            float[] vector = new float[data.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = data.get(i).floatValue();
            }
            return vector;
        });
    }

    /** A path as the load driver sees it: one sentence in, one vector out. */
    private record CallSystem(String name, Function<String, float[]> call) implements EmbeddingSystem {

        @Override
        public float[] embed(String text) {
            return this.call.apply(text);
        }

        @Override
        public Settings settings() {
            return new Settings(this.name, "", "", "");
        }

        @Override
        public void close() {
        }
    }
}
