package io.distill4j.engine.polling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.distill4j.api.ModelId;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.MiniLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The poller on the real all-MiniLM-L6-v2 while three callers embed without pause: a version copied in
 * (model.json last) is served, a half-copied folder never is, removing the served version swaps back and
 * removing the last one unloads, and not one request fails. Waits are bounded polls with generous deadlines;
 * nothing asserts how long anything took.
 */
class RepositoryPollerIT {

    private static final int CLIENTS = 3;

    private static final Duration DEADLINE = Duration.ofMinutes(3);

    private static final String TEXT = "Where is the card I ordered last week?";

    @TempDir
    Path root;

    @Test
    void followsNewAndRemovedVersionsUnderLoadWithoutFailingARequest() throws Exception {
        MiniLm.installInto(this.root, "minilm", 1);
        Map<Long, AtomicLong> answersByVersion = new ConcurrentHashMap<>();
        AtomicLong failedRequests = new AtomicLong();
        InferenceListener listener = new InferenceListener() {
            @Override
            public void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
                if (success) {
                    answersByVersion.computeIfAbsent(model.version(), v -> new AtomicLong()).incrementAndGet();
                }
                else {
                    failedRequests.incrementAndGet();
                }
            }
        };
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
            .modelRepository(this.root)
            .session(SessionConfig.builder().intraOpThreads(1).interOpThreads(1).intraOpSpinning(false).build())
            .listener(listener)
            .build())) {
            engine.load("minilm");
            float[] reference = engine.embed("minilm", TEXT);
            try (RepositoryPoller poller = RepositoryPoller.start(engine,
                    RepositoryPollingConfig.builder().interval(Duration.ofSeconds(1)).build())) {
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                AtomicBoolean running = new AtomicBoolean(true);
                ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
                List<Future<?>> calls = new ArrayList<>();
                try {
                    for (int client = 0; client < CLIENTS; client++) {
                        calls.add(clients.submit(() -> {
                            while (running.get()) {
                                try {
                                    float[] vector = engine.embed("minilm", TEXT);
                                    // Every version holds the same weights: the same vector, whichever served it.
                                    assertThat(vector).containsExactly(reference, within(1e-4f));
                                }
                                catch (Throwable failure) {
                                    failures.add(failure);
                                }
                            }
                        }));
                    }
                    awaitAnswers(answersByVersion, 1, 4 * CLIENTS);

                    // A half-copied folder (no model.json yet) is never loaded, poll after poll.
                    Path three = copyWithoutManifest("minilm", 3);
                    awaitPolls(poller, 3);
                    assertThat(engine.describe("minilm").id().version()).isEqualTo(1);

                    // A version copied in with model.json last is swapped to, and serves.
                    Path two = copyWithoutManifest("minilm", 2);
                    Files.writeString(two.resolve("model.json"), MiniLm.MANIFEST);
                    await("minilm/2 served", () -> servedVersion(engine) == 2);
                    awaitAnswers(answersByVersion, 2, 4 * CLIENTS);
                    awaitPolls(poller, 2);
                    assertThat(servedVersion(engine)).as("the half-copied version 3 is not loaded").isEqualTo(2);

                    // Removing the served version swaps back to the newest remaining complete one.
                    long onOneBefore = answers(answersByVersion, 1);
                    FileTrees.delete(two);
                    await("minilm/1 served again", () -> servedVersion(engine) == 1);
                    await("answers from minilm/1 again",
                            () -> answers(answersByVersion, 1) >= onOneBefore + 4 * CLIENTS);

                    running.set(false);
                    for (Future<?> call : calls) {
                        call.get(2, TimeUnit.MINUTES);
                    }
                    assertThat(failures).as("failed requests").isEmpty();
                    assertThat(failedRequests).as("requests the engine counted as failed").hasValue(0);
                    assertThat(answersByVersion).containsOnlyKeys(1L, 2L);

                    // Removing the last complete version unloads the model (version 3 is still half copied) ...
                    FileTrees.delete(this.root.resolve("minilm/1"));
                    await("minilm unloaded", () -> engine.loadedModels().isEmpty());
                    // ... and the copy of version 3 finishing brings it back.
                    Files.writeString(three.resolve("model.json"), MiniLm.MANIFEST);
                    await("minilm/3 served", () -> !engine.loadedModels().isEmpty() && servedVersion(engine) == 3);
                    assertThat(engine.embed("minilm", TEXT)).containsExactly(reference, within(1e-4f));
                }
                finally {
                    running.set(false);
                    clients.shutdownNow();
                }
            }
        }
    }

    /** Copies MiniLM's model and tokenizer into a new version folder, as a writer does before model.json. */
    private Path copyWithoutManifest(String name, long version) throws IOException {
        Path dir = Files.createDirectories(this.root.resolve(name).resolve(Long.toString(version)));
        Files.copy(MiniLm.modelFile(), dir.resolve("model.onnx"));
        Files.copy(MiniLm.tokenizerFile(), dir.resolve("tokenizer.json"));
        return dir;
    }

    private static long servedVersion(OnnxInferenceEngine engine) {
        return engine.describe("minilm").id().version();
    }

    private static long answers(Map<Long, AtomicLong> answersByVersion, long version) {
        AtomicLong count = answersByVersion.get(version);
        return count == null ? 0 : count.get();
    }

    private static void awaitAnswers(Map<Long, AtomicLong> answersByVersion, long version, long atLeast)
            throws InterruptedException {
        await(atLeast + " answers from version " + version, () -> answers(answersByVersion, version) >= atLeast);
    }

    private static void awaitPolls(RepositoryPoller poller, int polls) throws InterruptedException {
        long target = poller.polls() + polls;
        await(polls + " more polls", () -> poller.polls() >= target);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
