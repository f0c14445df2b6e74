package io.distill4j.spring.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.engine.metrics.InferenceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The engine's measurements as Micrometer meters, tagged by model (and version where it matters):
 *
 * <pre>
 * distill4j.inference.requests         timer (histogram)    model, version, outcome=success|error
 * distill4j.inference.batch.size       summary (histogram)  model
 * distill4j.inference.batch.duration   timer                model
 * distill4j.inference.queue.depth      gauge                model
 * distill4j.inference.rejected         counter              model, reason=overloaded|timeout|unavailable
 * distill4j.process.memory.resident    gauge, bytes         (Linux: the process's resident set, native memory included)
 * </pre>
 *
 * A {@link MeterBinder}, so Spring Boot binds it to its registry; until then (or without one)
 * measurements are dropped. Register it as the engine's {@link InferenceListener}.
 */
public final class InferenceMetrics implements InferenceListener, MeterBinder {

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private volatile MeterRegistry registry;

    private final Map<String, AtomicInteger> queueDepths = new ConcurrentHashMap<>();

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        this.queueDepths.forEach((model, depth) -> queueDepthGauge(registry, model, depth));
        if (residentBytes() >= 0) {
            Gauge.builder("distill4j.process.memory.resident", InferenceMetrics::residentBytes)
                .description("Resident memory of the process (heap, native sessions and buffers)")
                .baseUnit("bytes")
                .register(registry);
        }
    }

    @Override
    public void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
        MeterRegistry meters = this.registry;
        if (meters != null) {
            Timer.builder("distill4j.inference.requests")
                .description("Engine calls, validation and queueing included")
                .tag("model", model.name())
                .tag("version", Long.toString(model.version()))
                .tag("outcome", success ? "success" : "error")
                .publishPercentileHistogram()
                .register(meters)
                .record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onRejected(String modelName, ErrorCode reason) {
        MeterRegistry meters = this.registry;
        if (meters != null) {
            Counter.builder("distill4j.inference.rejected")
                .description("Requests refused or given up without a result (full queue or bulkhead, deadline, "
                        + "open circuit breaker)")
                .tag("model", modelName)
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(meters)
                .increment();
        }
    }

    @Override
    public void onBatch(ModelId model, int batchSize, long runNanos) {
        MeterRegistry meters = this.registry;
        if (meters != null) {
            DistributionSummary.builder("distill4j.inference.batch.size")
                .description("Items per batch the dynamic batcher ran")
                .tag("model", model.name())
                .publishPercentileHistogram()
                .register(meters)
                .record(batchSize);
            Timer.builder("distill4j.inference.batch.duration")
                .description("Run time of one batch")
                .tag("model", model.name())
                .register(meters)
                .record(runNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onQueueDepth(ModelId model, int depth) {
        queueDepth(model.name()).set(depth);
    }

    /**
     * The queue-depth gauge exists from the load on (at 0), not from the first queued request: a model whose lone
     * requests run at once never queues, and an autoscaler reading the series must still find it.
     */
    @Override
    public void onModelLoaded(ModelDescriptor model) {
        queueDepth(model.id().name());
    }

    private AtomicInteger queueDepth(String model) {
        return this.queueDepths.computeIfAbsent(model, name -> {
            AtomicInteger holder = new AtomicInteger();
            MeterRegistry meters = this.registry;
            if (meters != null) {
                queueDepthGauge(meters, name, holder);
            }
            return holder;
        });
    }

    private static void queueDepthGauge(MeterRegistry registry, String model, AtomicInteger depth) {
        Gauge.builder("distill4j.inference.queue.depth", depth, AtomicInteger::get)
            .description("Items queued for the model's batcher, not yet running")
            .tag("model", model)
            .strongReference(true)
            .register(registry);
    }

    /** VmRSS from /proc/self/status in bytes, or -1 where there is no such file (not Linux). */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(PROC_STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String kilobytes = line.substring("VmRSS:".length()).replace("kB", "").trim();
                    return Long.parseLong(kilobytes) * 1024.0;
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            // Not Linux, or a format we do not know: no gauge.
        }
        return -1;
    }

    @Override
    public String toString() {
        return "InferenceMetrics[" + (this.registry != null ? "bound" : "unbound") + "]";
    }
}
