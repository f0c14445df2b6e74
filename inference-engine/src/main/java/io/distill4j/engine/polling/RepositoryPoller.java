package io.distill4j.engine.polling;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.distill4j.api.ModelId;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.polling.RepositoryScan.ModelFolder;
import io.distill4j.engine.repository.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a model repository at a fixed interval and brings an {@link OnnxInferenceEngine} in line with it,
 * like Triton's poll mode ({@code --model-control-mode=poll}), so that replicas reading a shared repository
 * pick up new versions by themselves:
 *
 * <pre>{@code
 * try (RepositoryPoller poller = RepositoryPoller.start(engine, RepositoryPollingConfig.builder()
 *         .interval(Duration.ofSeconds(15)).newModels(name -> true).build())) {
 *     ... // serve
 * }
 * }</pre>
 *
 * <p>The rules, applied on each poll to every model in the repository or loaded in the engine:
 * <ul>
 * <li><b>Completeness.</b> A version folder counts only once its {@code model.json} exists
 * ({@link io.distill4j.engine.repository.ModelRepository#isComplete}): writers copy every other file first
 * and write {@code model.json} last (or rename a finished folder into place). A folder without it is never
 * loaded; it is logged once as skipped and counts from the poll that finds its {@code model.json}.</li>
 * <li><b>New version.</b> When a version of a loaded model newer than the served one becomes complete, the
 * engine hot-swaps to the newest complete version; requests in flight finish on the old one.</li>
 * <li><b>Removed version.</b> When the served version's folder is removed (or loses its {@code model.json}),
 * the engine swaps to the newest remaining complete version, or the model is unloaded when none remains
 * (or none of them loads).</li>
 * <li><b>New model.</b> A model folder that is not loaded is loaded (its newest complete version) when
 * {@link RepositoryPollingConfig#newModels()} accepts its name: the rule the server loaded models by at
 * start. A model the poller unloaded because all its versions were removed comes back when a complete
 * version reappears. A model that is loaded is followed whatever its name.</li>
 * <li><b>Explicit unload.</b> A model unloaded by anyone but the poller (an operator, through the admin API)
 * stays unloaded although its files are still there, new versions included, until it is loaded again
 * explicitly (it is then followed again) or its folder leaves the repository (a folder of that name that
 * comes back is a new model). Triton's poll mode refuses explicit load and unload requests altogether;
 * Distill4j keeps the admin API open, and the operator's last word stands.</li>
 * <li><b>Changes, not state.</b> The poller acts on what changed since its previous poll (the first poll
 * compares with the repository as it was when the poller started), so an operator's explicit load of an
 * older version (a rollback) stands until a newer version appears.</li>
 * <li><b>Failures.</b> A version that fails to load (a corrupt file) is logged once with the reason, the
 * served version keeps serving, the next older candidate is tried, and polling goes on; the failed version
 * is tried again only once its {@code model.json} or {@code model.onnx} changes. A repository or model
 * folder that cannot be read changes nothing in that poll, so a passing read error unloads nothing.</li>
 * </ul>
 *
 * <p>Every change goes through the engine's compare-and-set ({@link OnnxInferenceEngine#loadIfServed},
 * {@link OnnxInferenceEngine#unloadIfServed}): if an operator changed a model between the poller's look and
 * its action, the action is dropped and the next poll decides again. Each action is logged in one line
 * (loaded, swapped, unloaded, skipped, failed).
 *
 * <p>The poller owns one daemon thread, polling with a fixed delay between polls (a slow load delays the
 * next poll rather than overlapping it); {@link #close()} stops it, waiting for a poll in progress, and is
 * idempotent. It never closes the engine; close it before the engine.
 */
public final class RepositoryPoller implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RepositoryPoller.class);

    /** How long {@link #close()} waits for a poll in progress (a model load) before interrupting it. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private static final String MANIFEST = ModelManifest.FILE_NAME;

    private final RepositoryScanner scanner;

    private final ServingControl control;

    private final Predicate<String> newModels;

    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicLong polls = new AtomicLong();

    private final Object pollLock = new Object();

    private volatile ScheduledExecutorService executor;

    private volatile Thread thread;

    /** The served version of each model after the previous poll, as this poller saw and left it. */
    private Map<String, Long> tracked;

    /** The complete versions (with their stamps) of each model that the previous polls took into account. */
    private final Map<String, SortedMap<Long, String>> seen = new HashMap<>();

    /** Models unloaded by someone else than the poller, not to be loaded again by it. */
    private final Set<String> operatorUnloaded = new HashSet<>();

    /** Models the poller unloaded because no complete version remained, to be loaded again when one comes. */
    private final Set<String> emptied = new HashSet<>();

    /** Versions that failed to load, with the stamp of their files then. */
    private final Map<ModelId, String> failed = new HashMap<>();

    /** Incomplete versions already logged as skipped. */
    private final Set<ModelId> reportedIncomplete = new HashSet<>();

    private boolean scanFailing;

    /**
     * A poller that polls only when {@link #pollOnce()} is called; it takes the current repository and
     * engine as its starting point.
     */
    RepositoryPoller(RepositoryScanner scanner, ServingControl control, Predicate<String> newModels) {
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.control = Objects.requireNonNull(control, "control");
        this.newModels = Objects.requireNonNull(newModels, "newModels");
        this.tracked = new HashMap<>(control.served());
        try {
            scanner.scan().models().forEach((name, folder) -> {
                if (folder.readable()) {
                    this.seen.put(name, folder.complete());
                }
            });
        }
        catch (RuntimeException ex) {
            logger.warn("Repository poll: cannot read the model repository at start; every complete version found "
                    + "later counts as new: {}", ex.getMessage());
        }
    }

    /**
     * Starts polling the engine's repository: the first poll comes one interval from now and compares with
     * the repository and the engine as they are now.
     * @throws IllegalStateException if the engine is closed
     */
    public static RepositoryPoller start(OnnxInferenceEngine engine, RepositoryPollingConfig config) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(config, "config");
        RepositoryPoller poller = new RepositoryPoller(RepositoryScanner.of(engine.repository()),
                ServingControl.of(engine), config.newModels());
        poller.schedule(config.interval());
        logger.info("Polling the model repository {} every {}", engine.repository().root(), config.interval());
        return poller;
    }

    private void schedule(Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "distill4j-repository-poller");
            thread.setDaemon(true);
            this.thread = thread;
            return thread;
        });
        this.executor = executor;
        executor.scheduleWithFixedDelay(this::pollScheduled, interval.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Polls completed since the poller started (a poll that could not read the repository counts too). */
    public long polls() {
        return this.polls.get();
    }

    /** Whether the poller is still polling: not closed, and its engine not closed. */
    public boolean isRunning() {
        return !this.closed.get();
    }

    private void pollScheduled() {
        try {
            pollOnce();
        }
        catch (RuntimeException ex) {
            logger.warn("Repository poll failed; polling goes on: {}", ex.toString(), ex);
        }
        catch (Error ex) {
            logger.error("Repository poll failed; polling stops", ex);
            throw ex;
        }
    }

    /** One poll: scan, compare, act. Does nothing once the poller is closed. */
    void pollOnce() {
        synchronized (this.pollLock) {
            if (this.closed.get()) {
                return;
            }
            Map<String, Long> served;
            try {
                served = this.control.served();
            }
            catch (IllegalStateException engineClosed) {
                logger.info("Repository poll: the engine is closed; polling stops");
                stop();
                return;
            }
            RepositoryScan scan;
            try {
                scan = this.scanner.scan();
            }
            catch (RuntimeException ex) {
                if (!this.scanFailing) {
                    logger.warn("Repository poll: cannot read the model repository; nothing changes until it can: {}",
                            ex.getMessage());
                }
                this.scanFailing = true;
                this.polls.incrementAndGet();
                return;
            }
            if (this.scanFailing) {
                logger.info("Repository poll: the model repository can be read again");
                this.scanFailing = false;
            }
            Set<String> names = new TreeSet<>(served.keySet());
            names.addAll(this.tracked.keySet());
            names.addAll(scan.models().keySet());
            Map<String, Long> next = new HashMap<>();
            for (String name : names) {
                if (this.closed.get()) {
                    break;
                }
                Long version = served.get(name);
                OptionalLong after = reconcile(name, version == null ? OptionalLong.empty() : OptionalLong.of(version),
                        scan.models().get(name));
                after.ifPresent(v -> next.put(name, v));
            }
            this.tracked = next;
            forgetVersionsGone(scan);
            this.polls.incrementAndGet();
        }
    }

    /**
     * Applies the rules to one model.
     * @param served the version the engine served at the start of this poll
     * @param folder the model's folder, or null if it is not on disk
     * @return the version served after this poll, as far as this poller knows
     */
    private OptionalLong reconcile(String name, OptionalLong served, ModelFolder folder) {
        noteOperatorActions(name, served);
        if (folder == null) {
            this.operatorUnloaded.remove(name);
            this.emptied.remove(name);
        }
        else if (!folder.readable()) {
            return served;
        }
        SortedMap<Long, String> complete = folder == null ? Collections.emptySortedMap() : folder.complete();
        if (folder != null && (served.isPresent() || wanted(name))) {
            reportIncomplete(name, folder);
        }
        OptionalLong after = served;
        boolean settled = true;
        if (served.isPresent()) {
            long current = served.getAsLong();
            if (!complete.containsKey(current)) {
                Attempt attempt = loadNewest(name, served, complete, 0, "version " + current + " was removed");
                if (attempt.loaded().isEmpty() && !attempt.lost()) {
                    if (this.control.unload(name, current)) {
                        logger.info("Repository poll: unloaded model {} version {} (no complete version left)", name,
                                current);
                        if (folder != null) {
                            this.emptied.add(name);
                        }
                        after = OptionalLong.empty();
                    }
                    else {
                        logger.debug("Repository poll: model {} changed meanwhile; the next poll decides again", name);
                        settled = false;
                    }
                }
                else {
                    after = attempt.loaded().isPresent() ? attempt.loaded() : served;
                    settled = !attempt.lost();
                }
            }
            else if (newVersionAbove(name, complete, current)) {
                Attempt attempt = loadNewest(name, served, complete, current, "new version");
                after = attempt.loaded().isPresent() ? attempt.loaded() : served;
                settled = !attempt.lost();
            }
        }
        else if (folder != null && wanted(name)) {
            Attempt attempt = loadNewest(name, served, complete, 0,
                    this.emptied.contains(name) ? "a version came back" : "new model folder");
            after = attempt.loaded();
            settled = !attempt.lost();
        }
        if (settled) {
            if (folder == null) {
                this.seen.remove(name);
            }
            else {
                this.seen.put(name, complete);
            }
        }
        return after;
    }

    /** Notices a load or unload that someone else than this poller made since the previous poll. */
    private void noteOperatorActions(String name, OptionalLong served) {
        if (served.isPresent()) {
            if (this.operatorUnloaded.remove(name)) {
                logger.info("Repository poll: model {} was loaded again; the poller follows it again", name);
            }
            this.emptied.remove(name);
        }
        else if (this.tracked.containsKey(name) && this.operatorUnloaded.add(name)) {
            this.emptied.remove(name);
            logger.info("Repository poll: model {} was unloaded outside the poller; it stays unloaded until it is "
                    + "loaded again", name);
        }
    }

    /** Whether a model that is not loaded should be. */
    private boolean wanted(String name) {
        return !this.operatorUnloaded.contains(name) && (this.emptied.contains(name) || this.newModels.test(name));
    }

    /** Whether a version above {@code current} is complete now and was not (or not with these files) before. */
    private boolean newVersionAbove(String name, SortedMap<Long, String> complete, long current) {
        SortedMap<Long, String> before = this.seen.getOrDefault(name, Collections.emptySortedMap());
        return complete.tailMap(current + 1).entrySet().stream()
            .anyMatch(version -> !version.getValue().equals(before.get(version.getKey())));
    }

    /**
     * Loads (or swaps to) the newest complete version above {@code floor} that has not failed with these
     * files, trying older ones while they fail.
     */
    private Attempt loadNewest(String name, OptionalLong served, SortedMap<Long, String> complete, long floor,
            String reason) {
        List<Long> candidates = complete.tailMap(floor + 1).entrySet().stream()
            .filter(version -> !version.getValue().equals(this.failed.get(ModelId.of(name, version.getKey()))))
            .map(Map.Entry::getKey)
            .sorted(Collections.reverseOrder())
            .toList();
        for (long version : candidates) {
            ModelId id = ModelId.of(name, version);
            try {
                if (!this.control.load(name, served, version)) {
                    logger.debug("Repository poll: model {} changed meanwhile; the next poll decides again", name);
                    return Attempt.LOST;
                }
            }
            catch (RuntimeException ex) {
                this.failed.put(id, complete.get(version));
                logger.warn("Repository poll: failed to load {} ({}); {}: {}", id, reason,
                        served.isPresent() ? "version " + served.getAsLong() + " keeps serving" : "the model stays unloaded",
                        ex.getMessage());
                continue;
            }
            this.failed.remove(id);
            if (served.isPresent()) {
                logger.info("Repository poll: swapped model {} from version {} to {} ({})", name, served.getAsLong(),
                        version, reason);
            }
            else {
                logger.info("Repository poll: loaded model {} version {} ({})", name, version, reason);
            }
            return Attempt.loaded(version);
        }
        return Attempt.NONE;
    }

    private void reportIncomplete(String name, ModelFolder folder) {
        for (long version : folder.incomplete()) {
            ModelId id = ModelId.of(name, version);
            if (this.reportedIncomplete.add(id)) {
                logger.info("Repository poll: skipped {}: no {} yet, so its copy is not finished; it counts once {} "
                        + "is written", id, MANIFEST, MANIFEST);
            }
        }
    }

    /** Forgets failures and skips of versions that are no longer on disk in that state. */
    private void forgetVersionsGone(RepositoryScan scan) {
        this.failed.keySet().removeIf(id -> {
            ModelFolder folder = scan.models().get(id.name());
            return folder == null || folder.readable() && !folder.complete().containsKey(id.version());
        });
        this.reportedIncomplete.removeIf(id -> {
            ModelFolder folder = scan.models().get(id.name());
            return folder == null || folder.readable() && !folder.incomplete().contains(id.version());
        });
    }

    /** Stops from the polling thread itself (the engine closed). */
    private void stop() {
        this.closed.set(true);
        ScheduledExecutorService executor = this.executor;
        if (executor != null) {
            executor.shutdown();
        }
    }

    /**
     * Stops polling: waits for a poll in progress to finish (up to a minute, then interrupts it). Idempotent;
     * the engine stays open.
     */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledExecutorService executor = this.executor;
        if (executor == null) {
            return;
        }
        executor.shutdown();
        if (Thread.currentThread() == this.thread) {
            return;
        }
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("Repository poll still running after {}; interrupting it", CLOSE_TIMEOUT);
                executor.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        logger.info("Stopped polling the model repository");
    }

    /** What a load attempt came to: the version loaded, none (all failed or no candidate), or lost to a change. */
    private record Attempt(OptionalLong loaded, boolean lost) {

        static final Attempt NONE = new Attempt(OptionalLong.empty(), false);

        static final Attempt LOST = new Attempt(OptionalLong.empty(), true);

        static Attempt loaded(long version) {
            return new Attempt(OptionalLong.of(version), false);
        }
    }

    @Override
    public String toString() {
        return "RepositoryPoller[" + (this.closed.get() ? "closed" : "running") + ", polls " + this.polls.get() + "]";
    }

    /** For tests: the models that stay unloaded because someone else unloaded them. */
    Set<String> operatorUnloaded() {
        synchronized (this.pollLock) {
            return Set.copyOf(this.operatorUnloaded);
        }
    }
}
