package io.distill4j.engine.polling;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Immutable configuration of a {@link RepositoryPoller}:
 *
 * <pre>{@code
 * RepositoryPollingConfig config = RepositoryPollingConfig.builder()
 *     .interval(Duration.ofSeconds(15))
 *     .newModels(name -> true)            // load every model folder that appears ("*")
 *     .build();
 * }</pre>
 */
public final class RepositoryPollingConfig {

    /** The shortest {@link #interval()}: polling more often only repeats directory listings. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /** Default {@link #interval()}: 15 seconds, Triton's {@code --repository-poll-secs} default. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

    private final Duration interval;

    private final Predicate<String> newModels;

    private RepositoryPollingConfig(Builder builder) {
        this.interval = builder.interval;
        this.newModels = builder.newModels;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The polling interval, from the end of one poll to the start of the next. */
    public Duration interval() {
        return this.interval;
    }

    /**
     * Which model folders the poller loads when it finds them not loaded: the rule the server loaded
     * models by at start (its {@code load-on-startup} names, or every model). A model that is loaded is
     * followed whatever its name.
     */
    public Predicate<String> newModels() {
        return this.newModels;
    }

    /** Builder for {@link RepositoryPollingConfig}. */
    public static final class Builder {

        private Duration interval = DEFAULT_INTERVAL;

        private Predicate<String> newModels = name -> false;

        private Builder() {
        }

        /** @param interval at least {@link #MIN_INTERVAL} (1 second) */
        public Builder interval(Duration interval) {
            if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException("pollInterval must be at least " + MIN_INTERVAL.toSeconds()
                        + "s, was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** Which new model folders to load; default none (only loaded models are followed). */
        public Builder newModels(Predicate<String> newModels) {
            this.newModels = Objects.requireNonNull(newModels, "newModels");
            return this;
        }

        public RepositoryPollingConfig build() {
            return new RepositoryPollingConfig(this);
        }
    }
}
