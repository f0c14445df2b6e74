package io.distill4j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.distill4j.api.Classification;
import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.TaskType;
import io.distill4j.api.ElementType;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelId;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.IncompatibleModelException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Finding;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Reason;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.MiniLm;
import io.distill4j.engine.testing.ModelGenerators;
import io.distill4j.engine.text.TextHeads;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The engine on small models generated in code, with the real MiniLM tokenizer (vocabulary 30522). */
class OnnxInferenceEngineTests {

    private static final int VOCAB = 30522;

    private static final int HIDDEN = 8;

    private static final long SEED = 42;

    @TempDir
    Path root;

    private OnnxInferenceEngine engine;

    @AfterEach
    void close() {
        if (this.engine != null) {
            this.engine.close();
        }
    }

    private OnnxInferenceEngine open(EngineConfig.Builder builder) {
        this.engine = OnnxInferenceEngine.open(builder.modelRepository(this.root)
            .session(SessionConfig.builder().intraOpThreads(1).interOpThreads(1).build())
            .build());
        return this.engine;
    }

    private OnnxInferenceEngine open() {
        return open(EngineConfig.builder());
    }

    private Path install(String name, long version, byte[] model, String manifest) throws IOException {
        Path dir = Files.createDirectories(this.root.resolve(name).resolve(Long.toString(version)));
        Files.write(dir.resolve("model.onnx"), model);
        Files.writeString(dir.resolve("model.json"), manifest);
        Files.copy(MiniLm.tokenizerFile(), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private void installEncoder(String name, String pooling) throws IOException {
        install(name, 1, ModelGenerators.toyTextEncoder(VOCAB, HIDDEN, SEED),
                "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\", \"pooling\": \"" + pooling + "\"}");
    }

    private void installClassifier(String name, String labels) throws IOException {
        install(name, 1, ModelGenerators.toyTextClassifier(VOCAB, HIDDEN, 3, SEED),
                "{\"task\": \"text-classification\", \"tokenizer\": \"tokenizer.json\", \"labels\": " + labels + "}");
    }

    private static TokenizedText tokenize(String text) {
        try (TextTokenizer tokenizer = TextTokenizer.open("t", MiniLm.tokenizerFile(), 512)) {
            return tokenizer.encode(text);
        }
    }

    @Test
    void rawModelComputesItsOutputs() throws IOException {
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        open().load("add");
        Map<String, Tensor> out = this.engine.infer("add", Map.of("x", Tensor.ofFloats(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 2, 4)));
        assertThat(out.get("y").shape()).containsExactly(2, 4);
        assertThat(out.get("y").floats()).containsExactly(3, 5, 7, 9, 11, 13, 15, 17);
    }

    @Test
    void rawRequestsAreValidatedBeforeAnyNativeCall() throws IOException {
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        open().load("add");
        assertThatThrownBy(() -> this.engine.infer("add", Map.of("x", Tensor.ofFloats(new float[3], 1, 3))))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("inputs.x.shape[1]: must be 4");
        assertThatThrownBy(() -> this.engine.infer("add", Map.of("x", Tensor.ofLongs(new long[4], 1, 4))))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("datatype");
    }

    @Test
    void rawRequestsAreCoalescedAndEveryCallerGetsItsOwnRows() throws Exception {
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\", \"dynamicBatching\": true}");
        CountDownLatch firstBatch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        // Greedy: this is about coalescing; the adaptive policy would first measure sizes it does not know.
        open(EngineConfig.builder().batching(BatchingConfig.builder().policy(BatchPolicy.Kind.GREEDY).build())
            .listener(new InferenceListener() {
            @Override
            public void onBatch(ModelId model, int batchSize, long runNanos) {
                batchSizes.add(batchSize);
                firstBatch.countDown();
                await(release); // holds the worker so that the other requests queue up
            }
        }));
        this.engine.load("add");
        int callers = 6;
        List<CompletableFuture<Map<String, Tensor>>> results = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int rows = c % 3 + 1;
            float[] x = new float[rows * 4];
            Arrays.fill(x, c);
            results.add(CompletableFuture.supplyAsync(() -> this.engine.infer("add", Map.of("x", Tensor.ofFloats(x, rows, 4)))));
            if (c == 0) {
                assertThat(firstBatch.await(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        CompletableFuture<Map<String, Tensor>> bad = CompletableFuture
            .supplyAsync(() -> this.engine.infer("add", Map.of("x", Tensor.ofFloats(new float[3], 1, 3))));
        while (this.engine.queueDepth("add") < callers - 1) {
            Thread.sleep(1);
        }
        release.countDown();
        for (int c = 0; c < callers; c++) {
            Tensor y = results.get(c).get(30, TimeUnit.SECONDS).get("y");
            assertThat(y.shape()).containsExactly(c % 3 + 1, 4);
            assertThat(y.floats()).containsOnly(2f * c + 1);
        }
        assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(InvalidInputException.class);
        assertThat(batchSizes).first().isEqualTo(1);
        assertThat(batchSizes).contains(callers - 1);
    }

    @Test
    void dynamicBatchingNeedsADynamicBatchDimension() throws IOException {
        byte[] fixed = OnnxModelBuilder.create("fixed")
            .input("x", ElementType.FLOAT32, 2, 4)
            .node("Identity", List.of("x"), List.of("y"))
            .output("y", ElementType.FLOAT32, 2, 4)
            .toByteArray();
        install("fixed", 1, fixed, "{\"task\": \"raw\", \"dynamicBatching\": true}");
        assertThatThrownBy(() -> open().load("fixed")).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("dynamicBatching").hasMessageContaining("x:FLOAT32[2,4]");
    }

    @Test
    void clsPoolingReturnsTheClsTokenVector() throws IOException {
        installEncoder("enc", "cls");
        open().load("enc");
        float[] table = ModelGenerators.randomFloats(SEED, VOCAB * HIDDEN);
        float[] v = this.engine.embed("enc", "distillation works");
        long cls = tokenize("distillation works").ids()[0];
        for (int d = 0; d < HIDDEN; d++) {
            assertThat(v[d]).isCloseTo(table[(int) cls * HIDDEN + d], within(1e-6f));
        }
    }

    @Test
    void meanPoolingAveragesTheTokenVectorsOfEachText() throws IOException {
        installEncoder("enc", "mean");
        open().load("enc");
        float[] table = ModelGenerators.randomFloats(SEED, VOCAB * HIDDEN);
        List<String> texts = List.of("short", "a much longer sentence that needs padding when batched with the short one");
        List<float[]> vectors = this.engine.embed("enc", texts);
        for (int i = 0; i < texts.size(); i++) {
            long[] ids = tokenize(texts.get(i)).ids();
            for (int d = 0; d < HIDDEN; d++) {
                double sum = 0;
                for (long id : ids) {
                    sum += table[(int) id * HIDDEN + d];
                }
                assertThat(vectors.get(i)[d]).as("text %d dim %d", i, d).isCloseTo((float) (sum / ids.length), within(1e-5f));
            }
        }
    }

    @Test
    void tokenTypeIdsAreSentOnlyToModelsThatHaveThatInput() throws IOException {
        installEncoder("plain", "mean");
        install("typed", 1, ModelGenerators.toyTextEncoderWithTokenTypes(VOCAB, HIDDEN, SEED),
                "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\"}");
        open();
        assertThat(this.engine.load("plain").inputs()).extracting(i -> i.name()).doesNotContain("token_type_ids");
        assertThat(this.engine.load("typed").inputs()).extracting(i -> i.name()).contains("token_type_ids");
        assertThat(this.engine.embed("plain", "hello")).hasSize(HIDDEN);
        assertThat(this.engine.embed("typed", "hello")).hasSize(HIDDEN);
    }

    @Test
    void classificationReturnsTopKLabelsWithProbabilities() throws IOException {
        installClassifier("cls", "[\"negative\", \"neutral\", \"positive\"]");
        open().load("cls");
        List<Classification> results = this.engine.classify("cls", List.of("great movie", "terrible movie"), 3);
        assertThat(results).hasSize(2);
        for (Classification c : results) {
            assertThat(c.top()).hasSize(3);
            assertThat(c.top()).extracting(s -> s.label()).containsExactlyInAnyOrder("negative", "neutral", "positive");
            assertThat(c.top().get(0).probability()).isGreaterThanOrEqualTo(c.top().get(1).probability());
            assertThat(c.top().stream().mapToDouble(s -> s.probability()).sum()).isCloseTo(1.0, within(1e-5));
        }
        assertThat(this.engine.classify("cls", List.of("great movie"), 1).get(0).top()).hasSize(1);
        assertThatThrownBy(() -> this.engine.classify("cls", List.of("x"), 0)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("topK");
    }

    @Test
    void logitsAreTheRawRowsWhoseSoftmaxClassifyReports() throws IOException {
        installClassifier("cls", "[\"negative\", \"neutral\", \"positive\"]");
        open().load("cls");
        List<String> texts = List.of("great movie", "terrible movie");
        List<float[]> logits = this.engine.logits("cls", texts);
        List<Classification> classified = this.engine.classify("cls", texts, 3);
        List<String> labels = List.of("negative", "neutral", "positive");
        for (int i = 0; i < texts.size(); i++) {
            float[] row = logits.get(i);
            assertThat(row).hasSize(3);
            // Not probabilities: the raw outputs need not sum to 1.
            float[] probabilities = TextHeads.softmax(row.clone());
            for (var scored : classified.get(i).top()) {
                assertThat(scored.probability()).isCloseTo(probabilities[labels.indexOf(scored.label())], within(1e-6f));
            }
        }
        assertThatThrownBy(() -> this.engine.embed("cls", texts)).isInstanceOf(IncompatibleModelException.class);
    }

    @Test
    void usingAModelForTheWrongTaskIsIncompatible() throws IOException {
        installClassifier("cls", "[\"a\", \"b\", \"c\"]");
        open().load("cls");
        assertThatThrownBy(() -> this.engine.embed("cls", "x")).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("is a text-classification model, not text-embedding");
    }

    @Test
    void modelsThatDoNotFitTheirManifestAreRefusedAtLoad() throws IOException {
        install("notext", 1, ModelGenerators.addAndScale(), "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\"}");
        installClassifier("labels", "[\"only\", \"two\"]");
        install("declared", 1, ModelGenerators.addAndScale(),
                "{\"task\": \"raw\", \"inputs\": [{\"name\": \"x\", \"type\": \"INT64\", \"shape\": [-1, 4]}]}");
        open();
        assertThatThrownBy(() -> this.engine.load("notext")).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("input_ids");
        assertThatThrownBy(() -> this.engine.load("labels")).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("2 labels").hasMessageContaining("3 classes");
        assertThatThrownBy(() -> this.engine.load("declared")).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("declares input x:INT64");
        assertThat(this.engine.loadedModels()).isEmpty();
    }

    @Test
    void aCorruptModelFailsToLoadAndTheEngineKeepsWorking() throws IOException {
        install("bad", 1, "not an onnx file".getBytes(), "{\"task\": \"raw\"}");
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        open();
        assertThatThrownBy(() -> this.engine.load("bad")).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("bad/1");
        assertThat(this.engine.load("add").id()).isEqualTo(ModelId.of("add", 1));
    }

    @Test
    void aFailedLoadOfANewVersionLeavesTheOldOneServing() throws IOException {
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        install("add", 2, new byte[] { 0x08, 0x07, 0x12 }, "{\"task\": \"raw\"}");
        open().load("add", 1);
        assertThatThrownBy(() -> this.engine.load("add")).isInstanceOf(ModelLoadException.class);
        assertThat(this.engine.describe("add").id().version()).isEqualTo(1);
        assertThat(this.engine.infer("add", Map.of("x", Tensor.ofFloats(new float[4], 1, 4))).get("y").floats())
            .containsExactly(1, 1, 1, 1);
    }

    @Test
    void compareAndSetLoadAndUnloadActOnlyWhileTheExpectedVersionIsServed() throws IOException {
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        install("add", 2, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        open();
        assertThat(this.engine.loadIfServed("add", java.util.OptionalLong.of(1), 2)).isEmpty();
        assertThat(this.engine.loadedModels()).isEmpty();
        assertThat(this.engine.loadIfServed("add", java.util.OptionalLong.empty(), 1))
            .hasValueSatisfying(model -> assertThat(model.id()).isEqualTo(ModelId.of("add", 1)));
        assertThat(this.engine.loadIfServed("add", java.util.OptionalLong.empty(), 2)).isEmpty();
        assertThat(this.engine.describe("add").id().version()).isEqualTo(1);
        assertThat(this.engine.loadIfServed("add", java.util.OptionalLong.of(1), 2))
            .hasValueSatisfying(model -> assertThat(model.id()).isEqualTo(ModelId.of("add", 2)));
        assertThat(this.engine.unloadIfServed("add", 1)).isFalse();
        assertThat(this.engine.describe("add").id().version()).isEqualTo(2);
        assertThat(this.engine.unloadIfServed("add", 2)).isTrue();
        assertThat(this.engine.loadedModels()).isEmpty();
        assertThat(this.engine.unloadIfServed("add", 2)).isFalse();
    }

    @Test
    void hotSwapServesTheNewVersionAndListsIt() throws IOException {
        installEncoder("enc", "cls");
        install("enc", 2, ModelGenerators.toyTextEncoder(VOCAB, HIDDEN, SEED + 1),
                "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\", \"pooling\": \"cls\"}");
        open().load("enc", 1);
        float[] before = this.engine.embed("enc", "hello");
        assertThat(this.engine.load("enc", 1)).isSameAs(this.engine.describe("enc"));
        assertThat(this.engine.load("enc").id().version()).isEqualTo(2);
        assertThat(this.engine.embed("enc", "hello")).isNotEqualTo(before);
        assertThat(this.engine.repositoryIndex()).containsExactly(new RepositoryEntry("enc", List.of(1L, 2L),
                java.util.OptionalLong.of(2), java.util.Optional.of(TaskType.TEXT_EMBEDDING)));
    }

    @Test
    void theRepositoryIndexTellsTheTaskOfTheNewestVersionOnDiskAndNoneWhenItsManifestIsUnreadable() throws IOException {
        installEncoder("enc", "cls");
        install("broken", 1, ModelGenerators.addAndScale(), "{ not json");
        open();
        assertThat(this.engine.repositoryIndex()).containsExactly(
                new RepositoryEntry("broken", List.of(1L), java.util.OptionalLong.empty(), java.util.Optional.empty()),
                new RepositoryEntry("enc", List.of(1L), java.util.OptionalLong.empty(),
                        java.util.Optional.of(TaskType.TEXT_EMBEDDING)));
    }

    @Test
    void theOldVersionClosesOnlyOnceItsRequestsInFlightHaveFinished() throws Exception {
        installEncoder("enc", "cls");
        install("enc", 2, ModelGenerators.toyTextEncoder(VOCAB, HIDDEN, SEED + 1),
                "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\", \"pooling\": \"cls\"}");
        ModelId v1 = ModelId.of("enc", 1);
        CountDownLatch v1Running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch v1Closed = new CountDownLatch(1);
        open(EngineConfig.builder().listener(new InferenceListener() {
            @Override
            public void onBatch(ModelId model, int batchSize, long runNanos) {
                if (model.equals(v1)) {
                    v1Running.countDown();
                    await(release); // holds v1's request in flight
                }
            }

            @Override
            public void onModelClosed(ModelId model) {
                if (model.equals(v1)) {
                    v1Closed.countDown();
                }
            }
        }));
        this.engine.load("enc", 1);
        CompletableFuture<float[]> inFlight = CompletableFuture.supplyAsync(() -> this.engine.embed("enc", "hello"));
        assertThat(v1Running.await(30, TimeUnit.SECONDS)).isTrue();
        this.engine.load("enc", 2);
        float[] fromV2 = this.engine.embed("enc", "hello");
        assertThat(v1Closed.getCount()).as("v1 closed while a request was in flight").isEqualTo(1);
        release.countDown();
        float[] fromV1 = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(v1Closed.await(30, TimeUnit.SECONDS)).as("v1 closed after draining").isTrue();
        assertThat(fromV1).isNotEqualTo(fromV2);
        float[] table = ModelGenerators.randomFloats(SEED, VOCAB * HIDDEN);
        long cls = tokenize("hello").ids()[0];
        assertThat(fromV1[0]).isCloseTo(table[(int) cls * HIDDEN], within(1e-6f));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void unknownAndUnloadedModelsAreNotFound() throws IOException {
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        open();
        assertThatThrownBy(() -> this.engine.describe("add")).isInstanceOf(ModelNotFoundException.class)
            .hasMessageContaining("load it first");
        assertThatThrownBy(() -> this.engine.embed("nope", "x")).isInstanceOf(ModelNotFoundException.class)
            .hasMessageContaining("not in the repository");
        assertThatThrownBy(() -> this.engine.load("nope")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> this.engine.load("add", 9)).isInstanceOf(ModelNotFoundException.class)
            .hasMessageContaining("no version 9");
        assertThatThrownBy(() -> this.engine.load("../add", 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> this.engine.load("/etc")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("model: must match");
        assertThatThrownBy(() -> this.engine.describe(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> this.engine.unload(null)).isInstanceOf(InvalidInputException.class);
        this.engine.load("add");
        assertThat(this.engine.unload("add")).isTrue();
        assertThat(this.engine.unload("add")).isFalse();
        assertThatThrownBy(() -> this.engine.infer("add", Map.of())).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aFullQueueFailsFastWithATransientOverloadError() throws Exception {
        installEncoder("enc", "mean");
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<ErrorCode> rejects = Collections.synchronizedList(new ArrayList<>());
        open(EngineConfig.builder()
            .batching(BatchingConfig.builder().maxBatchSize(1).queueCapacity(2).build())
            .listener(new InferenceListener() {
                @Override
                public void onBatch(ModelId model, int batchSize, long runNanos) {
                    firstBatchRunning.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // holds the worker so the queue fills up
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onRejected(String modelName, ErrorCode reason) {
                    rejects.add(reason);
                }
            }));
        this.engine.load("enc");
        CompletableFuture<float[]> first = CompletableFuture.supplyAsync(() -> this.engine.embed("enc", "first"));
        assertThat(firstBatchRunning.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String text = "queued " + i;
            queued.add(CompletableFuture.supplyAsync(() -> this.engine.embed("enc", text)));
        }
        while (this.engine.queueDepth("enc") < 2) {
            Thread.sleep(1);
        }
        assertThatThrownBy(() -> this.engine.embed("enc", "one too many"))
            .isInstanceOf(ModelOverloadedException.class)
            .hasMessageContaining("queueCapacity")
            .satisfies(e -> assertThat(((ModelOverloadedException) e).isTransient()).isTrue());
        assertThat(rejects).containsExactly(ErrorCode.OVERLOADED);
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).hasSize(HIDDEN);
        for (CompletableFuture<float[]> f : queued) {
            assertThat(f.get(30, TimeUnit.SECONDS)).hasSize(HIDDEN);
        }
    }

    @Test
    void aRequestWhoseDeadlinePassesWhileQueuedIsDroppedNotRun() throws Exception {
        installEncoder("enc", "mean");
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger processed = new AtomicInteger();
        open(EngineConfig.builder()
            .batching(BatchingConfig.builder().maxBatchSize(1).build())
            .listener(new InferenceListener() {
                @Override
                public void onBatch(ModelId model, int batchSize, long runNanos) {
                    processed.addAndGet(batchSize);
                    firstBatchRunning.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // holds the worker so the next texts stay queued
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
        this.engine.load("enc");
        CompletableFuture<float[]> first = CompletableFuture.supplyAsync(() -> this.engine.embed("enc", "first"));
        assertThat(firstBatchRunning.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> this.engine.withTimeout(Duration.ofMillis(50)).embed("enc", List.of("late", "later")))
            .isInstanceOfSatisfying(TransientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT))
            .hasMessageContaining("50 ms")
            .hasMessageContaining("dropped");
        assertThat(this.engine.queueDepth("enc")).isEqualTo(2);
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).hasSize(HIDDEN);
        assertThat(this.engine.embed("enc", "after")).hasSize(HIDDEN);
        assertThat(processed.get()).as("texts run: the two late ones were dropped").isEqualTo(2);
        assertThat(this.engine.queueDepth("enc")).isZero();
    }

    @Test
    void aRequestWhoseDeadlineHasPassedIsNotQueuedAtAll() throws IOException {
        installEncoder("enc", "mean");
        installClassifier("cls", "[\"a\", \"b\", \"c\"]");
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        AtomicInteger batches = new AtomicInteger();
        List<String> rejects = Collections.synchronizedList(new ArrayList<>());
        InferenceListener counting = new InferenceListener() {
            @Override
            public void onBatch(ModelId model, int batchSize, long runNanos) {
                batches.incrementAndGet();
            }
        };
        InferenceListener rejections = new InferenceListener() {
            @Override
            public void onRejected(String modelName, ErrorCode reason) {
                rejects.add(modelName + " " + reason);
            }
        };
        open(EngineConfig.builder().listener(InferenceListener.of(List.of(counting, rejections))));
        this.engine.load("enc");
        this.engine.load("cls");
        this.engine.load("add");
        InferenceEngine expired = this.engine.withTimeout(Duration.ZERO);
        assertThatThrownBy(() -> expired.embed("enc", "too late"))
            .isInstanceOfSatisfying(TransientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT))
            .hasMessageContaining("passed before the request to model enc/1 could run");
        assertThatThrownBy(() -> expired.classify("cls", List.of("too late"), 1)).isInstanceOf(TransientException.class);
        assertThatThrownBy(() -> expired.logits("cls", List.of("too late"))).isInstanceOf(TransientException.class);
        assertThatThrownBy(() -> expired.infer("add", Map.of("x", Tensor.ofFloats(new float[4], 1, 4))))
            .isInstanceOfSatisfying(TransientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        assertThat(batches.get()).isZero();
        assertThat(rejects).containsExactly("enc TIMEOUT", "cls TIMEOUT", "cls TIMEOUT", "add TIMEOUT");
        // Bad input is still reported as bad input, not as a timeout.
        assertThatThrownBy(() -> expired.embed("enc", List.of())).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aDeadlineViewServesInTimeAndDoesNotOwnTheEngine() throws IOException {
        installEncoder("enc", "mean");
        open();
        InferenceEngine view = this.engine.withTimeout(Duration.ofSeconds(30));
        assertThat(view.load("enc").id()).isEqualTo(ModelId.of("enc", 1));
        assertThat(view.embed("enc", List.of("a", "b"))).hasSize(2);
        assertThat(view.loadedModels()).hasSize(1);
        assertThat(view.describe("enc")).isSameAs(this.engine.describe("enc"));
        assertThat(view.queueDepth("enc")).isZero();
        view.close();
        assertThat(this.engine.embed("enc", "still open")).hasSize(HIDDEN);
        assertThat(view.unload("enc")).isTrue();
        assertThatThrownBy(() -> this.engine.withTimeout(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aModelReopenedOnCpuKeepsItsVersionAndServesThroughTheSwap() throws Exception {
        installEncoder("enc", "mean");
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        open(EngineConfig.builder().listener(new InferenceListener() {
            @Override
            public void onModelLoaded(ModelDescriptor model) {
                events.add("loaded " + model.id() + " on " + model.executionProvider());
            }

            @Override
            public void onModelClosed(ModelId model) {
                events.add("closed " + model);
            }
        }));
        this.engine.load("enc");
        float[] before = this.engine.embed("enc", "same text");
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        Thread load = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                try {
                    this.engine.embed("enc", "text " + i);
                    served.incrementAndGet();
                }
                catch (RuntimeException ex) {
                    failures.incrementAndGet();
                }
            }
        });
        load.start();
        this.engine.reopenOnCpu("enc", new io.distill4j.api.exception.InferenceFailedException("enc/1", "CUDA failure", null));
        load.join(30_000);
        assertThat(failures).hasValue(0);
        assertThat(served).hasValue(200);
        assertThat(this.engine.describe("enc").id()).isEqualTo(ModelId.of("enc", 1));
        assertThat(this.engine.embed("enc", "same text")).containsExactly(before);
        assertThat(this.engine.describe("enc").providerNote()).isEqualTo("Failed on CPU and reopened on CPU: CUDA failure");
        assertThat(events).containsSubsequence("loaded enc/1 on CPU", "loaded enc/1 on CPU", "closed enc/1");
        assertThatThrownBy(() -> this.engine.reopenOnCpu("nope", null)).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void listenerSeesRequestsBatchesQueueDepthAndLoads() throws IOException {
        installEncoder("enc", "mean");
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger items = new AtomicInteger();
        AtomicInteger batched = new AtomicInteger();
        AtomicInteger depthEvents = new AtomicInteger();
        AtomicLong latency = new AtomicLong();
        List<ModelDescriptor> loaded = Collections.synchronizedList(new ArrayList<>());
        open(EngineConfig.builder().listener(new InferenceListener() {
            @Override
            public void onRequest(ModelId model, int n, long latencyNanos, boolean success) {
                requests.incrementAndGet();
                items.addAndGet(n);
                latency.set(latencyNanos); // asserted outside: the engine swallows listener exceptions
            }

            @Override
            public void onBatch(ModelId model, int batchSize, long runNanos) {
                batched.addAndGet(batchSize);
            }

            @Override
            public void onQueueDepth(ModelId model, int depth) {
                depthEvents.incrementAndGet();
            }

            @Override
            public void onModelLoaded(ModelDescriptor model) {
                loaded.add(model);
                throw new IllegalStateException("a broken listener must not break loading");
            }
        }));
        this.engine.load("enc");
        this.engine.embed("enc", List.of("one", "two", "three"));
        assertThat(loaded).hasSize(1);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(items.get()).isEqualTo(3);
        assertThat(latency.get()).isPositive();
        assertThat(batched.get()).isEqualTo(3);
        assertThat(depthEvents.get()).isPositive();
    }

    /** {@code y = relu(x)} through an operator of a domain no ONNX Runtime provider knows. */
    private static byte[] customOpModel() {
        return OnnxModelBuilder.create("custom")
            .opset("com.example.ops", 1)
            .input("x", ElementType.FLOAT32, "batch", 4)
            .node("FancyActivation", List.of("x"), List.of("y"), n -> n.name("suspect").domain("com.example.ops"))
            .output("y", ElementType.FLOAT32, "batch", 4)
            .toByteArray();
    }

    /** {@code y = relu(x)} at ai.onnx opset 6: below the checker's default range, yet ONNX Runtime runs it. */
    private static byte[] opset6Model() {
        return OnnxModelBuilder.create("old")
            .opset("", 6)
            .input("x", ElementType.FLOAT32, "batch", 4)
            .node("Relu", List.of("x"), List.of("y"))
            .output("y", ElementType.FLOAT32, "batch", 4)
            .toByteArray();
    }

    @Test
    void anIncompatibleModelIsRefusedWithAReportNamingTheNodeAndWhy() throws IOException {
        install("custom", 1, customOpModel(), "{\"task\": \"raw\"}");
        install("add", 1, ModelGenerators.addAndScale(), "{\"task\": \"raw\"}");
        open();
        assertThatThrownBy(() -> this.engine.load("custom")).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("Model custom/1 is incompatible with ONNX Runtime on CPU")
            .hasMessageContaining("node 'suspect' (com.example.ops FancyActivation) CUSTOM_DOMAIN")
            .hasMessageContaining("a custom-op library")
            .hasMessageContaining("set \"allowIncompatible\": true in model.json")
            .hasMessageContaining("Verdict: incompatible")
            .satisfies(e -> assertThat(((IncompatibleModelException) e).subject()).contains("custom/1"));
        assertThat(this.engine.loadedModels()).isEmpty();
        assertThat(this.engine.load("add").id()).isEqualTo(ModelId.of("add", 1));
        assertThat(this.engine.compatibility("add").orElseThrow().verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
        assertThat(this.engine.describe("add").compatibility()).contains(CompatibilityVerdict.COMPATIBLE);
        assertThat(this.engine.describe("add").providerNote()).isEmpty();
    }

    @Test
    void aModelThatAllowsIncompatibilityLoadsWhenOnnxRuntimeCanRunIt() throws IOException {
        install("old", 1, opset6Model(), "{\"task\": \"raw\", \"allowIncompatible\": true}");
        install("old", 2, opset6Model(), "{\"task\": \"raw\"}");
        open();
        assertThatThrownBy(() -> this.engine.load("old", 2)).isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("OPSET_OUT_OF_RANGE: The model imports ai.onnx opset 6, below the target's lowest, 7");
        this.engine.load("old", 1);
        assertThat(this.engine.infer("old", Map.of("x", Tensor.ofFloats(new float[] { -1, 2, -3, 4 }, 1, 4))).get("y").floats())
            .containsExactly(0, 2, 0, 4);
        CompatibilityReport report = this.engine.compatibility("old").orElseThrow();
        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        assertThat(report.findings(Reason.OPSET_OUT_OF_RANGE)).hasSize(1);
    }

    @Test
    void aModelThatAllowsIncompatibilityStillFailsIfOnnxRuntimeCannotRunIt() throws IOException {
        install("custom", 1, customOpModel(), "{\"task\": \"raw\", \"allowIncompatible\": true}");
        open();
        assertThatThrownBy(() -> this.engine.load("custom")).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("ONNX Runtime could not open model custom/1")
            .hasMessageContaining("FancyActivation");
        assertThat(this.engine.loadedModels()).isEmpty();
    }

    @Test
    void theCheckCanBeTurnedOffForTheWholeEngine() throws IOException {
        install("old", 1, opset6Model(), "{\"task\": \"raw\"}");
        open(EngineConfig.builder().compatibilityCheck(false)).load("old");
        assertThat(this.engine.compatibility("old")).isEmpty();
        assertThat(this.engine.describe("old").compatibility()).isEmpty();
        assertThat(this.engine.infer("old", Map.of("x", Tensor.ofFloats(new float[] { -1, 1, -1, 1 }, 1, 4))).get("y").floats())
            .containsExactly(0, 1, 0, 1);
        assertThatThrownBy(() -> this.engine.compatibility("nope")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aCudaTargetLoadsAQuantizedModelWithFallbacksAndKeepsTheWarnings() throws IOException {
        install("int8", 1, ModelGenerators.dynamicallyQuantizedMatMul(), "{\"task\": \"raw\"}");
        this.engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(this.root)
            .session(SessionConfig.builder().intraOpThreads(1).executionProviders(ExecutionProvider.CUDA).build())
            .build());
        this.engine.load("int8");
        CompatibilityReport report = this.engine.compatibility("int8").orElseThrow();
        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS);
        ModelDescriptor described = this.engine.describe("int8");
        assertThat(described.compatibility()).contains(CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS);
        assertThat(described.executionProvider()).isEqualTo("CPU");
        assertThat(described.providerNote()).contains("CUDA");
        assertThat(report.findings(Reason.QUANTIZED_ON_CUDA)).extracting(Finding::node).containsExactly("quantize", "matmul");
        // Four ones times all-ones weights: each output is the row sum, within quantization error.
        float[] y = this.engine.infer("int8", Map.of("x", Tensor.ofFloats(new float[] { 1, 1, 1, 1 }, 1, 4))).get("y").floats();
        assertThat(y).containsExactly(new float[] { 4, 4 }, within(0.05f));
    }

    @Test
    void aModelWithExternalDataIsOpenedFromItsFileSoOnnxRuntimeFindsTheData() throws IOException {
        // y = x + w, with w = [1, 2, 3, 4] in weights.bin next to model.onnx.
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
            .build();
        ModelProto inline = OnnxModelBuilder.create("external")
            .input("x", ElementType.FLOAT32, 4)
            .initializer("v", new float[] { 0, 0, 0, 0 }, 4)
            .node("Add", List.of("x", "v"), List.of("y"))
            .output("y", ElementType.FLOAT32, 4)
            .build();
        GraphProto graph = inline.getGraph().toBuilder().setInitializer(0, w)
            .setNode(0, inline.getGraph().getNode(0).toBuilder().setInput(1, "w")).build();
        Path dir = install("external", 1, inline.toBuilder().setGraph(graph).build().toByteArray(), "{\"task\": \"raw\"}");
        Files.write(dir.resolve("weights.bin"), OnnxTensors.ofFloats("w", new float[] { 1, 2, 3, 4 }, 4).getRawData().toByteArray());
        open().load("external");
        assertThat(this.engine.infer("external", Map.of("x", Tensor.ofFloats(new float[] { 10, 20, 30, 40 }, 4))).get("y").floats())
            .containsExactly(11, 22, 33, 44);
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() throws IOException {
        installEncoder("enc", "mean");
        open().load("enc");
        this.engine.embed("enc", "warm");
        this.engine.close();
        assertThatNoException().isThrownBy(this.engine::close);
        assertThatThrownBy(() -> this.engine.embed("enc", "x")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> this.engine.load("enc")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(this.engine::loadedModels).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badTextsAreRejectedWithTheFieldName() throws IOException {
        installEncoder("enc", "mean");
        open(EngineConfig.builder().maxTextBytes(32)).load("enc");
        assertThatThrownBy(() -> this.engine.embed("enc", List.of("fine", "x".repeat(33))))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("texts[1]: is 33 bytes of UTF-8, limit is maxTextBytes=32");
        assertThatThrownBy(() -> this.engine.embed("enc", List.of())).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("empty batch");
    }
}
