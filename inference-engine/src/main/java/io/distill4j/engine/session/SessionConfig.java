package io.distill4j.engine.session;

import java.util.List;
import java.util.Objects;

import io.distill4j.api.Checks;

/**
 * Immutable settings for the ONNX Runtime sessions the engine opens. Build with {@link #builder()},
 * or take {@link #ofDefaults()}: runtime-chosen thread counts, all graph optimizations, CPU only.
 */
public final class SessionConfig {

    private static final SessionConfig DEFAULTS = builder().build();

    private final int intraOpThreads;

    private final int interOpThreads;

    private final OptimizationLevel optimizationLevel;

    private final List<ExecutionProvider> executionProviders;

    private final int cudaDeviceId;

    private final boolean intraOpSpinning;

    private SessionConfig(Builder b) {
        this.intraOpThreads = b.intraOpThreads;
        this.interOpThreads = b.interOpThreads;
        this.optimizationLevel = b.optimizationLevel;
        this.executionProviders = List.copyOf(b.executionProviders);
        this.cudaDeviceId = b.cudaDeviceId;
        this.intraOpSpinning = b.intraOpSpinning;
    }

    public static SessionConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Threads for parallelism inside one operator; 0 lets ONNX Runtime choose (one per core). */
    public int intraOpThreads() {
        return this.intraOpThreads;
    }

    /** Threads for running independent operators in parallel; 0 lets ONNX Runtime choose. */
    public int interOpThreads() {
        return this.interOpThreads;
    }

    public OptimizationLevel optimizationLevel() {
        return this.optimizationLevel;
    }

    /** Providers to try, in order; CPU is always tried last even when not listed. */
    public List<ExecutionProvider> executionProviders() {
        return this.executionProviders;
    }

    public int cudaDeviceId() {
        return this.cudaDeviceId;
    }

    /**
     * Whether ONNX Runtime's intra-op threads spin while waiting for work (its default). Spinning shortens a
     * lone request's latency; turning it off leaves the cores to other threads between runs (gRPC, clients,
     * another model), which matters on small machines.
     */
    public boolean intraOpSpinning() {
        return this.intraOpSpinning;
    }

    /** These settings on the CPU provider only: what a model whose GPU session failed is reopened with. */
    public SessionConfig onCpu() {
        return toBuilder().executionProviders(ExecutionProvider.CPU).build();
    }

    /**
     * These settings with another intra-op thread count.
     * @param threads 0 (runtime default) up to 1024
     */
    public SessionConfig withIntraOpThreads(int threads) {
        return toBuilder().intraOpThreads(threads).build();
    }

    private Builder toBuilder() {
        return builder().intraOpThreads(this.intraOpThreads).interOpThreads(this.interOpThreads)
            .optimizationLevel(this.optimizationLevel).executionProviders(this.executionProviders)
            .cudaDeviceId(this.cudaDeviceId).intraOpSpinning(this.intraOpSpinning);
    }

    @Override
    public String toString() {
        return "SessionConfig[intraOpThreads=" + this.intraOpThreads + ", interOpThreads=" + this.interOpThreads
                + ", optimizationLevel=" + this.optimizationLevel + ", executionProviders=" + this.executionProviders
                + ", cudaDeviceId=" + this.cudaDeviceId + ", intraOpSpinning=" + this.intraOpSpinning + "]";
    }

    /** Builder for {@link SessionConfig}; every setting is optional. */
    public static final class Builder {

        private int intraOpThreads;

        private int interOpThreads;

        private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;

        private List<ExecutionProvider> executionProviders = List.of(ExecutionProvider.CPU);

        private int cudaDeviceId;

        private boolean intraOpSpinning = true;

        private Builder() {
        }

        /** @param threads 0 (runtime default) up to 1024 */
        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = requireThreads("intraOpThreads", threads);
            return this;
        }

        /** @param threads 0 (runtime default) up to 1024 */
        public Builder interOpThreads(int threads) {
            this.interOpThreads = requireThreads("interOpThreads", threads);
            return this;
        }

        public Builder optimizationLevel(OptimizationLevel level) {
            this.optimizationLevel = Objects.requireNonNull(level, "optimizationLevel");
            return this;
        }

        /** Providers in order of preference, e.g. {@code CUDA, CPU}; must not be empty. */
        public Builder executionProviders(List<ExecutionProvider> providers) {
            if (providers == null || providers.isEmpty()) {
                throw new IllegalArgumentException("executionProviders must name at least one provider");
            }
            this.executionProviders = List.copyOf(providers);
            return this;
        }

        public Builder executionProviders(ExecutionProvider... providers) {
            return executionProviders(List.of(providers));
        }

        /** @param deviceId CUDA device ordinal, {@code >= 0} */
        public Builder cudaDeviceId(int deviceId) {
            this.cudaDeviceId = Checks.atLeast(deviceId, 0, "cudaDeviceId");
            return this;
        }

        /** @param spinning whether intra-op threads spin while idle (ONNX Runtime's default: {@code true}) */
        public Builder intraOpSpinning(boolean spinning) {
            this.intraOpSpinning = spinning;
            return this;
        }

        public SessionConfig build() {
            return new SessionConfig(this);
        }

        private static int requireThreads(String field, int threads) {
            if (threads < 0 || threads > 1024) {
                throw new IllegalArgumentException(field + " must be between 0 (runtime default) and 1024, was " + threads);
            }
            return threads;
        }
    }
}
