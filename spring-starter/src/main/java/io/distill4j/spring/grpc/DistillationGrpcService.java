package io.distill4j.spring.grpc;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.grpc.distill.v1.CancelJobRequest;
import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.distill.v1.GetJobRequest;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.ListJobsRequest;
import io.distill4j.api.grpc.distill.v1.ListJobsResponse;
import io.distill4j.api.grpc.distill.v1.ProgressEvent;
import io.distill4j.api.grpc.distill.v1.SubmitRequest;
import io.distill4j.api.grpc.distill.v1.WatchJobRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * {@code distill4j.distill.v1.DistillationService} over a {@link Distiller}: a thin adapter. Paths in a
 * submitted spec must lie under the allowed roots (see {@link DistillationMessages}). {@code Watch} sends
 * the job's current state first (so a client that reconnects catches up), then every event, and completes
 * after the event of the final state; a client that goes away stops receiving without affecting the job.
 */
public class DistillationGrpcService extends DistillationServiceGrpc.DistillationServiceImplBase {

    private final Distiller distiller;

    private final DistillationMessages messages;

    /**
     * @param distiller runs the jobs
     * @param roots the folders a spec's paths may name (data, teacher files); relative paths resolve against
     * the first
     */
    public DistillationGrpcService(Distiller distiller, List<Path> roots) {
        this.distiller = Objects.requireNonNull(distiller, "distiller");
        this.messages = new DistillationMessages(roots);
    }

    @Override
    public void submit(SubmitRequest request, StreamObserver<Job> response) {
        GrpcStatusMapper.unary(response, () -> {
            if (!request.hasSpec()) {
                throw new io.distill4j.api.exception.InvalidInputException(null, "spec", "is required");
            }
            return DistillationMessages.job(this.distiller.submit(this.messages.toSpec(request.getSpec())));
        });
    }

    @Override
    public void get(GetJobRequest request, StreamObserver<Job> response) {
        GrpcStatusMapper.unary(response, () -> DistillationMessages.job(find(request.getId())));
    }

    @Override
    public void list(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
        // Distiller.jobs() lists newest first already.
        GrpcStatusMapper.unary(response, () -> ListJobsResponse.newBuilder().addAllJobs(this.distiller.jobs().stream()
            .map(DistillationMessages::job).toList()).build());
    }

    @Override
    public void cancel(CancelJobRequest request, StreamObserver<Job> response) {
        GrpcStatusMapper.unary(response, () -> {
            DistillationJob job = find(request.getId());
            job.cancel();
            return DistillationMessages.job(job);
        });
    }

    @Override
    public void watch(WatchJobRequest request, StreamObserver<ProgressEvent> response) {
        DistillationJob job;
        try {
            job = find(request.getId());
        }
        catch (RuntimeException ex) {
            response.onError(GrpcStatusMapper.toException(ex));
            return;
        }
        Object lock = new Object();
        boolean[] done = {false};
        DistillationJob.Subscription subscription = job.subscribe(event -> {
            synchronized (lock) {
                if (done[0]) {
                    return;
                }
                try {
                    response.onNext(DistillationMessages.event(event));
                    if (event.state().isTerminal()) {
                        done[0] = true;
                        response.onCompleted();
                    }
                }
                catch (RuntimeException ex) {
                    // The client went away: stop sending; the job is not affected.
                    done[0] = true;
                }
            }
        });
        if (response instanceof ServerCallStreamObserver<ProgressEvent> server) {
            server.setOnCancelHandler(() -> {
                synchronized (lock) {
                    done[0] = true;
                }
                subscription.close();
            });
            if (server.isCancelled()) {
                subscription.close();
            }
        }
    }

    private DistillationJob find(String id) {
        if (id.isEmpty()) {
            throw new io.distill4j.api.exception.InvalidInputException(null, "id", "must name a job");
        }
        return this.distiller.job(id).orElseThrow(() -> Status.NOT_FOUND
            .withDescription("no distillation job '" + id + "'").asRuntimeException());
    }
}
