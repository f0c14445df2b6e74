package io.distill4j.spring.lifecycle;

import java.time.Duration;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * Takes a closing server out of rotation without dropping a request: what happens, in this order, when its
 * application context closes ({@code SIGTERM} closes it, which is how Kubernetes stops a pod in a rolling update).
 *
 * <ol>
 * <li><b>Readiness goes down</b>, before anything stops accepting: gRPC {@code ServerReady} answers
 * {@code false} and REST {@code GET /v2/health/ready} 503 ({@link ServingGate#drain()}), and Spring Boot's
 * readiness state is {@code REFUSING_TRAFFIC} (a servlet application publishes it itself as it starts to close;
 * otherwise it is published here), so the actuator's readiness group ({@code /actuator/health/readiness}) agrees.
 * Requests are still served; REST inference answers carry {@code Connection: close}, so that kept-alive clients
 * reconnect through their load balancer.</li>
 * <li><b>{@code distill4j.shutdown.delay} passes</b> (0 by default): the time load balancers and Kubernetes'
 * endpoints need to notice, the in-process form of a {@code preStop} sleep.</li>
 * <li><b>New inference requests are refused</b> ({@link ServingGate#refuse()}): a
 * {@link io.distill4j.api.exception.ServerShuttingDownException}, which the bindings' one mapping turns into
 * gRPC {@code UNAVAILABLE} and REST 503 with {@code Retry-After} and {@code {"error": ...}}; nothing of such a
 * request ran, so a client retries it on another replica.</li>
 * <li><b>Requests in flight finish</b>: this waits up to {@code distill4j.inference.drain-timeout} for every
 * admitted inference call to return.</li>
 * </ol>
 *
 * Then Spring stops the servers, each draining what is left of its own: the gRPC server first (its lifecycle
 * phase is {@code Integer.MAX_VALUE}; it stops accepting, waits up to
 * {@code spring.grpc.server.shutdown.grace-period}, then cancels what remains), then the web server
 * ({@code server.shutdown=graceful}, up to {@code spring.lifecycle.timeout-per-shutdown-phase}). Only after every
 * lifecycle has stopped does Spring destroy the beans, so the inference engine closes last, after both servers
 * have drained; it waits up to the drain timeout for any call still inside it, then releases its ONNX Runtime
 * sessions.
 *
 * <p>On {@code SIGTERM} the context is closed by a handler this listener installs (from the context's refresh to
 * its close), before the JVM's shutdown hooks start; then the JVM exits as it would (status 143, the hooks run).
 * ONNX Runtime registers a shutdown hook that releases its native environment, and the JVM runs hooks
 * concurrently, so a close left to Spring Boot's hook could have the environment released under requests still
 * draining, a native crash (see {@code CloseOnSigterm}; {@code distill4j.shutdown.handle-sigterm=false} leaves
 * {@code SIGTERM} to the JVM).
 *
 * <p>Steps 1 to 4 run on the closing thread, when the context publishes its {@link ContextClosedEvent}: that event
 * comes before the lifecycle processor stops anything, and the gRPC server's phase leaves no room for a lifecycle
 * that stops earlier. This listener is ordered first, ahead of the listener that closes a separate management
 * context, so the readiness probe keeps answering (DOWN) during the delay. A context that closes without ever
 * having served is delayed by {@code distill4j.shutdown.delay} too; leave it 0 outside a cluster.
 */
public final class ServingShutdown implements SmartApplicationListener {

    private static final Logger logger = LoggerFactory.getLogger(ServingShutdown.class);

    private final ServingGate gate;

    private final ApplicationContext context;

    private final Duration delay;

    private final Duration drainTimeout;

    private final boolean handleSigterm;

    private volatile ReadinessState readiness;

    private volatile CloseOnSigterm sigterm;

    /**
     * @param gate the gate the bindings consult
     * @param context the context whose close starts the sequence (not a child's)
     * @param delay how long readiness is down before requests are refused, zero or positive
     * @param drainTimeout how long the requests in flight may take to finish, zero or positive
     * @param handleSigterm whether {@code SIGTERM} closes the context before the JVM's shutdown hooks run (from
     *     the context's refresh to its close)
     */
    public ServingShutdown(ServingGate gate, ApplicationContext context, Duration delay, Duration drainTimeout,
            boolean handleSigterm) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.context = Objects.requireNonNull(context, "context");
        this.delay = requireNotNegative(delay, "distill4j.shutdown.delay");
        this.drainTimeout = requireNotNegative(drainTimeout, "distill4j.inference.drain-timeout");
        this.handleSigterm = handleSigterm;
    }

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ContextClosedEvent.class.isAssignableFrom(eventType)
                || ContextRefreshedEvent.class.isAssignableFrom(eventType)
                || AvailabilityChangeEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof AvailabilityChangeEvent<?> change && change.getState() instanceof ReadinessState state) {
            this.readiness = state;
            this.gate.readiness(state == ReadinessState.ACCEPTING_TRAFFIC);
        }
        else if (event instanceof ContextRefreshedEvent refreshed && refreshed.getApplicationContext() == this.context
                && this.handleSigterm && this.sigterm == null
                && this.context instanceof ConfigurableApplicationContext configurable) {
            this.sigterm = CloseOnSigterm.install(configurable);
        }
        else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == this.context) {
            try {
                shutDown();
            }
            finally {
                CloseOnSigterm installed = this.sigterm;
                if (installed != null) {
                    installed.uninstall();
                }
            }
        }
    }

    private void shutDown() {
        this.gate.drain();
        if (this.readiness != ReadinessState.REFUSING_TRAFFIC) {
            AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
        }
        try {
            if (!this.delay.isZero()) {
                logger.info("Shutting down: readiness is down; inference requests are refused in {}", this.delay);
                Thread.sleep(this.delay.toMillis(), this.delay.toNanosPart() % 1_000_000);
            }
            this.gate.refuse();
            int inFlight = this.gate.inFlight();
            logger.info("Shutting down: inference requests are refused; waiting up to {} for {} in flight",
                    this.drainTimeout, inFlight);
            if (!this.gate.awaitIdle(this.drainTimeout)) {
                logger.warn("Shutting down with {} inference requests still in flight after {}; the servers' "
                        + "own grace periods apply", this.gate.inFlight(), this.drainTimeout);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.gate.refuse();
            logger.warn("Shutting down: interrupted while draining; {} inference requests in flight",
                    this.gate.inFlight());
        }
    }

    private static Duration requireNotNegative(Duration value, String property) {
        Objects.requireNonNull(value, property);
        if (value.isNegative()) {
            throw new IllegalArgumentException(property + " must be zero or positive, was " + value);
        }
        return value;
    }
}
