package io.distill4j.spring.actuate;

import java.util.List;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.JobState;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The job runner (the {@link Distiller}): UP with the jobs running and queued and how many may run at once;
 * DOWN once it is closed and accepts no job.
 */
public class DistillerHealthIndicator implements HealthIndicator {

    private final Distiller distiller;

    public DistillerHealthIndicator(Distiller distiller) {
        this.distiller = distiller;
    }

    @Override
    public Health health() {
        List<DistillationJob> jobs = this.distiller.jobs();
        long running = jobs.stream().filter(job -> job.state() == JobState.RUNNING).count();
        long queued = jobs.stream().filter(job -> job.state() == JobState.QUEUED).count();
        Health.Builder health = this.distiller.isClosed() ? Health.down().withDetail("reason", "the distiller is closed")
                : Health.up();
        return health.withDetail("running", running).withDetail("queued", queued)
            .withDetail("concurrency", this.distiller.concurrency()).build();
    }
}
