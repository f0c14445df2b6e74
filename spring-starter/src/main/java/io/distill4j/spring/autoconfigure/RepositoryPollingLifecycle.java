package io.distill4j.spring.autoconfigure;

import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.polling.RepositoryPoller;
import io.distill4j.engine.polling.RepositoryPollingConfig;

import org.springframework.context.SmartLifecycle;

/**
 * Polls the engine's model repository while the application context runs
 * ({@code distill4j.inference.repository-poll-interval}): a {@link RepositoryPoller} is started when the
 * context starts, once every bean (the engine with its startup models among them) is ready, and closed when
 * it stops, before the engine closes. A context started again gets a fresh poller.
 */
final class RepositoryPollingLifecycle implements SmartLifecycle {

    private final OnnxInferenceEngine engine;

    private final RepositoryPollingConfig config;

    private RepositoryPoller poller;

    RepositoryPollingLifecycle(OnnxInferenceEngine engine, RepositoryPollingConfig config) {
        this.engine = engine;
        this.config = config;
    }

    @Override
    public synchronized void start() {
        if (this.poller == null || !this.poller.isRunning()) {
            this.poller = RepositoryPoller.start(this.engine, this.config);
        }
    }

    @Override
    public synchronized void stop() {
        if (this.poller != null) {
            this.poller.close();
            this.poller = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return this.poller != null && this.poller.isRunning();
    }

    /** The running poller, or null when stopped. */
    synchronized RepositoryPoller poller() {
        return this.poller;
    }

    RepositoryPollingConfig config() {
        return this.config;
    }
}
