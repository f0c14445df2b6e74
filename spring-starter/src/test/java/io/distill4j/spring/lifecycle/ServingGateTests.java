package io.distill4j.spring.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.ServerShuttingDownException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ServingGateTests {

    @Test
    void aNewGateIsReadyAndAdmitsCalls() {
        ServingGate gate = new ServingGate();
        assertThat(gate.ready()).isTrue();
        assertThat(gate.draining()).isFalse();
        assertThat(gate.admit("minilm", () -> "ran")).isEqualTo("ran");
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void readinessFollowsTheApplicationWhileServingButNotOnceDraining() {
        ServingGate gate = new ServingGate();
        gate.readiness(false);
        assertThat(gate.ready()).isFalse();
        assertThat(gate.admit("minilm", () -> "ran")).as("not ready is not refusing").isEqualTo("ran");
        gate.readiness(true);
        assertThat(gate.ready()).isTrue();
        gate.drain();
        gate.readiness(true);
        assertThat(gate.ready()).isFalse();
        assertThat(gate.admit("minilm", () -> "ran")).as("a draining gate still admits").isEqualTo("ran");
    }

    @Test
    void aRefusingGateRefusesWithoutRunningTheCall() {
        ServingGate gate = new ServingGate();
        gate.refuse();
        AtomicInteger ran = new AtomicInteger();
        assertThatExceptionOfType(ServerShuttingDownException.class)
            .isThrownBy(() -> gate.admit("minilm", ran::incrementAndGet))
            .satisfies(ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE))
            .satisfies(ex -> assertThat(ex.subject()).hasValue("minilm"))
            .withMessageContaining("shutting down");
        assertThat(ran).hasValue(0);
        assertThat(gate.ready()).isFalse();
        assertThat(gate.draining()).isTrue();
    }

    @Test
    void awaitIdleWaitsForTheCallsAdmittedBeforeTheRefusal() throws Exception {
        ServingGate gate = new ServingGate();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> gate.admit("minilm", () -> {
            running.countDown();
            await(release);
            return "finished";
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.awaitIdle(Duration.ZERO)).as("not refusing yet").isFalse();
        gate.refuse();
        assertThat(gate.inFlight()).isEqualTo(1);
        assertThat(gate.awaitIdle(Duration.ofMillis(50))).as("the call still runs").isFalse();
        release.countDown();
        assertThat(gate.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void aFailingCallLeavesTheCountToo() throws Exception {
        ServingGate gate = new ServingGate();
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> gate.admit("minilm", () -> {
            throw new IllegalStateException("boom");
        }));
        gate.refuse();
        assertThat(gate.awaitIdle(Duration.ZERO)).isTrue();
    }

    @Test
    void underConcurrentCallsEveryCallIsEitherRefusedOrRunToItsEnd() throws Exception {
        ServingGate gate = new ServingGate();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        try {
            // Each worker calls until it is refused once.
            for (int t = 0; t < threads; t++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    while (true) {
                        try {
                            gate.admit("minilm", () -> {
                                started.incrementAndGet();
                                Thread.onSpinWait();
                                return finished.incrementAndGet();
                            });
                        }
                        catch (ServerShuttingDownException ex) {
                            refused.incrementAndGet();
                            return;
                        }
                    }
                }, pool));
            }
            while (started.get() < 1000) {
                Thread.onSpinWait();
            }
            gate.refuse();
            assertThat(gate.awaitIdle(Duration.ofSeconds(10))).isTrue();
            int finishedWhenIdle = finished.get();
            assertThat(started.get()).as("every admitted call had returned when idle").isEqualTo(finishedWhenIdle);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(finished.get()).as("nothing admitted after the refusal").isEqualTo(finishedWhenIdle);
            assertThat(refused.get()).isEqualTo(threads);
        }
        finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
