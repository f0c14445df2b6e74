package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.OptimizationLevel;
import io.distill4j.engine.session.SessionConfig;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * The in-process inference engine ({@code distill4j.inference.*}): one property per setting of the engine's
 * {@link EngineConfig}, with its {@link SessionConfig} under {@code session.*} and its {@link BatchingConfig}
 * under {@code batching.*}. Every default is the library's own.
 *
 * <pre>
 * distill4j.inference.model-repository=models        # one folder per model, one per version
 * distill4j.inference.load-on-startup=minilm,intents # loaded before the application is ready ("*": all)
 * distill4j.inference.repository-poll-interval=15s   # follow the repository's changes (unset: no polling)
 * distill4j.inference.session.intra-op-threads=2
 * distill4j.inference.session.execution-providers=CUDA,CPU
 * distill4j.inference.batching.max-queue-delay=2ms
 * </pre>
 */
@ConfigurationProperties("distill4j.inference")
public class InferenceProperties {

    /** The {@link #getLoadOnStartup()} value that loads every model in the repository. */
    public static final String EVERY_MODEL = "*";

    /** The engine's defaults, which the defaults below are read from. */
    private static final EngineConfig DEFAULTS = EngineConfig.builder().modelRepository(Path.of("models")).build();

    /** Whether the engine bean is created. */
    private boolean enabled = true;

    /**
     * The model repository: name/version/model.onnx with a model.json manifest. A folder on disk, relative to
     * the working directory (kept as text so that Spring never reads it as a class path resource of the same
     * name).
     */
    private String modelRepository = "models";

    /**
     * Models loaded (newest version) when the context starts, or "*" for every model in the repository; a
     * model that fails to load fails the start.
     */
    private List<String> loadOnStartup = new ArrayList<>();

    /**
     * How often the model repository is polled for changes, like Triton's poll mode: a new complete version
     * of a loaded model is hot-swapped to, a new model folder is loaded if load-on-startup names it (or is
     * "*"), a removed version is swapped away from (the model unloaded when none remains); a model unloaded
     * through the admin API stays unloaded until loaded again. A version folder counts only once its
     * model.json exists: copy every other file first and write model.json last. Unset: no polling. At least
     * 1s.
     */
    private Duration repositoryPollInterval;

    /**
     * Whether each model's operators are checked against ONNX Runtime's kernel tables for the session's
     * execution providers when it loads; an incompatible model is refused unless its model.json sets
     * allowIncompatible.
     */
    private boolean compatibilityCheck = DEFAULTS.compatibilityCheck();

    /** Largest text accepted, in UTF-8 bytes; a longer one is refused as invalid input. */
    private DataSize maxTextSize = DataSize.ofBytes(DEFAULTS.maxTextBytes());

    /** Most texts in one request. */
    private int maxBatchItems = DEFAULTS.maxBatchItems();

    /** Most elements in one raw input tensor. */
    private long maxTensorElements = DEFAULTS.maxTensorElements();

    /** How long closing the engine, or a server shutting down, waits for requests in flight to finish. */
    private Duration drainTimeout = DEFAULTS.drainTimeout();

    /** The ONNX Runtime sessions, one per loaded model. */
    private final Session session = new Session();

    /** Dynamic batching of requests, per model. */
    private final Batching batching = new Batching();

    /** Execution instances per model (a model's model.json may set its own in its "serving" object). */
    private final Instances instances = new Instances();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getModelRepository() {
        return this.modelRepository;
    }

    /** {@link #getModelRepository()} as a path. */
    public Path modelRepositoryPath() {
        return Path.of(this.modelRepository);
    }

    public void setModelRepository(String modelRepository) {
        this.modelRepository = modelRepository;
    }

    public List<String> getLoadOnStartup() {
        return this.loadOnStartup;
    }

    public void setLoadOnStartup(List<String> loadOnStartup) {
        this.loadOnStartup = loadOnStartup;
    }

    /**
     * Whether {@link #getLoadOnStartup()} loads a model of that name: it names it, or it is {@code "*"} alone
     * (every model). Repository polling loads a new model folder by the same rule.
     */
    public boolean loadsOnStartup(String modelName) {
        return this.loadOnStartup.equals(List.of(EVERY_MODEL)) || this.loadOnStartup.contains(modelName);
    }

    public Duration getRepositoryPollInterval() {
        return this.repositoryPollInterval;
    }

    public void setRepositoryPollInterval(Duration repositoryPollInterval) {
        this.repositoryPollInterval = repositoryPollInterval;
    }

    public boolean isCompatibilityCheck() {
        return this.compatibilityCheck;
    }

    public void setCompatibilityCheck(boolean compatibilityCheck) {
        this.compatibilityCheck = compatibilityCheck;
    }

    public DataSize getMaxTextSize() {
        return this.maxTextSize;
    }

    public void setMaxTextSize(DataSize maxTextSize) {
        this.maxTextSize = maxTextSize;
    }

    public int getMaxBatchItems() {
        return this.maxBatchItems;
    }

    public void setMaxBatchItems(int maxBatchItems) {
        this.maxBatchItems = maxBatchItems;
    }

    public long getMaxTensorElements() {
        return this.maxTensorElements;
    }

    public void setMaxTensorElements(long maxTensorElements) {
        this.maxTensorElements = maxTensorElements;
    }

