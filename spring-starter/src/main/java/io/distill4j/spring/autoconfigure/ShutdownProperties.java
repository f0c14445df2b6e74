package io.distill4j.spring.autoconfigure;

import java.time.Duration;

import io.distill4j.spring.lifecycle.ServingShutdown;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a serving application leaves ({@code distill4j.shutdown.*}); the whole sequence is described on
 * {@link ServingShutdown}. Requests in flight get up to {@code distill4j.inference.drain-timeout} to finish.
 *
 * <pre>
 * distill4j.shutdown.delay=5s     # on Kubernetes: readiness down 5 s before requests are refused
 * </pre>
 */
@ConfigurationProperties("distill4j.shutdown")
public class ShutdownProperties {

    /**
     * How long readiness reports the server down, while it still serves, before new inference requests are
     * refused: the time load balancers need to stop sending (Kubernetes' preStop sleep). 0 for plain runs.
     */
    private Duration delay = Duration.ofSeconds(0);

    /**
     * Whether SIGTERM closes the application context (this sequence, the servers, the engine) before the JVM's
     * shutdown hooks run, then exits as the JVM would (status 143). ONNX Runtime's own hook releases its native
     * environment concurrently with the others; left to the JVM, a SIGTERM under load can crash it in native code.
     */
    private boolean handleSigterm = true;

    public Duration getDelay() {
        return this.delay;
    }

    public void setDelay(Duration delay) {
        this.delay = delay;
    }

    public boolean isHandleSigterm() {
        return this.handleSigterm;
    }

    public void setHandleSigterm(boolean handleSigterm) {
        this.handleSigterm = handleSigterm;
    }
}
