package io.distill4j.spring.actuate;

import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;

/** A {@link Distiller} that knows a fixed list of jobs, runs none, and remembers whether it was closed. */
final class FakeDistiller implements Distiller {

    private final List<DistillationJob> jobs;

    private boolean closed;

    FakeDistiller(List<DistillationJob> jobs) {
        this.jobs = jobs;
    }

    @Override
    public DistillationResult distill(DistillationSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public DistillationJob submit(DistillationSpec spec) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<DistillationJob> job(String id) {
        return this.jobs.stream().filter(job -> job.id().equals(id)).findFirst();
    }

    @Override
    public List<DistillationJob> jobs() {
        return this.jobs;
    }

    @Override
    public int concurrency() {
        return 3;
    }

    @Override
    public boolean isClosed() {
        return this.closed;
    }

    @Override
    public void close() {
        this.closed = true;
    }
}
