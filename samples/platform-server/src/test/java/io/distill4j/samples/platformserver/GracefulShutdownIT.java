package io.distill4j.samples.platformserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.ServerReadyRequest;
import io.distill4j.samples.platformserver.InferenceClients.Outcome;
import io.distill4j.samples.platformserver.InferenceClients.Result;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The platform server closed from another thread (as SIGTERM closes it) while gRPC and REST clients keep MiniLM
 * busy: readiness answers DOWN on all three views (gRPC ServerReady, REST /v2/health/ready, the actuator's readiness
 * group) before any request is refused; requests are still served during {@code distill4j.shutdown.delay}; then every request is
 * either answered or refused with the retryable status (UNAVAILABLE, 503 with Retry-After), or finds the port
 * closed (or, once the refusals have begun, its new REST connection closed unanswered as Tomcat stops); requests
 * that were running when the refusals began finish; the engine is closed at the end.
 *
 * <p>The clients behave as the protocol asks: after a refusal they wait the Retry-After (1 s) before the next try;
 * once nothing listens any more they stop.
 */
class GracefulShutdownIT {

    private static final Duration DELAY = Duration.ofSeconds(2);

    private final long origin = System.nanoTime();

    /** Every request: the client, when it was sent and answered (ns since origin), and what it came to. */
    private record Request(String client, long sent, long answered, Result result) {
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** The first DOWN answer of each readiness view, ns since origin. */
    private final Map<String, Long> firstDown = new ConcurrentHashMap<>();

    private volatile boolean stop;

