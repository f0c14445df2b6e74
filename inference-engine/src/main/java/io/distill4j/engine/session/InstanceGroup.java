package io.distill4j.engine.session;

import java.util.Locale;
import java.util.Objects;

/**
 * How many execution instances a model runs on at once, after Triton's instance groups: each instance runs one
 * batch at a time, so a model with two instances runs two batches side by side. The instances either share one
 * ONNX Runtime session (concurrent runs of one session, which ONNX Runtime allows; the weights are held once and
 * the session's intra-op threads serve every run) or each have a session of their own, among which the intra-op
 * thread budget is split (the weights are held once per instance).
 *
 * @param count instances, 1 to {@value #MAX_COUNT}, or {@value #AUTO} for {@link #DEFAULT_COUNT}
 * @param sessions whether the instances share one session
 */
public record InstanceGroup(int count, Sessions sessions) {

    /** A {@link #count()} that leaves the choice to the engine: {@link #DEFAULT_COUNT}. */
    public static final int AUTO = 0;

    /**
     * What {@link #AUTO} resolves to: one instance with the whole thread budget, which batches. Measured on a 2-core
     * Intel Xeon VM (MiniLM, 2 threads; docs/benchmarks.md "Instance groups"): two instances sharing one session
     * lost to one at every concurrency (0.85 x the best peer at 16 callers against 1.16 x), two with a session and one
     * thread each won at 16 callers (1.29 x) but halved a lone caller's throughput (single-thread runs take 2.4 x as
     * long), so several instances are a choice to make per model and machine, with the analyzer's figures.
     */
    public static final int DEFAULT_COUNT = 1;

    /** The most instances of one model. */
    public static final int MAX_COUNT = 64;

    private static final InstanceGroup DEFAULTS = new InstanceGroup(AUTO, Sessions.SHARED);

    public InstanceGroup {
        if (count < AUTO || count > MAX_COUNT) {
            throw new IllegalArgumentException("instances must be between 1 and " + MAX_COUNT + " (or " + AUTO
                    + " for the engine's choice), was " + count);
        }
        Objects.requireNonNull(sessions, "sessions");
    }

    /** {@link #AUTO} instances sharing one session. */
    public static InstanceGroup ofDefaults() {
        return DEFAULTS;
    }

    /** The number of instances to run: {@link #count()}, or {@link #DEFAULT_COUNT} for {@link #AUTO}. */
    public int resolvedCount() {
        return this.count == AUTO ? DEFAULT_COUNT : this.count;
    }

    /** How many sessions the instances use: one when shared, else one each. */
    public int sessionCount() {
        return this.sessions == Sessions.SHARED ? 1 : resolvedCount();
    }

    /**
     * The settings of each session: {@code base} when the instances share one; else {@code base} with its intra-op
     * threads split evenly among the instances (at least one each), the budget being {@code base}'s threads or,
     * where it leaves them to ONNX Runtime, the machine's processors.
     */
    public SessionConfig sessionConfig(SessionConfig base) {
        if (this.sessions == Sessions.SHARED) {
            return base;
        }
        int budget = base.intraOpThreads() > 0 ? base.intraOpThreads() : Runtime.getRuntime().availableProcessors();
        return base.withIntraOpThreads(Math.max(1, budget / resolvedCount()));
    }

    /** The group in a few words, for status and logs. */
    public String describe() {
        int n = resolvedCount();
        return n + (n == 1 ? " instance" : " instances") + (n == 1 ? "" : this.sessions == Sessions.SHARED
                ? " sharing one session" : ", a session each");
    }

    /** Whether the instances of a model share one session. */
    public enum Sessions {

        /** Concurrent runs of one session. */
        SHARED,

        /** A session per instance, the intra-op threads split among them. */
        PER_INSTANCE;

        /** The name as written in configuration: {@code shared}, {@code per-instance}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The value named {@code id}, case-insensitive, {@code _} or {@code -}.
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Sessions fromId(String id) {
            for (Sessions value : values()) {
                if (value.id().equalsIgnoreCase(id.trim().replace('_', '-'))) {
                    return value;
                }
            }
            throw new IllegalArgumentException("must be shared or per-instance, was '" + id + "'");
        }
    }
}
