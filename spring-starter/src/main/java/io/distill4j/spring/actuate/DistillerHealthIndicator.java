package io.distill4j.spring.actuate;

import java.util.List;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.JobState;
import io.distill4j.pipeline.PipelineDistiller;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The job runner (the {@link Distiller}): UP with the jobs running and queued; DOWN once it is closed and
 * accepts no job.
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
        boolean closed = this.distiller instanceof PipelineDistiller pipeline && pipeline.isClosed();
        Health.Builder health = closed ? Health.down().withDetail("reason", "the distiller is closed") : Health.up();
        health.withDetail("running", running).withDetail("queued", queued);
        if (this.distiller instanceof PipelineDistiller pipeline) {
            health.withDetail("concurrency", pipeline.config().concurrency());
        }
        return health.build();
    }
}
