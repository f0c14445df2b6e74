package io.distill4j.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.distill4j.api.Checks;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.SessionConfig;

/**
 * Immutable configuration of an {@link OnnxInferenceEngine}. Only the model repository is required:
 *
 * <pre>{@code
 * EngineConfig config = EngineConfig.builder()
 *     .modelRepository(Path.of("models"))
 *     .session(SessionConfig.builder().intraOpThreads(2).build())
 *     .batching(BatchingConfig.builder().maxBatchSize(32).build())
 *     .build();
 * }</pre>
 */
public final class EngineConfig {

    /** Default {@link #maxTextBytes()}: 16 KiB of UTF-8 per text. */
    public static final int DEFAULT_MAX_TEXT_BYTES = 16 * 1024;

    /** Default {@link #maxBatchItems()}: texts per request. */
    public static final int DEFAULT_MAX_BATCH_ITEMS = 1024;

    /** Default {@link #maxTensorElements()}: 16 Mi elements (64 MiB of floats) per raw input tensor. */
    public static final long DEFAULT_MAX_TENSOR_ELEMENTS = 16L * 1024 * 1024;

    private final Path modelRepository;

    private final SessionConfig session;

    private final BatchingConfig batching;

    private final InstanceGroup instances;

    private final int maxTextBytes;

    private final int maxBatchItems;

    private final long maxTensorElements;

    private final Duration drainTimeout;

    private final InferenceListener listener;

    private final boolean compatibilityCheck;

    private EngineConfig(Builder b) {
        this.modelRepository = Objects.requireNonNull(b.modelRepository, "modelRepository is required");
        this.session = b.session;
        this.batching = b.batching;
        this.instances = b.instances;
        this.maxTextBytes = b.maxTextBytes;
        this.maxBatchItems = b.maxBatchItems;
        this.maxTensorElements = b.maxTensorElements;
        this.drainTimeout = b.drainTimeout;
        this.listener = b.listener;
        this.compatibilityCheck = b.compatibilityCheck;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Root folder of the model repository. */
    public Path modelRepository() {
        return this.modelRepository;
    }

    /** Settings of every session the engine opens. */
    public SessionConfig session() {
        return this.session;
    }

    /** Dynamic batching of text requests, per model. */
    public BatchingConfig batching() {
        return this.batching;
    }

    /**
     * How many instances each model runs on and whether they share a session; a model's {@code model.json} may say
     * otherwise in its {@code serving} object.
     */
    public InstanceGroup instances() {
        return this.instances;
    }

    /** Largest text accepted, in UTF-8 bytes. */
    public int maxTextBytes() {
        return this.maxTextBytes;
    }

    /** Most texts in one request. */
    public int maxBatchItems() {
        return this.maxBatchItems;
    }

    /** Most elements in one raw input tensor. */
    public long maxTensorElements() {
        return this.maxTensorElements;
    }

    /** How long {@link OnnxInferenceEngine#close()} waits for requests in flight to finish. */
    public Duration drainTimeout() {
        return this.drainTimeout;
    }

    /** Metrics listener. */
    public InferenceListener listener() {
        return this.listener;
    }

    /**
     * Whether the engine checks each model's operators against ONNX Runtime's kernel tables for the
     * session's execution providers when it loads the model ({@code CompatibilityChecker}), refusing an
     * incompatible one with an {@code IncompatibleModelException} unless its {@code model.json} sets
     * {@code allowIncompatible}. Default true; false skips the check for every model.
     */
    public boolean compatibilityCheck() {
        return this.compatibilityCheck;
    }

    /** Builder for {@link EngineConfig}. */
    public static final class Builder {

        private Path modelRepository;

        private SessionConfig session = SessionConfig.ofDefaults();

        private BatchingConfig batching = BatchingConfig.ofDefaults();

        private InstanceGroup instances = InstanceGroup.ofDefaults();

        private int maxTextBytes = DEFAULT_MAX_TEXT_BYTES;

        private int maxBatchItems = DEFAULT_MAX_BATCH_ITEMS;

        private long maxTensorElements = DEFAULT_MAX_TENSOR_ELEMENTS;

        private Duration drainTimeout = Duration.ofSeconds(30);

        private InferenceListener listener = InferenceListener.NONE;

        private boolean compatibilityCheck = true;

        private Builder() {
        }

        /** Required: the root folder of the model repository. */
        public Builder modelRepository(Path root) {
            this.modelRepository = Objects.requireNonNull(root, "modelRepository");
            return this;
        }

        public Builder session(SessionConfig session) {
            this.session = Objects.requireNonNull(session, "session");
            return this;
        }

        public Builder batching(BatchingConfig batching) {
            this.batching = Objects.requireNonNull(batching, "batching");
            return this;
        }

        public Builder instances(InstanceGroup instances) {
            this.instances = Objects.requireNonNull(instances, "instances");
            return this;
        }

        /** @param bytes at least 1 */
        public Builder maxTextBytes(int bytes) {
            this.maxTextBytes = Checks.atLeast(bytes, 1, "maxTextBytes");
            return this;
        }

        /** @param items at least 1 */
        public Builder maxBatchItems(int items) {
            this.maxBatchItems = Checks.atLeast(items, 1, "maxBatchItems");
            return this;
        }

        /** @param elements at least 1 */
        public Builder maxTensorElements(long elements) {
            this.maxTensorElements = Checks.atLeast(elements, 1L, "maxTensorElements");
            return this;
        }

        /** @param timeout zero or positive */
        public Builder drainTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must be zero or positive, was " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        public Builder listener(InferenceListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Whether models are checked for operator compatibility when they load; default true. */
        public Builder compatibilityCheck(boolean enabled) {
            this.compatibilityCheck = enabled;
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(this);
        }
    }
}