    public Duration getDrainTimeout() {
        return this.drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public Session getSession() {
        return this.session;
    }

    public Batching getBatching() {
        return this.batching;
    }

    public Instances getInstances() {
        return this.instances;
    }

    /** {@code distill4j.inference.session.intra-op-threads} under its former name. */
    @Deprecated(since = "0.1.0")
    @DeprecatedConfigurationProperty(replacement = "distill4j.inference.session.intra-op-threads")
    public int getIntraOpThreads() {
        return this.session.getIntraOpThreads();
    }

    @Deprecated(since = "0.1.0")
    public void setIntraOpThreads(int intraOpThreads) {
        this.session.setIntraOpThreads(intraOpThreads);
    }

    /** {@code distill4j.inference.session.intra-op-spinning} under its former name. */
    @Deprecated(since = "0.1.0")
    @DeprecatedConfigurationProperty(replacement = "distill4j.inference.session.intra-op-spinning")
    public boolean isIntraOpSpinning() {
        return this.session.isIntraOpSpinning();
    }

    @Deprecated(since = "0.1.0")
    public void setIntraOpSpinning(boolean intraOpSpinning) {
        this.session.setIntraOpSpinning(intraOpSpinning);
    }

    /** The settings of every ONNX Runtime session the engine opens ({@link SessionConfig}). */
    public static class Session {

        private static final SessionConfig DEFAULTS = SessionConfig.ofDefaults();

        /** Threads for parallelism inside one operator, 0 to 1024; 0 lets ONNX Runtime choose (one per core). */
        private int intraOpThreads = DEFAULTS.intraOpThreads();

        /** Threads for running independent operators in parallel, 0 to 1024; 0 lets ONNX Runtime choose. */
        private int interOpThreads = DEFAULTS.interOpThreads();

        /**
         * Whether ONNX Runtime's intra-op threads spin while idle: shorter latency for a lone request, but the
         * cores stay busy between runs; turn it off where the gRPC server, clients or other models share few
         * cores.
         */
        private boolean intraOpSpinning = DEFAULTS.intraOpSpinning();

        /** How far ONNX Runtime optimizes each graph before running it. */
        private OptimizationLevel optimizationLevel = DEFAULTS.optimizationLevel();

        /**
         * Execution providers to try, in order of preference, e.g. CUDA,CPU; CPU is always tried last. A model
         * that cannot use a preferred provider runs on the next, with the reason in its descriptor.
         */
        private List<ExecutionProvider> executionProviders = new ArrayList<>(DEFAULTS.executionProviders());

        /** The CUDA device ordinal used when CUDA is among the execution providers. */
        private int cudaDeviceId = DEFAULTS.cudaDeviceId();

        public int getIntraOpThreads() {
            return this.intraOpThreads;
        }

        public void setIntraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
        }

        public int getInterOpThreads() {
            return this.interOpThreads;
        }

        public void setInterOpThreads(int interOpThreads) {
            this.interOpThreads = interOpThreads;
        }

        public boolean isIntraOpSpinning() {
            return this.intraOpSpinning;
        }

        public void setIntraOpSpinning(boolean intraOpSpinning) {
            this.intraOpSpinning = intraOpSpinning;
        }

        public OptimizationLevel getOptimizationLevel() {
            return this.optimizationLevel;
        }

        public void setOptimizationLevel(OptimizationLevel optimizationLevel) {
            this.optimizationLevel = optimizationLevel;
        }

        public List<ExecutionProvider> getExecutionProviders() {
            return this.executionProviders;
        }

        public void setExecutionProviders(List<ExecutionProvider> executionProviders) {
            this.executionProviders = executionProviders;
        }

        public int getCudaDeviceId() {
            return this.cudaDeviceId;
        }

        public void setCudaDeviceId(int cudaDeviceId) {
            this.cudaDeviceId = cudaDeviceId;
        }
    }

    /** The dynamic batcher of each model ({@link BatchingConfig}). */
    public static class Batching {

        private static final BatchingConfig DEFAULTS = BatchingConfig.ofDefaults();

        /** Most requests (texts, or raw requests) coalesced into one run. */
        private int maxBatchSize = DEFAULTS.maxBatchSize();

        /**
         * How long a batch that is not full may wait for more requests, from the arrival of its oldest; 0
         * dispatches at once, so batches form from requests that queue while the model is busy.
         */
        private Duration maxQueueDelay = DEFAULTS.maxQueueDelay();

        /** Requests that may wait per model; one more fails fast as overloaded. */
        private int queueCapacity = DEFAULTS.queueCapacity();

        /**
         * How batch sizes are chosen: adaptive (only as far as batching makes requests cheaper on this machine,
         * calibrated on idle instances once a model serves, refined from live timings), greedy (every waiting request
         * up to the cap), or off.
         */
        private BatchPolicy.Kind policy = DEFAULTS.policy();

        public int getMaxBatchSize() {
            return this.maxBatchSize;
        }

        public void setMaxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
        }

        public Duration getMaxQueueDelay() {
            return this.maxQueueDelay;
        }

        public void setMaxQueueDelay(Duration maxQueueDelay) {
            this.maxQueueDelay = maxQueueDelay;
        }

        public int getQueueCapacity() {
            return this.queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public BatchPolicy.Kind getPolicy() {
            return this.policy;
        }

        public void setPolicy(BatchPolicy.Kind policy) {
            this.policy = policy;
        }
    }

    /** The execution instances of each model ({@link InstanceGroup}). */
    public static class Instances {

        /** Instances running batches side by side, 1 to 64; 0 lets the engine choose (1). */
        private int count = InstanceGroup.ofDefaults().count();

        /** Whether the instances share one session (shared) or each have one (per-instance, threads split). */
        private InstanceGroup.Sessions sessions = InstanceGroup.ofDefaults().sessions();

        public int getCount() {
            return this.count;
        }

        public void setCount(int count) {
            this.count = count;
        }

        public InstanceGroup.Sessions getSessions() {
            return this.sessions;
        }

        public void setSessions(InstanceGroup.Sessions sessions) {
            this.sessions = sessions;
        }
    }
}
