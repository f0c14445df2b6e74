package io.distill4j.spring.metrics;

import java.util.Locale;
import java.util.Objects;

import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code distill4j.distillation.jobs} gauges, one per job state ({@code state=queued|running|succeeded|
 * failed|cancelled}): how many of the {@link Distiller}'s jobs are in it, counted when scraped.
 */
public final class DistillationMetrics implements MeterBinder {

    private final Distiller distiller;

    public DistillationMetrics(Distiller distiller) {
        this.distiller = Objects.requireNonNull(distiller, "distiller");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (JobState state : JobState.values()) {
            Gauge.builder("distill4j.distillation.jobs", this.distiller, distiller -> count(distiller, state))
                .description("Distillation jobs in each state")
                .tag("state", state.name().toLowerCase(Locale.ROOT))
                .register(registry);
        }
    }

    private static double count(Distiller distiller, JobState state) {
        try {
            return distiller.jobs().stream().filter(job -> job.state() == state).count();
        }
        catch (IllegalStateException ex) {
            return 0; // closed with the context
        }
    }
}
