package io.distill4j.spring.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.exception.Distill4jException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code distillations} endpoint: the {@link Distiller}'s jobs.
 *
 * <pre>
 * GET    /actuator/distillations        every job, newest first: state, stage, progress
 * GET    /actuator/distillations/{id}   one job, with its result (registered model, report files) once it succeeded
 * DELETE /actuator/distillations/{id}   cancel it (a queued job never starts, a running one stops at its next check)
 * </pre>
 *
 * Jobs are submitted in code or over gRPC ({@code DistillationService.Submit}); an unknown id answers 404.
 */
@Endpoint(id = "distillations")
public class DistillationsEndpoint {

    private final Distiller distiller;

    public DistillationsEndpoint(Distiller distiller) {
        this.distiller = distiller;
    }

    /** Every job this distiller knows, newest first. */
    @ReadOperation
    public Jobs jobs() {
        return new Jobs(this.distiller.jobs().stream().map(DistillationsEndpoint::describe).toList());
    }

    /** One job; {@code null} (404 over HTTP) if unknown. */
    @ReadOperation
    public @Nullable Job job(@Selector String id) {
        return this.distiller.job(id).map(DistillationsEndpoint::describe).orElse(null);
    }

    /** Cancels a job (idempotent); {@code null} (404 over HTTP) if unknown. */
    @DeleteOperation
    public @Nullable Job cancel(@Selector String id) {
        return this.distiller.job(id).map(job -> {
            job.cancel();
            return describe(job);
        }).orElse(null);
    }

    static Job describe(DistillationJob job) {
        ProgressEvent progress = job.progress();
        JobState state = job.state();
        return new Job(job.id(), job.spec().name(), state.name(), progress.stage().name(), progress.fraction(),
                progress.message(), progress.metrics(), progress.time(),
                state == JobState.SUCCEEDED ? result(job) : null, state == JobState.FAILED ? failure(job) : null);
    }

    private static @Nullable Result result(DistillationJob job) {
        try {
            DistillationResult result = job.await(java.time.Duration.ZERO);
            DistillationResult.Files files = result.files();
            return new Result(result.registeredModel().orElse(null),
                    result.registeredVersion().isPresent() ? result.registeredVersion().getAsLong() : null,
                    result.metric(), result.studentInt8().metric(), result.teacher().metric(), result.gatesPassed(),
                    files.reportHtml().toUri().toString(), files.reportJson().toUri().toString(),
                    files.studentInt8().toString());
        }
        catch (Distill4jException ex) {
            return null;
        }
    }

    private static @Nullable String failure(DistillationJob job) {
        try {
            job.await(java.time.Duration.ZERO);
            return null;
        }
        catch (Distill4jException ex) {
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            return cause.getMessage();
        }
    }

    /**
     * The jobs.
     * @param jobs newest first
     */
    public record Jobs(List<Job> jobs) implements OperationResponseBody {
    }

    /**
     * One job.
     * @param id the job id
     * @param name the spec's name
     * @param state {@code QUEUED}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED}
     * @param stage the stage running, or the last one run
     * @param progress the whole job's progress, 0 to 1
     * @param message the latest progress line
     * @param metrics the latest figures (loss, validation metric, ...)
     * @param updated when the latest event was made
     * @param result what a succeeded job produced, else {@code null}
     * @param error why a failed job failed, else {@code null}
     */
    public record Job(String id, String name, String state, String stage, double progress, String message,
            Map<String, Double> metrics, Instant updated, @Nullable Result result, @Nullable String error)
            implements OperationResponseBody {
    }

    /**
     * A succeeded job's outcome.
     * @param model the model name the student was registered under, if it was
     * @param version its version in the repository
     * @param metric the metric compared
     * @param student the served (INT8) student's value of it
     * @param teacher the teacher's value of it
     * @param gatesPassed whether every quality gate passed
     * @param report the HTML report ({@code file:} URI)
     * @param reportJson the JSON report ({@code file:} URI)
     * @param studentFile the INT8 student's ONNX file
     */
    public record Result(@Nullable String model, @Nullable Long version, String metric, double student, double teacher,
            boolean gatesPassed, String report, String reportJson, String studentFile) {
    }
}
