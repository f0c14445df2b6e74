package io.distill4j.pipeline.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.distill4j.api.Classification;
import io.distill4j.api.ElementType;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.engine.text.Pooling;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistrarTests {

    private static final List<String> LABELS = List.of("card", "transfer", "refund");

    @TempDir
    Path dir;

    private Path repository;

    private ModelRegistrar registrar;

    private Path classifier;

    @BeforeEach
    void setUp() throws IOException {
        this.repository = this.dir.resolve("models");
        this.registrar = ModelRegistrar.inDirectory(this.repository);
        this.classifier = RegistryFixtures.write(RegistryFixtures.classifier(1, LABELS), this.dir.resolve("student.onnx"));
    }

    private RegistrationRequest.Builder classifierRequest(String name, Path model) {
        return RegistrationRequest.builder(name, model, TaskType.TEXT_CLASSIFICATION).tokenizer(MiniLmFiles.tokenizer());
    }

    @Test
    void theFirstVersionIsOneAndEachNextIsTheHighestPlusOne() throws IOException {
        Registration first = this.registrar.register(classifierRequest("intent", this.classifier).build());
        Registration second = this.registrar.register(classifierRequest("intent", this.classifier).build());
        Files.createDirectories(this.repository.resolve("intent/7"));
        Files.createDirectories(this.repository.resolve("intent/latest"));
        Files.createDirectories(this.repository.resolve("intent/0012"));
        Registration third = this.registrar.register(classifierRequest("intent", this.classifier).build());

        assertThat(first.id()).isEqualTo(ModelId.of("intent", 1));
        assertThat(second.version()).isEqualTo(2);
        assertThat(third.version()).isEqualTo(8);
        assertThat(third.directory()).isEqualTo(this.registrar.root().resolve("intent/8"));
        assertThat(ModelRepository.open(this.repository).versions("intent")).containsExactly(1L, 2L, 7L, 8L);
        assertThat(this.registrar.register(classifierRequest("other", this.classifier).build()).version()).isEqualTo(1);
    }

    @Test
    void aDeadRegistrationsLeftoverIsSweptAndALiveOnesIsNot() throws IOException {
        Path model = Files.createDirectories(this.repository.resolve("intent"));
        Path dead = Files.createDirectories(model.resolve(ModelRegistrar.TEMPORARY_PREFIX + "dead"));
        Files.writeString(dead.resolve("model.onnx"), "half written");
        Files.setLastModifiedTime(dead, FileTime.from(Instant.now().minus(ModelRegistrar.STALE_AFTER).minusSeconds(60)));
        Path live = Files.createDirectories(model.resolve(ModelRegistrar.TEMPORARY_PREFIX + "live"));

        Registration registration = this.registrar.register(classifierRequest("intent", this.classifier).build());

        assertThat(registration.version()).isEqualTo(1);
        assertThat(dead).doesNotExist();
        assertThat(live).as("another registration may be filling it right now").isDirectory();
    }

    @Test
    void aVersionNumberTakenByAFileIsSkipped() throws IOException {
        // A file named 1 is not a version for the repository, but the rename cannot use the name: the
        // registrar retries with the next number, as when another registration wins the race.
        Files.createDirectories(this.repository.resolve("intent"));
        Files.writeString(this.repository.resolve("intent/1"), "not a version");

        Registration registration = this.registrar.register(classifierRequest("intent", this.classifier).build());

        assertThat(registration.version()).isEqualTo(2);
        assertThat(this.repository.resolve("intent/1")).hasContent("not a version");
    }

    @Test
    void theManifestIsOneTheEnginesReaderAcceptsWithLabelsInputsAndProvenanceFromTheModel() throws IOException {
        Registration registration = this.registrar.register(classifierRequest("intent", this.classifier)
                .maxSequenceLength(64).provenance("distill4j.teacher", "minilm/1").provenance("source", "renamed.onnx")
                .build());

        ModelManifest manifest = ModelManifest.read(registration.directory().resolve("model.json"), "intent/1");
        assertThat(manifest).isEqualTo(registration.manifest());
        assertThat(manifest.task()).isEqualTo(TaskType.TEXT_CLASSIFICATION);
        assertThat(manifest.tokenizer()).isEqualTo("tokenizer.json");
        assertThat(manifest.maxSequenceLength()).isEqualTo(64);
        assertThat(manifest.labels()).isEqualTo(LABELS);
        assertThat(manifest.output()).isEqualTo("logits");
        assertThat(manifest.inputs()).containsExactly(TensorInfo.of("input_ids", ElementType.INT64, -1, -1),
                TensorInfo.of("attention_mask", ElementType.INT64, -1, -1));
        assertThat(manifest.outputs()).containsExactly(TensorInfo.of("logits", ElementType.FLOAT32, -1, 3));
        assertThat(manifest.provenance()).containsEntry("distill4j.job.id", "job-1")
                .containsEntry("distill4j.teacher", "minilm/1").containsEntry("source", "renamed.onnx")
                .containsKey("registeredAt").doesNotContainKey("distill4j.labels").doesNotContainKey("other.key");

        ModelFiles files = ModelRepository.open(this.repository).resolve(registration.id());
        assertThat(files.model()).hasSameBinaryContentAs(this.classifier);
        assertThat(files.tokenizer()).hasValueSatisfying(t -> assertThat(t).hasSameBinaryContentAs(MiniLmFiles.tokenizer()));
        try (Stream<Path> entries = Files.list(registration.directory())) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.onnx", "model.json", "tokenizer.json");
        }
    }

    @Test
    void labelsGivenOverrideTheModelsAndMustMatchItsClasses() throws IOException {
        Registration registration = this.registrar.register(classifierRequest("intent", this.classifier)
                .labels(List.of("a", "b", "c")).description("three classes").build());
        assertThat(registration.manifest().labels()).containsExactly("a", "b", "c");
        assertThat(registration.manifest().description()).isEqualTo("three classes");

        assertThatIllegalArgumentException().isThrownBy(() -> this.registrar.register(classifierRequest("wrong",
                this.classifier).labels(List.of("a", "b")).build())).withMessageContaining("2 labels [a, b] but output 'logits' has 3 classes");
        assertThat(this.repository.resolve("wrong")).doesNotExist();
    }

    @Test
    void anEmbeddingModelIsPooledByItsOutputsRankUnlessToldOtherwise() throws IOException {
        Path pooled = RegistryFixtures.write(RegistryFixtures.pooledEmbedder(3), this.dir.resolve("pooled.onnx"));
        Path tokens = RegistryFixtures.write(RegistryFixtures.encoder(4), this.dir.resolve("tokens.onnx"));

        ModelManifest studentManifest = this.registrar.register(RegistrationRequest.builder("embedder", pooled,
                TaskType.TEXT_EMBEDDING).tokenizer(MiniLmFiles.tokenizer()).normalize(true).build()).manifest();
        ModelManifest encoderManifest = this.registrar.register(RegistrationRequest.builder("encoder", tokens,
                TaskType.TEXT_EMBEDDING).tokenizer(MiniLmFiles.tokenizer()).build()).manifest();
        ModelManifest clsManifest = this.registrar.register(RegistrationRequest.builder("encoder", tokens,
                TaskType.TEXT_EMBEDDING).tokenizer(MiniLmFiles.tokenizer()).pooling(Pooling.CLS).build()).manifest();

        assertThat(studentManifest.pooling()).isEqualTo(Pooling.NONE);
        assertThat(studentManifest.normalize()).isTrue();
        assertThat(studentManifest.output()).isEqualTo("embedding");
        assertThat(studentManifest.labels()).isEmpty();
        assertThat(studentManifest.provenance()).containsEntry("distill4j.job.id", "job-embed");
        assertThat(encoderManifest.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(encoderManifest.normalize()).isFalse();
        assertThat(encoderManifest.description()).isEqualTo("toy encoder 4");
        assertThat(clsManifest.pooling()).isEqualTo(Pooling.CLS);
        assertThatIllegalArgumentException().isThrownBy(() -> this.registrar.register(RegistrationRequest.builder(
                "encoder", tokens, TaskType.TEXT_EMBEDDING).tokenizer(MiniLmFiles.tokenizer()).pooling(Pooling.NONE)
                .build())).withMessageContaining("pooling NONE does not fit output 'last_hidden_state' of rank 3");
    }

    @Test
    void requestsThatDoNotFitTheTaskOrTheGraphAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrationRequest.builder("m", this.classifier,
                TaskType.TEXT_CLASSIFICATION).build()).withMessageContaining("tokenizer is required");
        assertThatIllegalArgumentException().isThrownBy(() -> classifierRequest("m", this.classifier)
                .pooling(Pooling.MEAN).build()).withMessageContaining("pooling and normalize are for text-embedding");
        assertThatIllegalArgumentException().isThrownBy(() -> RegistrationRequest.builder("m", this.classifier,
                TaskType.TEXT_EMBEDDING).tokenizer(MiniLmFiles.tokenizer()).labels(LABELS).build())
                .withMessageContaining("labels are for text-classification");
        assertThatIllegalArgumentException().isThrownBy(() -> classifierRequest("m", this.classifier)
                .maxSequenceLength(0)).withMessageContaining("maxSequenceLength must be between 1 and 8192, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> this.registrar.register(classifierRequest("m",
                this.classifier).output("probabilities").build())).withMessageContaining("output 'probabilities'");
    }

    @Test
    void namesThatWouldLeaveTheRepositoryAreRefused() {
        for (String name : List.of("../evil", "a/b", "/abs", "..", ".", "", ".hidden", "a\\b")) {
            assertThatIllegalArgumentException().as(name).isThrownBy(() -> classifierRequest(name, this.classifier))
                    .withMessageContaining("model name");
        }
        for (String file : List.of("../report.html", "sub/report.html", "/tmp/x", "..", "model.json", "tokenizer.json",
                "model.onnx")) {
            assertThatIllegalArgumentException().as(file).isThrownBy(() -> classifierRequest("m", this.classifier)
                    .file(file, this.classifier)).withMessageContaining("file name '" + file + "'");
        }
    }

    @Test
    void aModelFolderLinkedOutsideTheRepositoryIsRefused() throws IOException {
        Path outside = Files.createDirectories(this.dir.resolve("outside"));
        Files.createSymbolicLink(this.repository.resolve("linked"), outside);

        assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.registrar.register(
                classifierRequest("linked", this.classifier).build())).withMessageContaining("outside the model repository");
        try (Stream<Path> entries = Files.list(outside)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aFailedRegistrationLeavesNoFolderBehindAndTakesNoNumber() throws IOException {
        assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> this.registrar.register(
                RegistrationRequest.builder("intent", this.classifier, TaskType.TEXT_CLASSIFICATION)
                        .tokenizer(this.dir.resolve("missing-tokenizer.json")).build()))
                .withMessageContaining("missing-tokenizer.json");
        assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> this.registrar.register(
                classifierRequest("intent", this.classifier).file("report.html", this.dir.resolve("no-report.html"))
                        .build()));
        try (Stream<Path> entries = Files.list(this.repository.resolve("intent"))) {
            assertThat(entries).as("no version and no temporary folder").isEmpty();
        }

        assertThat(this.registrar.register(classifierRequest("intent", this.classifier).build()).version()).isEqualTo(1);
    }

    @Test
    void aFileThatIsNotAnOnnxModelIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path text = Files.writeString(this.dir.resolve("notes.onnx"), "this is not a model");

        assertThatExceptionOfType(ModelLoadException.class).isThrownBy(() -> this.registrar.register(
                classifierRequest("intent", text).build()));
        assertThatExceptionOfType(ModelLoadException.class).isThrownBy(() -> this.registrar.register(
                classifierRequest("intent", this.dir.resolve("absent.onnx")).build())).withMessageContaining("does not exist");
        try (Stream<Path> entries = Files.list(this.repository)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void concurrentRegistrationsOfOneModelGetDistinctVersionsAndReadersSeeOnlyWholeVersions() throws Exception {
        Path[] models = new Path[2];
        for (int i = 0; i < models.length; i++) {
            models[i] = RegistryFixtures.write(RegistryFixtures.raw(i), this.dir.resolve("raw" + i + ".onnx"));
        }
        int rounds = 20;
        CyclicBarrier barrier = new CyclicBarrier(2);
        // Each round both writers choose their number before either renames, so both choose the same
        // one: one rename wins and the other registration must move on to the next number.
        CyclicBarrier chosen = new CyclicBarrier(2);
        AtomicInteger retries = new AtomicInteger();
        ModelRegistrar racing = ModelRegistrar.inDirectory(this.repository, (version, attempt) -> {
            if (attempt > 1) {
                retries.incrementAndGet();
                return;
            }
            try {
                chosen.await(10, TimeUnit.SECONDS);
            }
            catch (Exception ex) {
                throw new IOException("the other writer did not choose a number", ex);
            }
        });
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<Long, Integer> writerOf = new ConcurrentHashMap<>();
        AtomicInteger versionsSeen = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        barrier.await(10, TimeUnit.SECONDS);
                        Registration registration = racing.register(RegistrationRequest.builder("raw",
                                models[writer], TaskType.RAW).description("writer " + writer).build());
                        assertThat(writerOf.putIfAbsent(registration.version(), writer))
                                .as("version %d handed out twice", registration.version()).isNull();
                    }
                    return null;
                }));
            }
            Future<?> reader = pool.submit(() -> {
                ModelRepository repository = ModelRepository.open(this.repository);
                while (writing.get()) {
                    if (!Files.isDirectory(this.repository.resolve("raw"))) {
                        continue;
                    }
                    for (long version : repository.versions("raw")) {
                        // Every version folder the repository lists is complete.
                        ModelFiles files = repository.resolve(ModelId.of("raw", version));
                        assertThat(files.manifest().description()).startsWith("writer ");
                        assertThat(Files.size(files.model())).isEqualTo(Files.size(models[0]));
                        versionsSeen.incrementAndGet();
                    }
                }
                return null;
            });
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(10, TimeUnit.SECONDS);
        }
        finally {
            writing.set(false);
            pool.shutdownNow();
        }

        assertThat(writerOf.keySet()).containsExactlyInAnyOrderElementsOf(
                LongStream.rangeClosed(1, 2L * rounds).boxed().toList());
        ModelRepository repository = ModelRepository.open(this.repository);
        for (Map.Entry<Long, Integer> entry : writerOf.entrySet()) {
            ModelFiles files = repository.resolve(ModelId.of("raw", entry.getKey()));
            assertThat(files.manifest().description()).isEqualTo("writer " + entry.getValue());
            assertThat(files.model()).hasSameBinaryContentAs(models[entry.getValue()]);
        }
        try (Stream<Path> entries = Files.list(this.repository.resolve("raw"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(ModelRegistrar.TEMPORARY_PREFIX));
        }
        assertThat(versionsSeen.get()).isPositive();
        assertThat(retries.get()).as("one registration per round lost the race and retried").isEqualTo(rounds);
    }

    @Test
    void theEngineServesTheRegisteredVersions() throws IOException {
        Path second = RegistryFixtures.write(RegistryFixtures.classifier(2, LABELS), this.dir.resolve("student-2.onnx"));
        Path embedder = RegistryFixtures.write(RegistryFixtures.pooledEmbedder(3), this.dir.resolve("embedder.onnx"));
        this.registrar.register(classifierRequest("intent", this.classifier).build());
        this.registrar.register(classifierRequest("intent", second).build());
        this.registrar.register(RegistrationRequest.builder("embedder", embedder, TaskType.TEXT_EMBEDDING)
                .tokenizer(MiniLmFiles.tokenizer()).normalize(true).build());
        List<String> texts = List.of("my card was declined at the shop", "please send money to my sister");

        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(this.repository)
                .build())) {
            ModelDescriptor latest = engine.load("intent");
            assertThat(latest.id()).isEqualTo(ModelId.of("intent", 2));
            assertThat(latest.task()).isEqualTo(TaskType.TEXT_CLASSIFICATION);
            List<Classification> classified = engine.classify("intent", texts, 3);
            assertThat(classified).hasSize(2).allSatisfy(c -> {
                assertThat(c.top()).extracting(s -> s.label()).containsExactlyInAnyOrderElementsOf(LABELS);
                assertThat(c.top().stream().mapToDouble(s -> s.probability()).sum()).isCloseTo(1.0,
                        within(1e-5));
            });
            List<float[]> logitsOfTwo = engine.logits("intent", texts);

            assertThat(engine.load("intent", 1).id().version()).isEqualTo(1);
            List<float[]> logitsOfOne = engine.logits("intent", texts);
            assertThat(logitsOfOne.get(0)).as("version 1 has other weights than version 2")
                    .isNotEqualTo(logitsOfTwo.get(0));

            engine.load("embedder");
            float[] vector = engine.embed("embedder", texts.get(0));
            assertThat(vector).hasSize(RegistryFixtures.HIDDEN);
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).as("normalize is on").isCloseTo(1.0, within(1e-5));
        }
    }
}
