package io.distill4j.spring.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServingShutdownTests {

    private final ServingGate gate = new ServingGate();

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void readinessGoesDownThenRequestsAreRefusedThenTheCallsInFlightFinishBeforeAnyBeanIsDestroyed()
            throws Exception {
        GenericApplicationContext context = context(Duration.ZERO);
        context.refresh();
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> this.gate.admit("minilm", () -> {
            running.countDown();
            waitUntilRefusing();
            this.events.add("call finished");
            return null;
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        context.close();
        call.get(10, TimeUnit.SECONDS);
        assertThat(this.events).containsExactly("readiness REFUSING_TRAFFIC, refusing: false", "call finished",
                "engine closed");
        assertThat(this.gate.refusing()).isTrue();
    }

    @Test
    void duringTheDelayTheServerIsNotReadyButStillServes() throws Exception {
        GenericApplicationContext context = context(Duration.ofMinutes(10));
        context.refresh();
        Thread closing = Thread.currentThread();
        CompletableFuture<Object> servedDuringTheDelay = CompletableFuture.supplyAsync(() -> {
            while (this.gate.ready()) {
                Thread.onSpinWait();
            }
            Object answer = this.gate.admit("minilm", () -> "served while not ready");
            // Cut the delay short: an interrupted shutdown refuses at once.
            closing.interrupt();
            return answer;
        });
        try {
            context.close();
        }
        finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept for the rest of the close").isTrue();
        }
        assertThat(servedDuringTheDelay.get(10, TimeUnit.SECONDS)).isEqualTo("served while not ready");
        assertThat(this.gate.refusing()).isTrue();
        assertThat(this.events).containsExactly("readiness REFUSING_TRAFFIC, refusing: false", "engine closed");
    }

    @Test
    void theApplicationsReadinessIsFollowedWhileServing() {
        GenericApplicationContext context = context(Duration.ZERO);
        context.refresh();
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        assertThat(this.gate.ready()).isFalse();
        assertThat(this.gate.refusing()).isFalse();
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(this.gate.ready()).isTrue();
        context.close();
        assertThat(this.gate.ready()).isFalse();
        assertThat(this.gate.refusing()).isTrue();
    }

    @Test
    void aChildContextClosingLeavesTheServerServing() {
        GenericApplicationContext context = context(Duration.ZERO);
        context.refresh();
        GenericApplicationContext child = new GenericApplicationContext();
        child.setParent(context);
        child.refresh();
        child.close();
        assertThat(this.gate.ready()).isTrue();
        assertThat(this.gate.refusing()).isFalse();
        context.close();
        assertThat(this.gate.refusing()).isTrue();
    }

    @Test
    void negativeDurationsAreRefusedNamingTheProperty() {
        GenericApplicationContext context = new GenericApplicationContext();
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ServingShutdown(this.gate, context, Duration.ofSeconds(-1), Duration.ZERO, false))
            .withMessage("distill4j.shutdown.delay must be zero or positive, was PT-1S");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new ServingShutdown(this.gate, context, Duration.ZERO, Duration.ofSeconds(-1), false))
            .withMessageContaining("distill4j.inference.drain-timeout");
    }

    /** A context with the shutdown, a readiness recorder and an "engine" whose close is recorded. */
    private GenericApplicationContext context(Duration delay) {
        GenericApplicationContext context = new GenericApplicationContext();
        context.registerBean(ServingShutdown.class,
                () -> new ServingShutdown(this.gate, context, delay, Duration.ofSeconds(30), false));
        context.registerBean("readinessRecorder", ApplicationListener.class,
                () -> (ApplicationListener<ApplicationEvent>) event -> {
                    if (event instanceof AvailabilityChangeEvent<?> change
                            && change.getState() == ReadinessState.REFUSING_TRAFFIC && this.gate.draining()) {
                        this.events.add("readiness " + change.getState() + ", refusing: " + this.gate.refusing());
                    }
                });
        context.registerBean("engine", AutoCloseable.class, () -> () -> this.events.add("engine closed"));
        return context;
    }

    private void waitUntilRefusing() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!this.gate.refusing() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
