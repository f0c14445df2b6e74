package io.distill4j.engine;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.ElementType;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.Tensor;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.IncompatibleModelException;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.engine.batching.AdaptiveBatchPolicy;
import io.distill4j.engine.batching.BatchListener;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchProcessor;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.batching.DynamicBatcher;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.OnnxModelReader.ParsedModel;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Finding;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Severity;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.ModelSession;
import io.distill4j.engine.session.OrtTensors;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.text.Pooling;
import io.distill4j.engine.text.TextHeads;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenBatch;
import io.distill4j.engine.text.TokenizedText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served model version: its sessions, tokenizer and batcher, plus a lease count that makes hot
 * swap safe. The engine holds one lease while the version serves; every request holds one while it
 * runs. {@link #retire()} drops the engine's lease, and the last lease released closes batcher,
 * tokenizer and sessions, in that order (the batcher drains before the sessions close).
 *
 * <p>The model runs on the instances of its {@link InstanceGroup} (the engine's, or its manifest's
 * {@code serving} object): one batcher worker per instance, over one shared session or one session each. With
 * the adaptive batch policy, a text model's batch costs are calibrated in the background once it serves
 * ({@link BatchCalibration}) and refined from every batch.
 */
final class LoadedModel {

    private static final Logger logger = LoggerFactory.getLogger(LoadedModel.class);

    private final ModelId id;

    private final ModelManifest manifest;

    /** One session shared by every instance, or one per instance. */
    private final List<ModelSession> sessions;

    /** Spreads a raw model's unbatched calls over its sessions. */
    private final AtomicInteger nextSession = new AtomicInteger();

    /** Intra-op threads of each session, 0 for ONNX Runtime's default. */
    private final int sessionThreads;

    private final InstanceGroup instances;

    private final BatchingConfig batching;

    /** The batch policy of the batcher, {@code null} for a model without one. */
    private final BatchPolicy policy;

    private final TextTokenizer tokenizer;

    /** Batcher of text tasks, else {@code null}. */
    private final DynamicBatcher<TokenizedText, float[]> textBatcher;

    /** Batcher of raw models with {@code dynamicBatching}, else {@code null}. */
    private final DynamicBatcher<RawBatch.Request, Map<String, Tensor>> rawBatcher;

    private final ModelDescriptor descriptor;

    private final Set<String> textInputs;

    private final String resultOutput;

    private final InferenceListener listener;

    /** The operator-compatibility report made at load, or {@code null} if the engine's check is off. */
    private final CompatibilityReport compatibility;

    private final AtomicInteger leases = new AtomicInteger(1);

    private final AtomicBoolean retired = new AtomicBoolean();

    private final CountDownLatch closed = new CountDownLatch(1);

    /** The calibration of an adaptive text model's batch costs, {@code null} for other models. */
    private final BatchCalibration calibration;

    private LoadedModel(ModelFiles files, List<ModelSession> sessions, int sessionThreads, InstanceGroup instances,
            BatchingConfig batching, TextTokenizer tokenizer, CompatibilityReport compatibility, String providerNote,
            InferenceListener listener) {
        this.id = files.id();
        this.compatibility = compatibility;
        this.manifest = files.manifest();
        this.sessions = List.copyOf(sessions);
        this.sessionThreads = sessionThreads;
        this.instances = instances;
        this.batching = batching;
        this.tokenizer = tokenizer;
        ModelSession session = this.sessions.get(0);
        this.listener = listener;
        this.resultOutput = checkFit(this.id.toString(), this.manifest, session);
        this.textInputs = this.manifest.isTextTask() ? session.inputsByName().keySet() : Set.of();
        this.descriptor = new ModelDescriptor(this.id, this.manifest.task(), session.inputs(), session.outputs(),
                session.provider().name(), providerNote != null ? providerNote : session.providerNote(),
                Optional.ofNullable(compatibility).map(CompatibilityReport::verdict), this.manifest.description(),
                this.manifest.labels(), this.manifest.provenance());
        ModelId modelId = this.id;
        BatchListener batchListener = new BatchListener() {
            @Override
            public void onBatch(int batchSize, long processNanos) {
                listener.onBatch(modelId, batchSize, processNanos);
            }

            @Override
            public void onQueueDepth(int depth) {
                listener.onQueueDepth(modelId, depth);
            }
        };
        String name = this.id.toString();
        boolean rawBatching = this.manifest.task() == TaskType.RAW && this.manifest.dynamicBatching();
        this.policy = tokenizer != null || rawBatching ? batching.newPolicy() : null;
        int count = instances.resolvedCount();
        List<BatchProcessor<TokenizedText, float[]>> textProcessors = new ArrayList<>(count);
        List<BatchProcessor<RawBatch.Request, Map<String, Tensor>>> rawProcessors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ModelSession instanceSession = this.sessions.get(i % this.sessions.size());
            textProcessors.add(texts -> runTextBatch(instanceSession, texts));
            rawProcessors.add(requests -> RawBatch.split(name, runRaw(instanceSession, RawBatch.concat(requests)), requests));
        }
        this.textBatcher = tokenizer == null ? null : new DynamicBatcher<>(name, batching, this.policy,
                TokenizedText::lengthBucket, textProcessors, true, batchListener);
        this.rawBatcher = rawBatching ? new DynamicBatcher<>(name, batching, this.policy, RawBatch.Request::shapeKey,
                rawProcessors, true, batchListener) : null;
        this.calibration = this.policy instanceof AdaptiveBatchPolicy adaptive && this.textBatcher != null
                ? new BatchCalibration(this.id, adaptive, this.textBatcher, this.sessions, tokenizer,
                        this.manifest.maxSequenceLength(), batching.maxBatchSize(), this::runTextBatch,
                        () -> plan().describe())
                : null;
        if (this.calibration != null) {
            this.calibration.start();
        }
    }

    /**
     * Opens a model version: reads and validates the model file once, checks its operators against
     * the session's providers (unless the engine's check is off), opens the session from the bytes
     * read (from the file when the model has external data, which ONNX Runtime finds next to it), the
     * tokenizer for text tasks and the batcher. On any failure everything opened so far is closed
     * again.
     * @throws IncompatibleModelException if the check finds the model incompatible and its manifest
     *     does not set {@code allowIncompatible}; the message holds the report
     */
    static LoadedModel open(ModelFiles files, EngineConfig config, InferenceListener listener) {
        return open(files, config, config.session(), null, listener);
    }

    /**
     * {@link #open(ModelFiles, EngineConfig, InferenceListener)} with other session settings.
     * @param providerNote why the model runs on the provider it gets, for its descriptor; {@code null} for the
     *     session's own note
     */
    static LoadedModel open(ModelFiles files, EngineConfig config, SessionConfig sessionConfig, String providerNote,
            InferenceListener listener) {
        String modelId = files.id().toString();
        ParsedModel parsed;
        try {
            parsed = OnnxModelReader.ofDefaults().readWithBytes(files.model(), modelId);
        }
        catch (ModelLoadException ex) {
            // The reader names the file, not the model version it belongs to.
            throw new ModelLoadException(modelId, "Model " + modelId + " cannot be loaded: " + ex.getMessage(), ex);
        }
        CompatibilityReport compatibility = config.compatibilityCheck()
                ? checkCompatibility(modelId, parsed.model(), files.manifest(), sessionConfig) : null;
        InstanceGroup instances = files.manifest().serving().instanceGroup(config.instances());
        BatchingConfig batching = files.manifest().serving().batchingConfig(config.batching());
        SessionConfig instanceConfig = instances.sessionConfig(sessionConfig);
        List<ModelSession> sessions = new ArrayList<>(instances.sessionCount());
        TextTokenizer tokenizer = null;
        try {
            for (int i = 0; i < instances.sessionCount(); i++) {
                sessions.add(parsed.usesExternalData() ? ModelSession.open(modelId, files.model(), instanceConfig)
                        : ModelSession.open(modelId, parsed.bytes(), instanceConfig));
            }
            if (files.manifest().isTextTask()) {
                tokenizer = TextTokenizer.open(modelId, files.tokenizer().orElseThrow(), files.manifest().maxSequenceLength());
            }
            return new LoadedModel(files, sessions, instanceConfig.intraOpThreads(), instances, batching, tokenizer,
                    compatibility, providerNote, listener);
        }
        catch (RuntimeException ex) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            sessions.forEach(ModelSession::close);
            throw ex;
        }
    }

    /**
     * Runs the operator-compatibility check against the session's providers: refuses an incompatible
     * model unless the manifest allows it, and logs fallbacks and traps at WARN.
     */
    private static CompatibilityReport checkCompatibility(String modelId, ModelProto model, ModelManifest manifest,
            SessionConfig session) {
        CompatibilityReport report = CompatibilityChecker.check(model, CompatibilityTarget.of(session.executionProviders()));
        switch (report.verdict()) {
            case INCOMPATIBLE -> {
                Finding first = report.findings(Severity.ERROR).get(0);
                String what = first.modelLevel() ? first.reason() + ": " + first.message()
                        : "node '" + first.node() + "' (" + first.operator() + ") " + first.reason() + ": " + first.message();
                if (!manifest.allowIncompatible()) {
                    throw new IncompatibleModelException(modelId, "Model " + modelId + " is incompatible with ONNX Runtime on "
                            + report.target().describe() + ": " + what + ". To load it anyway, set \"allowIncompatible\": true in "
                            + ModelManifest.FILE_NAME + ".\n" + report.toTable());
                }
                logger.warn("Model {} is incompatible with ONNX Runtime on {} but {} allows it; loading it anyway:\n{}", modelId,
                        report.target().describe(), ModelManifest.FILE_NAME, report.toTable());
            }
            case COMPATIBLE_WITH_FALLBACKS -> logger.warn("Model {} is compatible with fallbacks on {}:\n{}", modelId,
                    report.target().describe(), report.issues().stream()
                        .map(f -> "  " + (f.modelLevel() ? "(model)" : f.node() + " (" + f.operator() + ")") + " " + f.reason()
                                + ": " + f.message())
                        .collect(Collectors.joining("\n")));
            case COMPATIBLE -> logger.debug("Model {} is compatible with ONNX Runtime on {}", modelId, report.target().describe());
        }
        return report;
    }

    /**
     * Checks that the graph fits the manifest: declared inputs and outputs, and for text tasks the
     * conventional text inputs and a result output of the right rank.
     * @return the name of the output that carries the result
     */
    private static String checkFit(String modelId, ModelManifest manifest, ModelSession session) {
        checkDeclared(modelId, "input", manifest.inputs(), session.inputs());
        checkDeclared(modelId, "output", manifest.outputs(), session.outputs());
        String output = manifest.output() != null ? manifest.output() : session.outputs().get(0).name();
        TensorInfo result = session.outputs().stream()
            .filter(o -> o.name().equals(output))
            .findFirst()
            .orElseThrow(() -> new IncompatibleModelException(modelId, "model.json names output '" + output
                    + "' but the graph's outputs are " + session.outputs()));
        if (!manifest.isTextTask()) {
            if (manifest.dynamicBatching()) {
                for (TensorInfo t : Stream.concat(session.inputs().stream(), session.outputs().stream()).toList()) {
                    if (t.rank() == 0 || !t.isDynamic(0)) {
                        throw new IncompatibleModelException(modelId, "model.json sets dynamicBatching, which needs a dynamic "
                                + "first (batch) dimension on every input and output, but the graph has " + t);
                    }
                }
            }
            return output;
        }
        for (TensorInfo input : session.inputs()) {
            if (!TokenBatch.INPUT_NAMES.contains(input.name()) || input.type() != ElementType.INT64 || input.rank() != 2) {
                throw new IncompatibleModelException(modelId, "A " + manifest.task().id() + " model takes only INT64 [batch, sequence] inputs named "
                        + TokenBatch.INPUT_NAMES + ", but the graph has input " + input);
            }
        }
        if (!session.inputsByName().containsKey(TokenBatch.INPUT_IDS)) {
            throw new IncompatibleModelException(modelId, "A text model needs an input named " + TokenBatch.INPUT_IDS
                    + "; the graph's inputs are " + session.inputs());
        }
        if (result.type() != ElementType.FLOAT32) {
            throw new IncompatibleModelException(modelId, "Output " + result + " must be FLOAT32");
        }
        if (manifest.task() == TaskType.TEXT_EMBEDDING) {
            boolean pooledByModel = result.rank() == 2;
            boolean poolableTokens = result.rank() == 3 && manifest.pooling() != Pooling.NONE;
            if (!pooledByModel && !poolableTokens) {
                throw new IncompatibleModelException(modelId, "An embedding output must be [batch, sequence, hidden] with mean or cls pooling, or [batch, hidden]; "
                        + result + " with pooling " + manifest.pooling() + " is neither");
            }
        }
        else {
            if (result.rank() != 2) {
                throw new IncompatibleModelException(modelId, "A classification output must be [batch, classes] logits, was " + result);
            }
            long classes = result.shape().get(1);
            if (!manifest.labels().isEmpty() && classes != TensorInfo.DYNAMIC && classes != manifest.labels().size()) {
                throw new IncompatibleModelException(modelId, "model.json has " + manifest.labels().size()
                        + " labels but output " + result + " has " + classes + " classes");
            }
        }
        return output;
    }

    private static void checkDeclared(String modelId, String kind, List<TensorInfo> declared, List<TensorInfo> actual) {
        for (TensorInfo want : declared) {
            TensorInfo have = actual.stream().filter(a -> a.name().equals(want.name())).findFirst().orElse(null);
            if (have == null) {
                throw new IncompatibleModelException(modelId, "model.json declares " + kind + " " + want
                        + " but the graph has " + actual);
            }
            boolean shapeFits = have.rank() == want.rank();
            for (int i = 0; shapeFits && i < want.rank(); i++) {
                shapeFits = want.isDynamic(i) || have.isDynamic(i) || want.shape().get(i).equals(have.shape().get(i));
            }
            if (have.type() != want.type() || !shapeFits) {
                throw new IncompatibleModelException(modelId, "model.json declares " + kind + " " + want
                        + " but the graph has " + have);
            }
        }
    }

    ModelId id() {
        return this.id;
    }

    /** How this version runs: instances, sessions, batching and what the batch policy has learnt. */
    ServingPlan plan() {
        int threads = this.sessionThreads;
        if (this.policy == null) {
            return new ServingPlan(this.instances.resolvedCount(), this.sessions.size(), threads, "none", 1, 1, "");
        }
        int max = this.batching.maxBatchSize();
        if (this.policy instanceof AdaptiveBatchPolicy adaptive && this.calibration != null) {
            int bucket = this.calibration.bucket();
            return new ServingPlan(this.instances.resolvedCount(), this.sessions.size(), threads, "adaptive", max,
                    adaptive.preferredBatchSize(bucket, max), adaptive.describeGains(bucket, max));
        }
        return new ServingPlan(this.instances.resolvedCount(), this.sessions.size(), threads,
                this.batching.policy().id(), max, this.batching.policy() == BatchPolicy.Kind.OFF ? 1 : max, "");
    }

    /** Waits until the batch-cost calibration started at load is over (done, failed or not needed). */
    boolean awaitCalibration(Duration timeout) throws InterruptedException {
        return this.calibration == null || this.calibration.await(timeout);
    }

    ModelDescriptor descriptor() {
        return this.descriptor;
    }

    /** The operator-compatibility report made when the model loaded; empty if the engine's check is off. */
    Optional<CompatibilityReport> compatibility() {
        return Optional.ofNullable(this.compatibility);
    }

    /** Takes a lease; fails once the model has been retired and drained. */
    boolean tryAcquire() {
        for (;;) {
            int n = this.leases.get();
            if (n <= 0) {
                return false;
            }
            if (this.leases.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Returns a lease; the last one closes the model. */
    void release() {
        if (this.leases.decrementAndGet() == 0) {
            closeResources();
        }
    }

    /** Stops serving: drops the engine's lease, so the model closes once requests in flight are done. */
    void retire() {
        if (this.retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** Whether every session of the model's instances is closed. */
    boolean sessionsClosed() {
        return this.sessions.stream().allMatch(ModelSession::isClosed);
    }

    /** Waits until the model's native resources are closed. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return this.closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void closeResources() {
        boolean idle = closeBatcher(this.textBatcher) & closeBatcher(this.rawBatcher);
        try {
            if (!idle) {
                // A batch is still running on the session: closing it under a native run can crash the JVM.
                logger.error("Model {} still runs a batch after its batcher's close timeout; its session is left open", this.id);
                return;
            }
            if (this.tokenizer != null) {
                this.tokenizer.close();
            }
            this.sessions.forEach(ModelSession::close);
        }
        finally {
            this.closed.countDown();
            this.listener.onModelClosed(this.id);
        }
    }

    /** Closes a batcher (draining its queue); returns whether its worker has stopped. */
    private static boolean closeBatcher(DynamicBatcher<?, ?> batcher) {
        if (batcher == null) {
            return true;
        }
        batcher.close();
        return batcher.isTerminated();
    }

    /** Requires the model's task. */
    void requireTask(TaskType task) {
        if (this.manifest.task() != task) {
            throw new IncompatibleModelException(this.id.toString(), "Model " + this.id + " is a "
                    + this.manifest.task().id() + " model, not " + task.id());
        }
    }

    /**
     * Tokenizes on the caller's thread and hands the texts to the batcher: a lone text may run at once on the
     * caller's thread, several are queued together so that they share batches.
     */
    List<CompletableFuture<float[]>> submitTexts(List<String> texts) {
        List<TokenizedText> tokenized = new ArrayList<>(texts.size());
        for (String text : texts) {
            tokenized.add(this.tokenizer.encode(text));
        }
        return this.textBatcher.submitAll(tokenized);
    }

    List<String> labels() {
        return this.manifest.labels();
    }

    /** The batch processor of text tasks: pad, run, pool (embeddings) or not (logits); one vector per text. */
    private List<float[]> runTextBatch(ModelSession session, List<TokenizedText> texts) {
        TokenBatch batch = TokenBatch.pad(texts);
        Map<String, OnnxTensor> inputs = null;
        try {
            inputs = batch.toTensors(ModelSession.environment(), this.textInputs);
            try (OrtSession.Result result = session.run(inputs, Set.of(this.resultOutput))) {
                OnnxTensor output = (OnnxTensor) result.get(this.resultOutput).orElseThrow();
                return textResults(output, batch);
            }
        }
        catch (OrtException ex) {
            throw new InferenceFailedException(this.id.toString(), "ONNX Runtime failed on a batch of " + texts.size()
                    + " texts: " + ex.getMessage(), ex);
        }
        finally {
            if (inputs != null) {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private List<float[]> textResults(OnnxTensor output, TokenBatch batch) {
        long[] shape = output.getInfo().getShape();
        FloatBuffer data = output.getFloatBuffer();
        int rows = batch.batchSize();
        float[][] vectors;
        if (this.manifest.task() == TaskType.TEXT_EMBEDDING) {
            vectors = shape.length == 3
                    ? TextHeads.pool(data, rows, (int) shape[1], (int) shape[2], batch.attentionMask(), this.manifest.pooling(),
                            this.manifest.normalize())
                    : TextHeads.rows(data, rows, (int) shape[1], this.manifest.normalize());
        }
        else {
            List<String> labels = this.manifest.labels();
            if (!labels.isEmpty() && shape[1] != labels.size()) {
                throw new IncompatibleModelException(this.id.toString(), "model.json has " + labels.size()
                        + " labels but the model produced " + shape[1] + " logits");
            }
            // Raw logits: classify() applies the softmax per request, logits() hands them on as they are.
            vectors = TextHeads.rows(data, rows, (int) shape[1], false);
        }
        return List.of(vectors);
    }

    /**
     * Runs raw, already validated tensors: through the batcher if the model batches dynamically,
     * else directly on the caller's thread (which the deadline can refuse, but not stop once running).
     */
    Map<String, Tensor> infer(Map<String, Tensor> inputs, Deadline deadline) {
        deadline.requireTimeLeft(this.id);
        if (this.rawBatcher == null) {
            return runRaw(this.sessions.get(Math.floorMod(this.nextSession.getAndIncrement(), this.sessions.size())),
                    inputs);
        }
        return deadline.await(this.id, this.rawBatcher.submit(RawBatch.request(this.id.toString(), inputs)));
    }

    /** Runs tensors on a session and copies every output to the heap. */
    private Map<String, Tensor> runRaw(ModelSession session, Map<String, Tensor> inputs) {
        Map<String, OnnxTensor> natives = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                natives.put(e.getKey(), OrtTensors.toNative(ModelSession.environment(), e.getValue()));
            }
            try (OrtSession.Result result = session.run(natives)) {
                Map<String, Tensor> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    outputs.put(e.getKey(), OrtTensors.toHeap((OnnxTensor) e.getValue()));
                }
                return outputs;
            }
        }
        catch (OrtException ex) {
            throw new InferenceFailedException(this.id.toString(), "ONNX Runtime failed: " + ex.getMessage(), ex);
        }
        finally {
            natives.values().forEach(OnnxTensor::close);
        }
    }

    /** Graph inputs by name. */
    Map<String, TensorInfo> inputsByName() {
        return this.sessions.get(0).inputsByName();
    }

    /** Batcher queue depth, 0 for raw models. */
    int queueDepth() {
        return (this.textBatcher == null ? 0 : this.textBatcher.queueDepth())
                + (this.rawBatcher == null ? 0 : this.rawBatcher.queueDepth());
    }

    @Override
    public String toString() {
        return "LoadedModel[" + this.id + ", leases=" + this.leases.get() + "]";
    }

}