    @Test
    void aClosingServerGoesUnreadyThenRefusesAndFinishesWhatItStarted(@TempDir Path dir) throws Exception {
        ConfigurableApplicationContext context = PlatformServer.start(
                "--distill4j.inference.model-repository=" + dir.resolve("models"), "--spring.grpc.server.port=0",
                "--server.port=0", "--management.server.port=0",
                "--distill4j.shutdown.delay=" + DELAY.toMillis() + "ms", "--management.endpoint.health.probes.enabled=true");
        InferenceEngine engine = context.getBean(InferenceEngine.class);
        int grpcPort = context.getBean(GrpcServerLifecycle.class).getPort();
        int restPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        int managementPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        HttpClient http = InferenceClients.http();
        List<Thread> threads = new ArrayList<>();
        try {
            assertThat(get(http, managementPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
            // Short requests keep arriving; long ones (16 longer texts) are likely in flight when refusals begin.
            threads.add(client("grpc-1", texts -> InferenceClients.grpc(stub, texts), 2, 8));
            threads.add(client("grpc-2", texts -> InferenceClients.grpc(stub, texts), 2, 8));
            threads.add(client("grpc-long", texts -> InferenceClients.grpc(stub, texts), 16, 64));
            threads.add(client("rest-1", texts -> InferenceClients.rest(http, restPort, texts), 2, 8));
            threads.add(client("rest-2", texts -> InferenceClients.rest(http, restPort, texts), 2, 8));
            threads.add(client("rest-long", texts -> InferenceClients.rest(http, restPort, texts), 16, 64));
            threads.add(watcher("grpc ServerReady", () -> {
                try {
                    return !stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .serverReady(ServerReadyRequest.getDefaultInstance()).getReady();
                }
                catch (StatusRuntimeException ex) {
                    return null; // not an answer
                }
            }));
            threads.add(watcher("REST /v2/health/ready", () -> down(http, restPort, "/v2/health/ready",
                    body -> body.equals("{\"ready\":false}"))));
            threads.add(watcher("actuator readiness", () -> down(http, managementPort, "/actuator/health/readiness",
                    body -> body.contains("OUT_OF_SERVICE"))));
            threads.forEach(Thread::start);
            // Every client has been served before the shutdown starts.
            awaitCondition(() -> threads.stream().filter(t -> !t.getName().startsWith("watch"))
                .allMatch(t -> count(t.getName(), Outcome.OK) >= 2), Duration.ofSeconds(60));

            long closeStarted = now();
            CompletableFuture.runAsync(context::close).get(120, TimeUnit.SECONDS);
            long closed = now();
            // The clients stop once the ports are closed; the watchers once the close is over.
            awaitCondition(() -> threads.stream().filter(t -> !t.getName().startsWith("watch"))
                .noneMatch(Thread::isAlive), Duration.ofSeconds(30));

            System.out.printf("GracefulShutdownIT: %d requests: %s%n", this.requests.size(), summary());
            long firstRefusal = first(Outcome.REFUSED).orElseThrow(() -> new AssertionError("no request was refused"));
            // A REST connection the stopping Tomcat closes before any byte of an answer (one still in the accept
            // queue when the listening socket closes) is the transport's race, not a dropped request, once the
            // refusals have begun: from then on no inference call is admitted, so nothing of it ran (see
            // RollingUpdateIT, whose clients retry it). Before the refusals it would be a lost request.
            List<Request> failed = this.requests.stream().filter(r -> r.result().outcome() == Outcome.FAILED
                    || r.result().outcome() == Outcome.UNANSWERED && r.sent() < firstRefusal).toList();
            assertThat(failed).as("requests neither answered nor refused retryably").isEmpty();
            assertThat(this.firstDown).as("every readiness view answered DOWN").containsOnlyKeys("grpc ServerReady",
                    "REST /v2/health/ready", "actuator readiness");
            this.firstDown.forEach((view, down) -> assertThat(down).as(view + " DOWN before the first refusal")
                .isBetween(closeStarted, firstRefusal));
            assertThat(this.requests).as("served while readiness was already down (the delay)")
                .anyMatch(r -> r.result().outcome() == Outcome.OK && r.sent() > latestDown());
            assertThat(this.requests).as("a request running when the refusals began finished")
                .anyMatch(r -> r.result().outcome() == Outcome.OK && r.sent() < firstRefusal
                        && r.answered() > firstRefusal);
            for (String transport : List.of("grpc", "rest")) {
                assertThat(this.requests).as(transport + " refusals name the shutdown").anyMatch(r -> r.client()
                    .startsWith(transport) && r.result().outcome() == Outcome.REFUSED
                        && r.result().detail().contains("shutting down"));
            }
            assertThat(this.requests).as("every request after the close found the ports closed")
                .filteredOn(r -> r.sent() > closed).allMatch(r -> r.result().retryable());
            assertThatIllegalStateException().as("the engine is closed").isThrownBy(engine::loadedModels);
        }
        finally {
            this.stop = true;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            context.close();
        }
    }

    /** A client sending {@code count} texts of {@code words} words at a time until nothing listens. */
    private Thread client(String name, Call call, int count, int words) {
        return new Thread(() -> {
            int seed = 0;
            while (!this.stop) {
                long sent = now();
                Result result;
                try {
                    result = call.send(InferenceClients.texts(count, words, seed++));
                }
                catch (InterruptedException ex) {
                    return;
                }
                catch (RuntimeException ex) {
                    result = new Result(Outcome.FAILED, ex.toString());
                }
                this.requests.add(new Request(name, sent, now(), result));
                if (result.outcome() == Outcome.NOT_CONNECTED) {
                    return;
                }
                if (result.outcome() == Outcome.REFUSED && !sleep(Duration.ofSeconds(1))) {
                    return;
                }
            }
        }, name);
    }

    /** Polls one readiness view, recording its first DOWN answer ({@code null}: no answer). */
    private Thread watcher(String view, ReadinessView down) {
        return new Thread(() -> {
            while (!this.stop && !this.firstDown.containsKey(view)) {
                try {
                    if (Boolean.TRUE.equals(down.isDown())) {
                        this.firstDown.putIfAbsent(view, now());
                    }
                }
                catch (Exception ex) {
                    // not listening (yet or any more): not an answer
                }
                if (!sleep(Duration.ofMillis(10))) {
                    return;
                }
            }
        }, "watch " + view);
    }

    private static Boolean down(HttpClient http, int port, String path, Predicate<String> downBody)
            throws Exception {
        HttpResponse<String> response = get(http, port, path);
        if (response.statusCode() == 200) {
            return false;
        }
        return response.statusCode() == 503 && downBody.test(response.body()) ? Boolean.TRUE : null;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long latestDown() {
        return this.firstDown.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    private OptionalLong first(Outcome outcome) {
        return this.requests.stream().filter(r -> r.result().outcome() == outcome).mapToLong(Request::answered).min();
    }

    private long count(String client, Outcome outcome) {
        return this.requests.stream().filter(r -> r.client().equals(client) && r.result().outcome() == outcome)
            .count();
    }

    private String summary() {
        Map<String, AtomicLong> counts = new TreeMap<>();
        this.requests.forEach(r -> counts.computeIfAbsent(r.client() + " " + r.result().outcome(),
                key -> new AtomicLong()).incrementAndGet());
        return counts.toString();
    }

    private long now() {
        return System.nanoTime() - this.origin;
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitCondition(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    @FunctionalInterface
    private interface Call {
        Result send(List<String> texts) throws InterruptedException;
    }

    @FunctionalInterface
    private interface ReadinessView {
        Boolean isDown() throws Exception;
    }
}
