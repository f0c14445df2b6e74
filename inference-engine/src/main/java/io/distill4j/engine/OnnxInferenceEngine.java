package io.distill4j.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import io.distill4j.api.Classification;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.TaskType;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.text.TextHeads;
import io.distill4j.engine.validation.InputValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InferenceEngine} on ONNX Runtime over a {@link ModelRepository}.
 *
 * <pre>{@code
 * try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
 *         .modelRepository(Path.of("models")).build())) {
 *     engine.load("minilm");
 *     float[] vector = engine.embed("minilm", "Distillation makes models small.");
 * }
 * }</pre>
 *
 * <p>Loading a model reads and validates its file, checks its operators against ONNX Runtime's kernel
 * tables for the session's execution providers and refuses an incompatible model with an
 * {@link io.distill4j.api.exception.IncompatibleModelException} holding the report, unless its
 * {@code model.json} sets {@code allowIncompatible} (see {@link EngineConfig#compatibilityCheck()}).
 *
 * <p>The engine owns every model it loads (session, tokenizer, batcher) and closes them in {@link
 * #close()}, after letting requests in flight finish for up to {@link EngineConfig#drainTimeout()}.
 * Administrative calls (load, unload) are serialized; requests are not blocked by them.
 */
public final class OnnxInferenceEngine implements InferenceEngine {

    private static final Logger logger = LoggerFactory.getLogger(OnnxInferenceEngine.class);

    private final EngineConfig config;

    private final ModelRepository repository;

    private final InputValidator validator;

    private final InferenceListener listener;

    private final Map<String, LoadedModel> models = new ConcurrentHashMap<>();

    private final Object adminLock = new Object();

    private final AtomicBoolean closed = new AtomicBoolean();

    private OnnxInferenceEngine(EngineConfig config) {
        this.config = config;
        this.repository = ModelRepository.open(config.modelRepository());
        this.validator = new InputValidator(config.maxTextBytes(), config.maxBatchItems(), config.maxTensorElements());
        this.listener = InferenceListener.safe(config.listener());
    }

    /**
     * Opens an engine on a model repository. No model is loaded yet.
     * @throws IllegalArgumentException if the repository folder does not exist
     */
    public static OnnxInferenceEngine open(EngineConfig config) {
        return new OnnxInferenceEngine(config);
    }

    /** The repository this engine serves from. */
    public ModelRepository repository() {
        return this.repository;
    }

    /** The input validator, with this engine's limits; transports use it to decode wire text. */
    public InputValidator validator() {
        return this.validator;
    }

    @Override
    public int queueDepth(String modelName) {
        return served(modelName).queueDepth();
    }

    @Override
    public List<RepositoryEntry> repositoryIndex() {
        ensureOpen();
        List<RepositoryEntry> entries = new ArrayList<>();
        for (String name : this.repository.modelNames()) {
            LoadedModel served = this.models.get(name);
            List<Long> versions = this.repository.versions(name);
            entries.add(new RepositoryEntry(name, versions,
                    served == null ? OptionalLong.empty() : OptionalLong.of(served.id().version()),
                    newestTask(name, versions)));
        }
        return entries;
    }

    /** The task in the manifest of the newest version on disk; empty if there is none or it cannot be read. */
    private Optional<TaskType> newestTask(String name, List<Long> versions) {
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(this.repository.resolve(ModelId.of(name, versions.get(versions.size() - 1))).manifest().task());
        }
        catch (RuntimeException ex) {
            logger.debug("No task for model {}: {}", name, ex.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public List<ModelDescriptor> loadedModels() {
        ensureOpen();
        return this.models.values()
            .stream()
            .map(LoadedModel::descriptor)
            .sorted(Comparator.comparing(d -> d.id().name()))
            .toList();
    }

    @Override
    public ModelDescriptor describe(String modelName) {
        return served(modelName).descriptor();
    }

    /**
     * The operator-compatibility report made when the served version of a model was loaded: its
     * verdict, where each node runs and why. Empty when the engine's check is off
     * ({@link EngineConfig#compatibilityCheck()}).
     * @throws ModelNotFoundException if the model is not loaded
     */
    public Optional<CompatibilityReport> compatibility(String modelName) {
        return served(modelName).compatibility();
    }

    /**
     * How the served version of a model runs: its instances, sessions and batching, with what the adaptive batch
     * policy has measured so far.
     * @throws ModelNotFoundException if no version of the model is served
     */
    public ServingPlan servingPlan(String modelName) {
        return served(modelName).plan();
    }

    @Override
    public ModelDescriptor load(String modelName) {
        ensureOpen();
        requireValidName(modelName);
        // The newest complete version: one still being copied in (no model.json yet) is not a candidate.
        OptionalLong latest = this.repository.latestCompleteVersion(modelName);
        if (latest.isEmpty()) {
            throw new ModelNotFoundException(modelName, "Model " + modelName + " has no complete version folder in the "
                    + "repository (a version counts once its model.json exists)");
        }
        return load(modelName, latest.getAsLong());
    }

    @Override
    public ModelDescriptor load(String modelName, long version) {
        synchronized (this.adminLock) {
            ensureOpen();
            ModelId id = modelId(modelName, version);
            return loadLocked(id, this.models.get(modelName));
        }
    }

    /**
     * {@link #load(String, long)}, but only if the version served under the name is still
     * {@code expectedServed} (empty: no version is loaded): a compare-and-set for a caller that decided
     * from an earlier look at the engine, such as the repository poller, so that it never undoes a load,
     * swap or unload that another caller (an operator through the admin API) made in between.
     * @param expectedServed the version the caller saw served, or empty if it saw the model not loaded
     * @return the descriptor of the version now served, or empty if the served version was not the
     *     expected one, in which case nothing changed
     * @throws ModelNotFoundException if the model or version is not on disk
     * @throws io.distill4j.api.exception.ModelLoadException if the files cannot be read or opened
     */
    public Optional<ModelDescriptor> loadIfServed(String modelName, OptionalLong expectedServed, long version) {
        Objects.requireNonNull(expectedServed, "expectedServed");
        synchronized (this.adminLock) {
            ensureOpen();
            ModelId id = modelId(modelName, version);
            LoadedModel current = this.models.get(modelName);
            OptionalLong served = current == null ? OptionalLong.empty() : OptionalLong.of(current.id().version());
            if (!served.equals(expectedServed)) {
                return Optional.empty();
            }
            return Optional.of(loadLocked(id, current));
        }
    }

    /**
     * {@link #unload(String)}, but only if {@code expectedServed} is the version served under the name
     * (see {@link #loadIfServed(String, OptionalLong, long)}).
     * @return whether the model was unloaded
     */
    public boolean unloadIfServed(String modelName, long expectedServed) {
        synchronized (this.adminLock) {
            ensureOpen();
            requireValidName(modelName);
            LoadedModel current = this.models.get(modelName);
            return current != null && current.id().version() == expectedServed && unload(modelName);
        }
    }

    /** Loads {@code id} and swaps it in for {@code current}; under the admin lock. */
    private ModelDescriptor loadLocked(ModelId id, LoadedModel current) {
        if (current != null && current.id().equals(id)) {
            return current.descriptor();
        }
        ModelFiles files = this.repository.resolve(id);
        long start = System.nanoTime();
        LoadedModel fresh = LoadedModel.open(files, this.config, this.listener);
        logger.info("Loaded model {} ({}, provider {}) in {} ms; {}", id, fresh.descriptor().task().id(),
                fresh.descriptor().executionProvider(), (System.nanoTime() - start) / 1_000_000,
                fresh.plan().describe());
        swapIn(fresh, current);
        return fresh.descriptor();
    }

    /** Serves {@code fresh} under its name and retires {@code current} (if any), which closes once drained. */
    private void swapIn(LoadedModel fresh, LoadedModel current) {
        this.models.put(fresh.id().name(), fresh);
        this.listener.onModelLoaded(fresh.descriptor());
        if (current != null) {
            current.retire();
            this.listener.onModelUnloaded(current.id());
            logger.info("Swapped model {} from {} to {}; the old one closes once drained", fresh.id().name(),
                    current.descriptor(), fresh.descriptor());
        }
    }

    /**
     * Runs a call; if the model's accelerator (CUDA) session failed on it, replaces that session with a
     * CPU one of the same version and runs the call once more, so the caller does not see the failure.
     */
    private <R> R withCpuFallback(java.util.function.Supplier<R> call) {
        try {
            return call.get();
        }
        catch (FailedOnAccelerator failure) {
            reopenOnCpu(failure.model, failure.getCause());
        }
        try {
            return call.get();
        }
        catch (FailedOnAccelerator again) {
            // Served by an accelerator again (swapped meanwhile): no second fallback, the failure as it is.
            throw again.getCause();
        }
    }

    /** {@link #reopenOnCpu(LoadedModel, InferenceFailedException)} for the version now served under a name. */
    void reopenOnCpu(String modelName, InferenceFailedException cause) {
        reopenOnCpu(served(modelName), cause);
    }

    /**
     * Replaces a model version whose session failed on an accelerator with the same version on the CPU
     * provider, its provider note saying so. Nothing happens if another call did so already, or the model was
     * swapped or unloaded meanwhile; if the CPU session cannot be opened either, the failing one keeps serving
     * and the original failure is thrown.
     */
    void reopenOnCpu(LoadedModel failed, InferenceFailedException cause) {
        synchronized (this.adminLock) {
            ensureOpen();
            if (this.models.get(failed.id().name()) != failed) {
                return;
            }
            logger.warn("Model {} failed on {}; reopening it on CPU: {}", failed.id(),
                    failed.descriptor().executionProvider(), cause.getMessage());
            LoadedModel cpu;
            try {
                cpu = LoadedModel.open(this.repository.resolve(failed.id()), this.config, this.config.session().onCpu(),
                        "Failed on " + failed.descriptor().executionProvider() + " and reopened on CPU: " + cause.getMessage(),
                        this.listener);
            }
            catch (RuntimeException ex) {
                cause.addSuppressed(ex);
                throw cause;
            }
            swapIn(cpu, failed);
        }
    }

    /** An inference failure of a session on an accelerator, which the engine answers by reopening on CPU. */
    private static final class FailedOnAccelerator extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient LoadedModel model;

        private FailedOnAccelerator(LoadedModel model, InferenceFailedException cause) {
            super(cause.getMessage(), cause, false, false);
            this.model = model;
        }

        /** The failure wrapped for {@link #withCpuFallback} when the model ran on an accelerator, else as it is. */
        static RuntimeException ifSo(LoadedModel model, InferenceFailedException failure) {
            return ExecutionProvider.CPU.name().equals(model.descriptor().executionProvider()) ? failure
                    : new FailedOnAccelerator(model, failure);
        }

        @Override
        public synchronized InferenceFailedException getCause() {
            return (InferenceFailedException) super.getCause();
        }
    }

    @Override
    public boolean unload(String modelName) {
        synchronized (this.adminLock) {
            ensureOpen();
            requireValidName(modelName);
            LoadedModel model = this.models.remove(modelName);
            if (model == null) {
                return false;
            }
            model.retire();
            this.listener.onModelUnloaded(model.id());
            logger.info("Unloaded model {}; it closes once drained", model.id());
            return true;
        }
    }

    @Override
    public Map<String, Tensor> infer(String modelName, Map<String, Tensor> inputs) {
        return infer(modelName, inputs, Deadline.NONE);
    }

    Map<String, Tensor> infer(String modelName, Map<String, Tensor> inputs, Deadline deadline) {
        return withCpuFallback(() -> inferOnce(modelName, inputs, deadline));
    }

    private Map<String, Tensor> inferOnce(String modelName, Map<String, Tensor> inputs, Deadline deadline) {
        long start = System.nanoTime();
        LoadedModel model = acquire(modelName);
        boolean ok = false;
        int rows = 0;
        try {
            this.validator.validateTensors(model.id().toString(), model.inputsByName(), inputs);
            rows = inputs.values().stream().mapToInt(t -> t.rank() == 0 ? 1 : (int) t.shape()[0]).max().orElse(0);
            Map<String, Tensor> outputs = model.infer(inputs, deadline);
            ok = true;
            return outputs;
        }
        catch (TransientException ex) {
            this.listener.onRejected(modelName, ex.code());
            throw ex;
        }
        catch (InferenceFailedException ex) {
            throw FailedOnAccelerator.ifSo(model, ex);
        }
        finally {
            model.release();
            this.listener.onRequest(model.id(), rows, System.nanoTime() - start, ok);
        }
    }

    @Override
    public List<float[]> embed(String modelName, List<String> texts) {
        return embed(modelName, texts, Deadline.NONE);
    }

    List<float[]> embed(String modelName, List<String> texts, Deadline deadline) {
        return runText(modelName, TaskType.TEXT_EMBEDDING, texts, deadline, (model, vector) -> vector);
    }

    @Override
    public List<Classification> classify(String modelName, List<String> texts, int topK) {
        return classify(modelName, texts, topK, Deadline.NONE);
    }

    List<Classification> classify(String modelName, List<String> texts, int topK, Deadline deadline) {
        if (topK < 1) {
            throw new InvalidInputException(modelName, "topK", "must be >= 1, was " + topK);
        }
        return runText(modelName, TaskType.TEXT_CLASSIFICATION, texts, deadline,
                (model, logits) -> TextHeads.topK(TextHeads.softmax(logits), model.labels(), topK));
    }

    @Override
    public List<float[]> logits(String modelName, List<String> texts) {
        return logits(modelName, texts, Deadline.NONE);
    }

    List<float[]> logits(String modelName, List<String> texts, Deadline deadline) {
        return runText(modelName, TaskType.TEXT_CLASSIFICATION, texts, deadline, (model, logits) -> logits);
    }

    @Override
    public InferenceEngine withTimeout(Duration timeout) {
        return new DeadlineView(this, Deadline.after(Objects.requireNonNull(timeout, "timeout")));
    }

    /**
     * Runs texts through a model's batcher under one lease and post-processes each result on the
     * caller's thread with the same model version that produced it. If one text fails or the deadline
     * passes, the texts still queued are cancelled, so the batcher drops them.
     */
    private <R> List<R> runText(String modelName, TaskType task, List<String> texts, Deadline deadline,
            BiFunction<LoadedModel, float[], R> postProcess) {
        return withCpuFallback(() -> runTextOnce(modelName, task, texts, deadline, postProcess));
    }

    private <R> List<R> runTextOnce(String modelName, TaskType task, List<String> texts, Deadline deadline,
            BiFunction<LoadedModel, float[], R> postProcess) {
        long start = System.nanoTime();
        LoadedModel model = acquire(modelName);
        boolean ok = false;
        try {
            model.requireTask(task);
            this.validator.validateTexts(model.id().toString(), texts);
            deadline.requireTimeLeft(model.id());
            List<CompletableFuture<float[]>> futures = List.of();
            try {
                futures = model.submitTexts(texts);
                List<R> results = new ArrayList<>(texts.size());
                for (CompletableFuture<float[]> future : futures) {
                    results.add(postProcess.apply(model, deadline.await(model.id(), future)));
                }
                ok = true;
                return results;
            }
            finally {
                if (!ok) {
                    futures.forEach(future -> future.cancel(false));
                }
            }
        }
        catch (TransientException ex) {
            this.listener.onRejected(modelName, ex.code());
            throw ex;
        }
        catch (InferenceFailedException ex) {
            throw FailedOnAccelerator.ifSo(model, ex);
        }
        finally {
            model.release();
            this.listener.onRequest(model.id(), texts == null ? 0 : texts.size(), System.nanoTime() - start, ok);
        }
    }

    /** The version served under a name, for a look at it without a lease. */
    LoadedModel served(String modelName) {
        ensureOpen();
        requireValidName(modelName);
        LoadedModel model = this.models.get(modelName);
        if (model == null) {
            throw notLoaded(modelName);
        }
        return model;
    }

    private LoadedModel acquire(String modelName) {
        ensureOpen();
        requireValidName(modelName);
        for (;;) {
            LoadedModel model = this.models.get(modelName);
            if (model == null) {
                throw notLoaded(modelName);
            }
            if (model.tryAcquire()) {
                return model;
            }
            // Lost a race with a swap or unload: the map already holds the successor (or nothing).
            Thread.onSpinWait();
        }
    }

    private ModelNotFoundException notLoaded(String modelName) {
        boolean onDisk = this.repository.modelNames().contains(modelName);
        return new ModelNotFoundException(modelName, "Model " + modelName + " is not loaded"
                + (onDisk ? " (it is in the repository: load it first)" : " and not in the repository"));
    }

    private static void requireValidName(String modelName) {
        if (!ModelId.isValidName(modelName)) {
            throw new InvalidInputException(modelName, "model", "must match " + ModelId.NAME_PATTERN + ", was '" + modelName + "'");
        }
    }

    private static ModelId modelId(String modelName, long version) {
        requireValidName(modelName);
        if (version < 1) {
            throw new InvalidInputException(modelName, "version", "must be >= 1, was " + version);
        }
        return ModelId.of(modelName, version);
    }

    private void ensureOpen() {
        if (this.closed.get()) {
            throw new IllegalStateException("Inference engine is closed");
        }
    }

    /**
     * Stops serving every model, waits up to the drain timeout for requests in flight, and closes all
     * sessions. Idempotent.
     */
    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        List<LoadedModel> retiring;
        synchronized (this.adminLock) {
            retiring = new ArrayList<>(this.models.values());
            this.models.clear();
            retiring.forEach(LoadedModel::retire);
        }
        long deadline = System.nanoTime() + this.config.drainTimeout().toNanos();
        for (LoadedModel model : retiring) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!model.awaitClosed(Duration.ofNanos(left))) {
                    logger.warn("Model {} still has requests in flight after {}; it closes when they finish", model.id(),
                            this.config.drainTimeout());
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                logger.warn("Interrupted while draining model {}", model.id());
                break;
            }
        }
    }
}
