package io.distill4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.pipeline.train.TrainingProgress;

/**
 * Times training steps from StudentTrainer's progress reports: a step lasts from the previous report
 * (of a step or of an epoch's end, which comes after validation) to its own. The first
 * {@code warmupSteps} steps are not timed. Asks to stop once all steps ran.
 */
final class StepClock {

    private final int warmupSteps;

    private final int totalSteps;

    private final List<Double> epochLosses = new ArrayList<>();

    private final List<Long> timedStepNanos = new ArrayList<>();

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private long last;

    private long lastCpu;

    private int steps;

    private long timedNanos;

    private long timedCpuNanos;

    StepClock(int warmupSteps, int totalSteps) {
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    void start() {
        this.last = System.nanoTime();
        this.lastCpu = this.threads.getCurrentThreadCpuTime();
    }

    /** Called on the training thread (StudentTrainer reports on the calling thread). */
    void report(TrainingProgress progress) {
        long now = System.nanoTime();
        long cpu = this.threads.getCurrentThreadCpuTime();
        if (progress.eta().isPresent()) {
            this.steps++;
            if (this.steps > this.warmupSteps) {
                this.timedNanos += now - this.last;
                this.timedStepNanos.add(now - this.last);
                this.timedCpuNanos += cpu - this.lastCpu;
            }
        }
        else {
            this.epochLosses.add(progress.trainLoss());
        }
        this.last = now;
        this.lastCpu = cpu;
    }

    boolean done() {
        return this.steps >= this.totalSteps;
    }

    int timedSteps() {
        return Math.max(0, this.steps - this.warmupSteps);
    }

    long timedNanos() {
        return this.timedNanos;
    }

    /** Each timed step's wall time, in the order the steps ran. */
    List<Long> timedStepNanos() {
        return this.timedStepNanos;
    }

    /** CPU time of the training thread in the timed steps (PyTorch's intra-op workers not included). */
    long timedCpuNanos() {
        return this.timedCpuNanos;
    }

    List<Double> epochLosses() {
        return this.epochLosses;
    }
}
