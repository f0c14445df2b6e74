package io.distill4j.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.MiniLm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine on the real all-MiniLM-L6-v2 weights from the registry. */
class MiniLmEmbeddingIT {

    private static final List<String> SENTENCES = List.of(
            "A man is playing a guitar.",
            "The new movie is awesome and I loved every minute of it.",
            "Three children are running across the grassy field toward the school building.",
            "Stock markets fell sharply after the central bank raised interest rates again.",
            "She sliced the onions.",
            "How do I reset my card PIN?",
            "The quarterly report shows revenue growth in all regions except Europe, where currency effects weighed on sales.",
            "A cat sleeps on the sofa.",
            "Why was my transfer declined?",
            "The weather forecast calls for heavy rain tomorrow afternoon.",
            "He is cooking pasta in the kitchen.",
            "Researchers trained a small student network to mimic a large teacher network.");

    @TempDir
    static Path repository;

    static OnnxInferenceEngine engine;

    static final AtomicInteger largestBatch = new AtomicInteger();

    @BeforeAll
    static void openEngine() {
        MiniLm.installInto(repository, "minilm", 1);
        MiniLm.installInto(repository, "minilm", 2);
        engine = OnnxInferenceEngine.open(EngineConfig.builder()
            .modelRepository(repository)
            .session(SessionConfig.builder().intraOpThreads(2).interOpThreads(1).build())
            .batching(BatchingConfig.builder().maxBatchSize(8).build())
            .listener(new InferenceListener() {
                @Override
                public void onBatch(ModelId model, int batchSize, long runNanos) {
                    largestBatch.accumulateAndGet(batchSize, Math::max);
                }
            })
            .build());
        engine.load("minilm", 1);
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @Test
    void describesTheRealModel() {
        ModelDescriptor d = engine.describe("minilm");
        assertThat(d.task()).isEqualTo(TaskType.TEXT_EMBEDDING);
        assertThat(d.executionProvider()).isEqualTo("CPU");
        assertThat(d.inputs()).extracting(i -> i.name())
            .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        assertThat(d.outputs().get(0).name()).isEqualTo("last_hidden_state");
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        List<float[]> v = engine.embed("minilm", List.of(
                "A man is playing a guitar.",
                "A person plays the guitar.",
                "The stock market crashed yesterday.",
                "How can I change my card's PIN?",
                "I want to set a new PIN for my card."));
        assertThat(v.get(0)).hasSize(384);
        assertThat(norm(v.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        double paraphrase = dot(v.get(0), v.get(1));
        assertThat(paraphrase).isGreaterThan(dot(v.get(0), v.get(2)) + 0.3);
        assertThat(dot(v.get(3), v.get(4))).isGreaterThan(dot(v.get(3), v.get(0)) + 0.3)
            .isGreaterThan(dot(v.get(3), v.get(2)) + 0.3);
    }

    @Test
    void batchedResultsEqualUnbatchedOnes() throws Exception {
        List<float[]> single = new ArrayList<>();
        for (String s : SENTENCES) {
            single.add(engine.embed("minilm", s));
        }
        largestBatch.set(0);
        // Many concurrent callers, texts of very different lengths: the batcher coalesces and pads.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int caller = 0; caller < 8; caller++) {
                futures.add(pool.submit(() -> engine.embed("minilm", SENTENCES)));
            }
            for (Future<List<float[]>> f : futures) {
                List<float[]> batched = f.get(120, TimeUnit.SECONDS);
                for (int i = 0; i < SENTENCES.size(); i++) {
                    assertThat(maxAbsDiff(batched.get(i), single.get(i))).as(SENTENCES.get(i)).isLessThanOrEqualTo(1e-4);
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(largestBatch.get()).as("largest batch seen").isGreaterThan(1).isLessThanOrEqualTo(8);
    }

    @Test
    void hotSwapUnderConcurrentLoadLosesNoRequest() throws Exception {
        int callers = 6;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger completed = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int c = 0; c < callers; c++) {
                int offset = c;
                pool.submit(() -> {
                    started.countDown();
                    int i = offset;
                    while (running.get()) {
                        try {
                            float[] v = engine.embed("minilm", SENTENCES.get(i++ % SENTENCES.size()));
                            if (v.length != 384) {
                                failures.add(new AssertionError("vector of length " + v.length));
                            }
                            completed.incrementAndGet();
                        }
                        catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                });
            }
            started.await();
            for (long version : new long[] { 2, 1, 2 }) {
                int before = completed.get();
                while (completed.get() < before + 20) {
                    Thread.sleep(5);
                }
                assertThat(engine.load("minilm", version).id().version()).isEqualTo(version);
            }
            int before = completed.get();
            while (completed.get() < before + 20) {
                Thread.sleep(5);
            }
        }
        finally {
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(completed.get()).isGreaterThanOrEqualTo(80);
        assertThat(engine.describe("minilm").id().version()).isEqualTo(2);
        engine.load("minilm", 1);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
