package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.ElementType;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.text.Pooling;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.cache.TeacherOutputsFixtures;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher stage on a small real teacher served by the engine (a token-embedding table plus a
 * fitted-style head, with the MiniLM tokenizer): the cache is filled once, hit afterwards, invalidated by
 * what changes the targets, and the teacher is closed when the stage ends.
 */
class TeacherStageTests {

    private static final int HIDDEN = 8;

    @TempDir
    Path dir;

    private Path repository;

    private SoftTargetCache cache;

    private final AtomicInteger loads = new AtomicInteger();

    @BeforeEach
    void installTeacher() throws Exception {
        this.repository = this.dir.resolve("repo");
        installTeacherVersion(1, 1);
        this.cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
    }

    private void installTeacherVersion(long version, long seed) throws Exception {
        Path folder = Files.createDirectories(this.repository.resolve("teacher").resolve(Long.toString(version)));
        ModelProto encoder = OnnxModelBuilder.create("toy")
                .opset("", 13)
                .input("input_ids", ElementType.INT64, "batch", "sequence")
                .input("attention_mask", ElementType.INT64, "batch", "sequence")
                .initializer("table", random(30522 * HIDDEN, seed), 30522, HIDDEN)
                .node("Gather", List.of("table", "input_ids"), List.of("last_hidden_state"))
                .output("last_hidden_state", ElementType.FLOAT32, "batch", "sequence", HIDDEN)
                .build();
        float[][] weights = {random(HIDDEN, seed + 1), random(HIDDEN, seed + 2), random(HIDDEN, seed + 3)};
        ClassificationHead head = new ClassificationHead(weights, new float[3], List.of("a", "b", "c"));
        OnnxModelWriter.write(TeacherGraphs.encoderWithHead(encoder, Pooling.MEAN, true, head),
                folder.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), folder.resolve("tokenizer.json"));
        Files.writeString(folder.resolve("model.json"), """
                {"task": "text-classification", "tokenizer": "tokenizer.json", "output": "logits",
                 "labels": ["a", "b", "c"], "maxSequenceLength": 64}
                """);
    }

    private OnnxInferenceEngine engine() {
        return OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(this.repository)
                .listener(new InferenceListener() {
                    @Override
                    public void onModelLoaded(ModelDescriptor model) {
                        TeacherStageTests.this.loads.incrementAndGet();
                    }
                })
                .build());
    }

    private static TextDataset dataset(String name, int size, String prefix) {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            examples.add(TextExample.unlabeled(prefix + " sentence number " + i + " about cards and transfers", i + 1));
        }
        return TextDataset.of(name, examples);
    }

    @Test
    void theTeacherRunsOnceAndIsClosedThenEverySplitIsACacheHit() {
        TextDataset train = dataset("train", 70, "train");
        TextDataset test = dataset("test", 9, "test");
        List<TeacherStage.Progress> progress = new ArrayList<>();
        try (OnnxInferenceEngine engine = engine()) {
            TeacherStage.Result first = TeacherStage.builder(engine, "teacher", this.cache)
                    .split("train", train).split("test", test).chunk(32).progress(progress::add).build().run();

            assertThat(first.teacherRan()).isTrue();
            assertThat(first.teacherUnloaded()).isTrue();
            assertThat(engine.loadedModels()).isEmpty();
            assertThat(first.texts()).isEqualTo(79);
            assertThat(first.splits()).extracting(TeacherStage.SplitTargets::split).containsExactly("train", "test");
            assertThat(first.splits()).allSatisfy(s -> {
                assertThat(s.cacheHit()).isFalse();
                assertThat(s.width()).isEqualTo(3);
            });
            assertThat(progress).last().satisfies(p -> {
                assertThat(p.done()).isEqualTo(79);
                assertThat(p.total()).isEqualTo(79);
            });
            assertThat(first.rssBefore()).isPresent();

            // The cached rows are the engine's logits for those texts.
            engine.load("teacher");
            List<float[]> expected = engine.logits("teacher", List.of(train.examples().get(42).text()));
            engine.unload("teacher");
            try (SoftTargets targets = this.cache.open(first.splits().get(0).key()).orElseThrow()) {
                assertThat(targets.rows()).isEqualTo(70);
                // Within float rounding: in the stage the text ran padded in a batch of 32, here alone.
                assertThat(targets.row(42)).containsExactly(expected.get(0), within(1e-5f));
            }
            int loadsAfterFirst = this.loads.get();

            TeacherStage.Result second = TeacherStage.builder(engine, "teacher", this.cache)
                    .split("train", train).split("test", test).build().run();
            assertThat(second.allCached()).isTrue();
            assertThat(second.teacherRan()).isFalse();
            assertThat(this.loads.get()).as("the teacher is not loaded on a full cache hit").isEqualTo(loadsAfterFirst);
        }
    }

    @Test
    void changingTheTextsTheTeacherOrThePreprocessingMissesTheCache() throws Exception {
        TextDataset train = dataset("train", 20, "train");
        TextDataset test = dataset("test", 5, "test");
        try (OnnxInferenceEngine engine = engine()) {
            TeacherStage.builder(engine, "teacher", this.cache).split("train", train).split("test", test).build().run();

            TeacherStage.Result editedTest = TeacherStage.builder(engine, "teacher", this.cache)
                    .split("train", train).split("test", dataset("test", 5, "edited")).build().run();
            assertThat(editedTest.splits()).extracting(TeacherStage.SplitTargets::cacheHit).containsExactly(true, false);

            TeacherStage.Result otherSetting = TeacherStage.builder(engine, "teacher", this.cache)
                    .split("train", train).preprocessing("augmentation", "none").build().run();
            assertThat(otherSetting.allCached()).isFalse();

            installTeacherVersion(2, 99);
            TeacherStage.Result newTeacher = TeacherStage.builder(engine, "teacher", this.cache)
                    .split("train", train).build().run();
            assertThat(newTeacher.allCached()).isFalse();
        }
    }

    @Test
    void aCancelledStageCommitsNothingForTheSplitItWasWritingAndStillClosesTheTeacher() {
        TextDataset train = dataset("train", 100, "train");
        AtomicInteger batches = new AtomicInteger();
        try (OnnxInferenceEngine engine = engine()) {
            TeacherStage stage = TeacherStage.builder(engine, "teacher", this.cache).split("train", train).chunk(10)
                    .progress(p -> batches.incrementAndGet()).cancelled(() -> batches.get() >= 3).build();
            assertThatExceptionOfType(DistillationCancelledException.class).isThrownBy(stage::run)
                    .withMessageContaining("split train at row 30 of 100");
            assertThat(engine.loadedModels()).isEmpty();
            TeacherStage.Result again = TeacherStage.builder(engine, "teacher", this.cache).split("train", train)
                    .build().run();
            assertThat(again.allCached()).isFalse();
        }
    }

    @Test
    void outputsComputedElsewhereForEveryTextMeanTheTeacherIsNeverLoadedAndTheCacheIsTheSame() throws Exception {
        TextDataset train = dataset("train", 40, "train");
        try (OnnxInferenceEngine engine = engine()) {
            TeacherStage.Result local = TeacherStage.builder(engine, "teacher", this.cache).split("train", train)
                    .build().run();
            Path outputsFolder = writeOutputs(engine, train, train.size());
            int loadsBefore = this.loads.get();

            SoftTargetCache fresh = SoftTargetCache.inDirectory(this.dir.resolve("fresh-cache"));
            try (TeacherOutputs outputs = TeacherOutputs.open(outputsFolder)) {
                TeacherStage.Result result = TeacherStage.builder(engine, "teacher", fresh).split("train", train)
                        .outputs(outputs).build().run();
                assertThat(result.teacherRan()).isTrue();
                assertThat(result.teacherUnloaded()).isFalse();
                assertThat(this.loads.get()).as("the teacher is not loaded").isEqualTo(loadsBefore);
                assertThat(result.splits().get(0).key()).isEqualTo(local.splits().get(0).key());
            }
            assertSameRows(this.cache, fresh, local.splits().get(0).key(), 0f);
        }
    }

    @Test
    void textsMissingFromTheOutputsAreRunThroughTheTeacherWhichIsThenUnloaded() throws Exception {
        TextDataset train = dataset("train", 30, "train");
        try (OnnxInferenceEngine engine = engine()) {
            TeacherStage.Result local = TeacherStage.builder(engine, "teacher", this.cache).split("train", train)
                    .build().run();
            Path outputsFolder = writeOutputs(engine, train, 20);
            SoftTargetCache fresh = SoftTargetCache.inDirectory(this.dir.resolve("fresh-cache"));
            try (TeacherOutputs outputs = TeacherOutputs.open(outputsFolder)) {
                TeacherStage.Result result = TeacherStage.builder(engine, "teacher", fresh).split("train", train)
                        .chunk(8).outputs(outputs).build().run();
                assertThat(result.teacherUnloaded()).isTrue();
                assertThat(engine.loadedModels()).isEmpty();
            }
            assertSameRows(this.cache, fresh, local.splits().get(0).key(), 1e-5f);
        }
    }

    @Test
    void outputsOfAnotherTeacherVersionAreRefusedNamingTheTeacher() throws Exception {
        TextDataset train = dataset("train", 10, "train");
        try (OnnxInferenceEngine engine = engine()) {
            Path outputsFolder = writeOutputs(engine, train, train.size());
            installTeacherVersion(2, 99);
            try (TeacherOutputs outputs = TeacherOutputs.open(outputsFolder)) {
                TeacherStage stage = TeacherStage.builder(engine, "teacher", this.cache).split("train", train)
                        .outputs(outputs).build();
                assertThatExceptionOfType(DistillationException.class).isThrownBy(stage::run)
                        .withMessageContaining("another teacher").withMessageContaining("teacher: the folder's sha256:");
            }
        }
    }

    /** The entry of {@code key} holds the same rows in both caches, within {@code tolerance}. */
    private static void assertSameRows(SoftTargetCache expectedCache, SoftTargetCache actualCache, CacheKey key,
            float tolerance) {
        try (SoftTargets expected = expectedCache.open(key).orElseThrow();
                SoftTargets actual = actualCache.open(key).orElseThrow()) {
            assertThat(actual.rows()).isEqualTo(expected.rows());
            for (int i = 0; i < expected.rows(); i++) {
                assertThat(actual.row(i)).containsExactly(expected.row(i), within(tolerance));
            }
        }
    }

    /** The teacher's (version 1) logits of the first {@code count} texts, written as a two-shard folder. */
    private Path writeOutputs(OnnxInferenceEngine engine, TextDataset data, int count) throws Exception {
        ModelFiles files = engine.repository().resolve(ModelId.of("teacher", 1));
        List<String> texts = data.examples().stream().limit(count).map(TextExample::text).toList();
        Map<String, float[]> rows = new LinkedHashMap<>();
        List<float[]> logits = new ArrayList<>();
        engine.load("teacher", 1);
        for (int start = 0; start < texts.size(); start += TeacherStage.DEFAULT_CHUNK) {
            logits.addAll(engine.logits("teacher", texts.subList(start, Math.min(texts.size(),
                    start + TeacherStage.DEFAULT_CHUNK))));
        }
        engine.unload("teacher");
        for (int i = 0; i < texts.size(); i++) {
            rows.put(texts.get(i), logits.get(i));
        }
        return TeacherOutputsFixtures.write(this.dir.resolve("outputs-" + count), TeacherStage.teacherIdentity(files,
                files.tokenizer().orElseThrow(), Map.of()), rows, 2);
    }

    @Test
    void aTeacherAlreadyServingStaysLoaded() {
        try (OnnxInferenceEngine engine = engine()) {
            engine.load("teacher");
            TeacherStage.Result result = TeacherStage.builder(engine, "teacher", this.cache)
                    .split("train", dataset("train", 5, "train")).build().run();
            assertThat(result.teacherRan()).isTrue();
            assertThat(result.teacherUnloaded()).isFalse();
            assertThat(engine.loadedModels()).extracting(d -> d.id().name()).containsExactly("teacher");
        }
    }

    private static float[] random(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
