package io.distill4j.engine.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.IncompatibleModelException;
import io.distill4j.api.exception.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's ONNX Runtime session. It owns its {@link OrtSession} and the {@link SessionOptions} the
 * session was created with, and closes both (session first) in {@link #close()}, which is idempotent.
 * Any use after close throws {@link IllegalStateException}.
 *
 * <p>The execution provider is chosen at open time: each provider of {@link SessionConfig#executionProviders()}
 * is tried in order and CPU is the last resort. When CUDA is requested but cannot be used, the reason
 * is logged and kept in {@link #providerNote()}.
 *
 * <p>{@link #run(Map)} is thread-safe (ONNX Runtime allows concurrent runs on one session); the caller
 * owns and must close the returned {@link OrtSession.Result}.
 */
public final class ModelSession implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ModelSession.class);

    private final String modelId;

    private final OrtSession session;

    private final SessionOptions options;

    private final ExecutionProvider provider;

    private final String providerNote;

    private final List<TensorInfo> inputs;

    private final List<TensorInfo> outputs;

    private final Map<String, TensorInfo> inputsByName;

    private final AtomicBoolean closed = new AtomicBoolean();

    ModelSession(String modelId, OrtSession session, SessionOptions options, ExecutionProvider provider,
            String providerNote) throws OrtException {
        this.modelId = modelId;
        this.session = session;
        this.options = options;
        this.provider = provider;
        this.providerNote = providerNote;
        this.inputs = describe(session.getInputInfo());
        this.outputs = describe(session.getOutputInfo());
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo info : this.inputs) {
            byName.put(info.name(), info);
        }
        this.inputsByName = Collections.unmodifiableMap(byName);
    }

    /**
     * The process-wide ONNX Runtime environment (created on first use, never closed). Its native libraries are
     * loaded from the per-user cache of {@link OrtNativeCache} the first time.
     */
    public static OrtEnvironment environment() {
        OrtNativeCache.prepare();
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Opens a session on an ONNX file. ONNX Runtime reads the file itself, so tensors the model keeps
     * in external data files are found next to it.
     * @param modelId model id for messages
     * @param modelFile the {@code .onnx} file
     * @param config threads, optimization level, providers
     * @throws ModelLoadException if the file is missing, unreadable or not a model ONNX Runtime accepts
     */
    public static ModelSession open(String modelId, Path modelFile, SessionConfig config) {
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelLoadException(modelId, "Model file " + modelFile + " does not exist or is not a regular file");
        }
        return open(modelId, String.valueOf(modelFile.getFileName()), config,
                (env, options) -> env.createSession(modelFile.toString(), options));
    }

    /**
     * Opens a session on a model's bytes, for a model already read into memory (by
     * {@code OnnxModelReader}, say), so the file is not read twice. A model with external data must be
     * opened from its file instead, where ONNX Runtime can find the data. The array is only read.
     * @param modelId model id for messages
     * @param model the model in the {@code .onnx} format
     * @param config threads, optimization level, providers
     * @throws ModelLoadException if the bytes are not a model ONNX Runtime accepts
     */
    public static ModelSession open(String modelId, byte[] model, SessionConfig config) {
        Objects.requireNonNull(model, "model");
        return open(modelId, "model " + modelId, config, (env, options) -> env.createSession(model, options));
    }

    /** Creates the native session of one attempt; the caller owns and closes what it returns. */
    @FunctionalInterface
    private interface SessionFactory {

        OrtSession create(OrtEnvironment env, SessionOptions options) throws OrtException;
    }

    private static ModelSession open(String modelId, String shownName, SessionConfig config, SessionFactory factory) {
        OrtEnvironment env = environment();
        List<String> notes = new ArrayList<>();
        List<ExecutionProvider> order = new ArrayList<>(config.executionProviders());
        order.remove(ExecutionProvider.CPU);
        order.add(ExecutionProvider.CPU);
        for (ExecutionProvider candidate : order) {
            if (candidate == ExecutionProvider.CUDA && !env.getAvailableProviders().contains(OrtProvider.CUDA)) {
                notes.add("CUDA requested but this ONNX Runtime build has no CUDA provider (build with -Pcuda for onnxruntime_gpu)");
                continue;
            }
            SessionOptions options = null;
            OrtSession session = null;
            boolean handedOver = false;
            try {
                options = baseOptions(config);
                if (candidate == ExecutionProvider.CUDA) {
                    options.addCUDA(config.cudaDeviceId());
                }
                session = factory.create(env, options);
                String note = String.join("; ", notes);
                ModelSession opened = new ModelSession(modelId, session, options, candidate, note);
                handedOver = true;
                if (!notes.isEmpty()) {
                    logger.warn("Model {} runs on {}: {}", modelId, candidate, note);
                }
                return opened;
            }
            catch (OrtException ex) {
                if (candidate == ExecutionProvider.CPU) {
                    throw new ModelLoadException(modelId, "ONNX Runtime could not open " + shownName + ": "
                            + ex.getMessage(), ex);
                }
                notes.add(candidate + " could not be used: " + ex.getMessage());
            }
            catch (IllegalArgumentException ex) {
                throw new IncompatibleModelException(modelId, ex.getMessage());
            }
            finally {
                if (!handedOver) {
                    closeQuietly(session, options);
                }
            }
        }
        throw new IllegalStateException("unreachable: CPU is always tried");
    }

    private static void closeQuietly(OrtSession session, SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        }
        catch (OrtException ex) {
            logger.debug("Closing a session that failed to initialize", ex);
        }
        finally {
            if (options != null) {
                options.close();
            }
        }
    }

    private static SessionOptions baseOptions(SessionConfig config) throws OrtException {
        SessionOptions options = new SessionOptions();
        try {
            if (config.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (config.interOpThreads() > 0) {
                options.setInterOpNumThreads(config.interOpThreads());
            }
            options.setOptimizationLevel(config.optimizationLevel().ortLevel());
            if (!config.intraOpSpinning()) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            return options;
        }
        catch (OrtException ex) {
            options.close();
            throw ex;
        }
    }

    private static List<TensorInfo> describe(Map<String, NodeInfo> infos) {
        List<TensorInfo> result = new ArrayList<>(infos.size());
        for (NodeInfo info : infos.values()) {
            result.add(OrtTensors.describe(info));
        }
        return List.copyOf(result);
    }

    /** The model id this session was opened for. */
    public String modelId() {
        return this.modelId;
    }

    /** The provider this session runs on. */
    public ExecutionProvider provider() {
        return this.provider;
    }

    /** Why a preferred provider was not used; empty if the first choice worked. */
    public String providerNote() {
        return this.providerNote;
    }

    /** Graph inputs, in graph order. */
    public List<TensorInfo> inputs() {
        return this.inputs;
    }

    /** Graph outputs, in graph order. */
    public List<TensorInfo> outputs() {
        return this.outputs;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return this.closed.get();
    }

    /**
     * Runs the session. The caller owns the inputs and the result and must close both.
     * @throws IllegalStateException if the session is closed
     * @throws OrtException if the runtime fails
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        ensureOpen();
        return this.session.run(inputs);
    }

    /** Runs the session, computing only the named outputs. */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, Set<String> outputNames)
            throws OrtException {
        ensureOpen();
        return this.session.run(inputs, outputNames);
    }

    private void ensureOpen() {
        if (this.closed.get()) {
            throw new IllegalStateException("Session of model " + this.modelId + " is closed");
        }
    }

    /** Closes the session, then its options. Idempotent. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            closeQuietly(this.session, this.options);
        }
    }

    /** Input descriptions by name, in graph order. */
    public Map<String, TensorInfo> inputsByName() {
        return this.inputsByName;
    }

    @Override
    public String toString() {
        return "ModelSession[" + this.modelId + ", provider=" + this.provider + (this.closed.get() ? ", closed" : "") + "]";
    }
}
