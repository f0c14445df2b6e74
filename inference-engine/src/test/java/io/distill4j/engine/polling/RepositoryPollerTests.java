package io.distill4j.engine.polling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.polling.RepositoryScan.ModelFolder;
import io.distill4j.engine.repository.ModelRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The poller's rules on a fake disk and a fake engine, one {@link RepositoryPoller#pollOnce()} at a time: no
 * thread, no clock, no sleep.
 */
class RepositoryPollerTests {

    @TempDir
    Path root;

    private final FakeDisk disk = new FakeDisk();

    private final FakeEngine engine = new FakeEngine();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    private final Logger logger = (Logger) LoggerFactory.getLogger(RepositoryPoller.class);

    @BeforeEach
    void captureLog() {
        this.log.start();
        this.logger.addAppender(this.log);
    }

    @AfterEach
    void releaseLog() {
        this.logger.detachAppender(this.log);
    }

    private RepositoryPoller poller(String... newModels) {
        Set<String> names = Set.of(newModels);
        return new RepositoryPoller(this.disk, this.engine, names::contains);
    }

    private List<String> logLines(String containing) {
        return this.log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(containing)).toList();
    }

    // --- which folders are complete -------------------------------------------------------------

    @Test
    void aVersionFolderIsCompleteOnceItsManifestExistsAndItsStampFollowsItsFiles() throws IOException {
        Path one = Files.createDirectories(this.root.resolve("enc/1"));
        Files.write(one.resolve("model.onnx"), new byte[] { 1 });
        Files.writeString(one.resolve("model.json"), "{}");
        Path two = Files.createDirectories(this.root.resolve("enc/2"));
        Files.write(two.resolve("model.onnx"), new byte[] { 1 });
        Files.writeString(two.resolve("tokenizer.json"), "{}");
        Files.createDirectories(this.root.resolve("enc/3/model.json"));
        Files.createDirectories(this.root.resolve("enc/.4.tmp"));
        Files.createDirectories(this.root.resolve("empty"));
        ModelRepository repository = ModelRepository.open(this.root);
        RepositoryScanner scanner = RepositoryScanner.of(repository);

        RepositoryScan scan = scanner.scan();
        assertThat(scan.models()).containsOnlyKeys("enc", "empty");
        ModelFolder enc = scan.models().get("enc");
        assertThat(enc.readable()).isTrue();
        assertThat(enc.complete()).containsOnlyKeys(1L);
        assertThat(enc.incomplete()).containsExactly(2L, 3L);
        assertThat(repository.isComplete(ModelId.of("enc", 1))).isTrue();
        assertThat(repository.isComplete(ModelId.of("enc", 2))).isFalse();
        assertThat(repository.isComplete(ModelId.of("enc", 9))).isFalse();
        assertThat(scan.models().get("empty").complete()).isEmpty();

        String stamp = enc.complete().get(1L);
        assertThat(scanner.scan().models().get("enc").complete().get(1L)).isEqualTo(stamp);
        Files.write(one.resolve("model.onnx"), new byte[] { 1, 2, 3 });
        assertThat(scanner.scan().models().get("enc").complete().get(1L)).isNotEqualTo(stamp);

        Files.writeString(two.resolve("model.json"), "{}");
        assertThat(scanner.scan().models().get("enc").complete()).containsOnlyKeys(1L, 2L);
    }

    // --- what each change gives -----------------------------------------------------------------

    @Test
    void aNewCompleteVersionIsSwappedTo() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();

        this.disk.complete("enc", 2);
        this.disk.complete("enc", 3);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/3");
        assertThat(this.engine.served).containsEntry("enc", 3L);
        assertThat(logLines("swapped model enc from version 1 to 3")).hasSize(1);

        poller.pollOnce();
        assertThat(this.engine.calls).hasSize(1);
        assertThat(poller.polls()).isEqualTo(3);
    }

    @Test
    void aHalfCopiedVersionIsNeverLoadedAndIsLoggedOnceUntilItsManifestIsWritten() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.incomplete("enc", 2);
        poller.pollOnce();
        poller.pollOnce();
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();
        assertThat(this.engine.served).containsEntry("enc", 1L);
        assertThat(logLines("skipped enc/2: no model.json yet")).hasSize(1);

        this.disk.complete("enc", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2");
        assertThat(this.engine.served).containsEntry("enc", 2L);
    }

    @Test
    void removingTheServedVersionSwapsToTheNewestRemainingCompleteOne() {
        this.disk.complete("enc", 1);
        this.disk.complete("enc", 2);
        this.disk.complete("enc", 4);
        this.engine.serve("enc", 4);
        RepositoryPoller poller = poller();
        this.disk.incomplete("enc", 3);
        this.disk.remove("enc", 4);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2");
        assertThat(logLines("swapped model enc from version 4 to 2 (version 4 was removed)")).hasSize(1);
    }

    @Test
    void removingTheLastCompleteVersionUnloadsAndAVersionThatComesBackIsLoaded() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.remove("enc", 1);
        this.disk.incomplete("enc", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("unload enc/1");
        assertThat(this.engine.served).isEmpty();
        assertThat(logLines("unloaded model enc version 1")).hasSize(1);

        poller.pollOnce();
        assertThat(this.engine.calls).hasSize(1);
        // Not a name for new models, but the poller unloaded it for want of versions: it comes back.
        this.disk.complete("enc", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("unload enc/1", "load enc/2");
        assertThat(logLines("loaded model enc version 2 (a version came back)")).hasSize(1);
    }

    @Test
    void removingAModelFolderUnloadsItAndAFolderOfThatNameLaterIsANewModel() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.removeModel("enc");
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("unload enc/1");
        this.disk.complete("enc", 1);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("unload enc/1");
    }

    @Test
    void aNewModelFolderIsLoadedOnlyIfTheStartupRuleNamesIt() {
        RepositoryPoller poller = poller("wanted");
        this.disk.incomplete("wanted", 1);
        this.disk.complete("other", 1);
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();

        this.disk.complete("wanted", 1);
        this.disk.complete("wanted", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load wanted/2");
        assertThat(this.engine.served).containsOnlyKeys("wanted");
        assertThat(logLines("loaded model wanted version 2 (new model folder)")).hasSize(1);
    }

    @Test
    void aModelLoadedExplicitlyIsFollowedWhateverItsName() {
        this.disk.complete("other", 1);
        RepositoryPoller poller = poller();
        this.engine.serve("other", 1);
        poller.pollOnce();
        this.disk.complete("other", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load other/2");
    }

    // --- the explicit-unload rule ---------------------------------------------------------------

    @Test
    void aModelUnloadedByTheOperatorStaysUnloadedUntilItIsLoadedAgain() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller("enc");
        this.engine.served.remove("enc");
        poller.pollOnce();
        this.disk.complete("enc", 2);
        poller.pollOnce();
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();
        assertThat(poller.operatorUnloaded()).containsExactly("enc");
        assertThat(logLines("model enc was unloaded outside the poller")).hasSize(1);

        this.engine.serve("enc", 1);
        poller.pollOnce();
        assertThat(poller.operatorUnloaded()).isEmpty();
        this.disk.complete("enc", 3);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/3");
    }

    @Test
    void anOperatorsRollbackStandsUntilANewerVersionAppears() {
        this.disk.complete("enc", 1);
        this.disk.complete("enc", 2);
        this.engine.serve("enc", 2);
        RepositoryPoller poller = poller("enc");
        poller.pollOnce();
        this.engine.serve("enc", 1);
        poller.pollOnce();
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();
        this.disk.complete("enc", 3);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/3");
    }

    @Test
    void anUnloadThatComesBetweenThePollersLookAndItsSwapWins() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller("enc");
        this.disk.complete("enc", 2);
        this.engine.beforeNextChange = () -> this.engine.served.remove("enc");
        poller.pollOnce();
        assertThat(this.engine.served).isEmpty();
        poller.pollOnce();
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2");
        assertThat(this.engine.served).isEmpty();
        assertThat(poller.operatorUnloaded()).containsExactly("enc");
    }

    // --- failures ---------------------------------------------------------------------------------

    @Test
    void aVersionThatFailsToLoadIsLoggedOnceTheServedOneStaysAndPollingGoesOn() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.complete("enc", 2);
        this.engine.corrupt.add(ModelId.of("enc", 2));
        poller.pollOnce();
        poller.pollOnce();
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2");
        assertThat(this.engine.served).containsEntry("enc", 1L);
        List<String> failures = logLines("failed to load enc/2");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).contains("version 1 keeps serving").contains("not an ONNX model");

        this.disk.complete("enc", 3);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2", "load enc/3");
        assertThat(this.engine.served).containsEntry("enc", 3L);
    }

    @Test
    void whenTheNewestVersionFailsTheNextNewerThanTheServedOneIsTriedInTheSamePoll() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.complete("enc", 2);
        this.disk.complete("enc", 3);
        this.engine.corrupt.add(ModelId.of("enc", 3));
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/3", "load enc/2");
        assertThat(this.engine.served).containsEntry("enc", 2L);
    }

    @Test
    void aFailedVersionIsTriedAgainOnlyOnceItsFilesChange() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.complete("enc", 2);
        this.engine.corrupt.add(ModelId.of("enc", 2));
        poller.pollOnce();
        poller.pollOnce();
        this.engine.corrupt.clear();
        this.disk.rewrite("enc", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2", "load enc/2");
        assertThat(this.engine.served).containsEntry("enc", 2L);
    }

    @Test
    void whenTheServedVersionIsRemovedAndNoRemainingOneLoadsTheModelIsUnloaded() {
        this.disk.complete("enc", 1);
        this.disk.complete("enc", 2);
        this.engine.serve("enc", 2);
        this.engine.corrupt.add(ModelId.of("enc", 1));
        RepositoryPoller poller = poller();
        this.disk.remove("enc", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/1", "unload enc/2");
        assertThat(this.engine.served).isEmpty();
    }

    @Test
    void aRepositoryThatCannotBeReadChangesNothingAndIsReportedOnce() {
        this.disk.complete("enc", 1);
        this.engine.serve("enc", 1);
        RepositoryPoller poller = poller();
        this.disk.failing = true;
        poller.pollOnce();
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();
        assertThat(this.engine.served).containsEntry("enc", 1L);
        assertThat(logLines("cannot read the model repository")).hasSize(1);
        assertThat(poller.polls()).isEqualTo(2);

        this.disk.failing = false;
        this.disk.unreadable.add("enc");
        poller.pollOnce();
        assertThat(this.engine.calls).isEmpty();
        this.disk.unreadable.clear();
        this.disk.complete("enc", 2);
        poller.pollOnce();
        assertThat(this.engine.calls).containsExactly("load enc/2");
    }

    @Test
    void aClosedEngineStopsThePoller() {
        RepositoryPoller poller = poller();
        assertThat(poller.isRunning()).isTrue();
        this.engine.closed = true;
        poller.pollOnce();
        assertThat(poller.isRunning()).isFalse();
        poller.pollOnce();
        assertThat(poller.polls()).isZero();
    }

    // --- configuration and lifecycle -------------------------------------------------------------

    @Test
    void theIntervalIsAtLeastOneSecondAndNamedWhenRefused() {
        assertThat(RepositoryPollingConfig.builder().build().interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(RepositoryPollingConfig.builder().interval(Duration.ofSeconds(1)).build().interval())
            .isEqualTo(Duration.ofSeconds(1));
        assertThat(RepositoryPollingConfig.builder().build().newModels().test("any")).isFalse();
        assertThatThrownBy(() -> RepositoryPollingConfig.builder().interval(Duration.ofMillis(500)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("pollInterval must be at least 1s, was PT0.5S");
        assertThatThrownBy(() -> RepositoryPollingConfig.builder().interval(null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("pollInterval must be at least 1s");
    }

    @Test
    void aStartedPollerOwnsItsThreadAndClosesIdempotentlyLeavingTheEngineOpen() throws Exception {
        try (OnnxInferenceEngine real = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(this.root).build())) {
            RepositoryPoller poller = RepositoryPoller.start(real, RepositoryPollingConfig.builder().build());
            assertThat(poller.isRunning()).isTrue();
            assertThat(pollerThreads()).hasSize(1);
            poller.close();
            poller.close();
            assertThat(poller.isRunning()).isFalse();
            assertThat(real.loadedModels()).isEmpty();
        }
        // The executor has terminated; its worker thread may still be on its way out: wait for it to end.
        for (Thread thread : pollerThreads()) {
            thread.join(60_000);
        }
        assertThat(pollerThreads()).isEmpty();
    }

    private static List<Thread> pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("distill4j-repository-poller") && t.isAlive())
            .toList();
    }

    /** The repository as the poller sees it, changed by the test between polls. */
    static final class FakeDisk implements RepositoryScanner {

        final Map<String, TreeMap<Long, String>> complete = new TreeMap<>();

        final Map<String, TreeSet<Long>> incomplete = new TreeMap<>();

        final Set<String> unreadable = new HashSet<>();

        final AtomicInteger writes = new AtomicInteger();

        boolean failing;

        void complete(String name, long version) {
            this.incomplete.computeIfAbsent(name, n -> new TreeSet<>()).remove(version);
            this.complete.computeIfAbsent(name, n -> new TreeMap<>()).put(version, "write " + this.writes.incrementAndGet());
        }

        void rewrite(String name, long version) {
            complete(name, version);
        }

        void incomplete(String name, long version) {
            this.incomplete.computeIfAbsent(name, n -> new TreeSet<>()).add(version);
            this.complete.computeIfAbsent(name, n -> new TreeMap<>());
        }

        void remove(String name, long version) {
            this.complete.get(name).remove(version);
        }

        void removeModel(String name) {
            this.complete.remove(name);
            this.incomplete.remove(name);
        }

        @Override
        public RepositoryScan scan() {
            if (this.failing) {
                throw new ModelLoadException(null, "Cannot list the model repository: Stale file handle");
            }
            Map<String, ModelFolder> models = new TreeMap<>();
            this.complete.forEach((name, versions) -> models.put(name, this.unreadable.contains(name)
                    ? ModelFolder.unreadable()
                    : new ModelFolder(true, versions, this.incomplete.getOrDefault(name, new TreeSet<>()))));
            return new RepositoryScan(models);
        }
    }

    /** The engine as the poller sees it: served versions, versions that fail to load, the calls made. */
    static final class FakeEngine implements ServingControl {

        final Map<String, Long> served = new TreeMap<>();

        final Set<ModelId> corrupt = new HashSet<>();

        final List<String> calls = new ArrayList<>();

        /** Runs once, just before the next load or unload: an operator acting after the poller looked. */
        Runnable beforeNextChange;

        boolean closed;

        void serve(String name, long version) {
            this.served.put(name, version);
        }

        @Override
        public Map<String, Long> served() {
            if (this.closed) {
                throw new IllegalStateException("Inference engine is closed");
            }
            return new TreeMap<>(this.served);
        }

        @Override
        public boolean load(String name, OptionalLong expected, long version) {
            operatorActs();
            this.calls.add("load " + name + "/" + version);
            if (!current(name).equals(expected)) {
                return false;
            }
            if (this.corrupt.contains(ModelId.of(name, version))) {
                throw new ModelLoadException(name + "/" + version, "model.onnx is not an ONNX model: bad first tag");
            }
            this.served.put(name, version);
            return true;
        }

        @Override
        public boolean unload(String name, long expected) {
            operatorActs();
            this.calls.add("unload " + name + "/" + expected);
            if (!current(name).equals(OptionalLong.of(expected))) {
                return false;
            }
            this.served.remove(name);
            return true;
        }

        private OptionalLong current(String name) {
            Long version = this.served.get(name);
            return version == null ? OptionalLong.empty() : OptionalLong.of(version);
        }

        private void operatorActs() {
            Runnable action = this.beforeNextChange;
            this.beforeNextChange = null;
            if (action != null) {
                action.run();
            }
        }
    }
}
