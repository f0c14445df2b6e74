package io.distill4j.samples.grpcclients;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.distill.v1.CancelJobRequest;
import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.distill.v1.DistillationSpec;
import io.distill4j.api.grpc.distill.v1.GetJobRequest;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.JobState;
import io.distill4j.api.grpc.distill.v1.ModelFigures;
import io.distill4j.api.grpc.distill.v1.ProgressEvent;
import io.distill4j.api.grpc.distill.v1.Result;
import io.distill4j.api.grpc.distill.v1.SubmitRequest;
import io.distill4j.api.grpc.distill.v1.WatchJobRequest;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.RepositoryModelLoadRequest;
import io.distill4j.spring.spec.DistillationSpecFileException;
import io.distill4j.spring.spec.DistillationSpecFiles;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

/**
 * Submits a distillation spec file (YAML, see {@link DistillationSpecFiles}) to the platform server's
 * distillation service, follows the job with {@code Watch} and a progress bar, and prints its end: the
 * final state, the student's figures, the registered model and the report. A student that succeeded and
 * was registered is then loaded on the server ({@code RepositoryModelLoad}), so it is served at once.
 * Ctrl-C cancels the job on the server.
 *
 * <pre>
 * mvn -q -Pdistill-client -DskipTests verify -Dclient.args="--token $ADMIN_TOKEN samples/specs/intents.yaml"
 * </pre>
 *
 * The distillation service is an admin surface: {@code --token} is the server's
 * {@code distill4j.security.admin.token}, and the spec's paths are paths on the server, under its
 * {@code distill4j.distill.data-roots} (relative ones resolve against the first). Options: {@code --target
 * host:port} (default localhost:9090), {@code --token} (required), {@code --deadline-ms} (for each call
 * but {@code Watch}, which lasts as long as the job). Exit status: 0 when the job succeeded, 1 when it
 * failed or was cancelled or a call failed, 2 for a usage error or an invalid spec file.
 */
public final class DistillClient {

    private static final String USAGE = """
            usage: DistillClient --token admin-token [--target host:port] [--deadline-ms n] spec.yaml
              --token        the server's admin bearer token (distill4j.security.admin.token)
              --target       the server (default localhost:9090)
              --deadline-ms  how long each call but Watch may take
              spec.yaml      a distillation spec: the distill4j.distill.v1.DistillationSpec message as YAML;
                             its paths are paths on the server, under distill4j.distill.data-roots
            """;

    private DistillClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the client: submit, watch, report. While it watches, a JVM shutdown (Ctrl-C) cancels the job.
     * @return the exit status: 0 if the job succeeded, 1 if it failed, was cancelled or a call failed, 2 for
     * a usage error or an invalid spec file
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ClientOptions options;
        long deadline;
        DistillationSpec spec;
        ManagedChannel channel;
        try {
            options = ClientOptions.parse(args, Set.of("--target", "--token", "--deadline-ms"));
            deadline = options.positive("--deadline-ms", TimeUnit.DAYS.toMillis(1)).orElse(0L);
            if (options.value("--token").isEmpty()) {
                throw new InvalidInputException(null, "--token", "is required: the distillation service is an admin "
                        + "method (the server's distill4j.security.admin.token)");
            }
            if (options.positional().size() != 1) {
                throw new InvalidInputException(null, "spec.yaml", "give exactly one spec file, got "
                        + options.positional().size() + " arguments");
            }
            spec = DistillationSpecFiles.read(Path.of(options.positional().get(0)));
            channel = Channels.open(options.value("--target", InferClient.DEFAULT_TARGET));
        }
        catch (DistillationSpecFileException ex) {
            err.println("error: " + ex.getMessage());
            return 2;
        }
        catch (InvalidInputException ex) {
            err.println("error: " + ex.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            return new Session(channel, Channels.bearer(options.value("--token").get()), deadline, out, err).run(spec);
        }
        catch (StatusRuntimeException ex) {
            Channels.print(ex.getStatus(), err);
            return 1;
        }
        finally {
            Channels.close(channel);
        }
    }

    /** One submitted job, from Submit to its end. */
    private static final class Session {

        private final DistillationServiceGrpc.DistillationServiceBlockingStub jobs;

        private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub repository;

        private final long deadline;

        private final PrintStream out;

        private final PrintStream err;

        Session(ManagedChannel channel, ClientInterceptor token, long deadline, PrintStream out, PrintStream err) {
            this.jobs = DistillationServiceGrpc.newBlockingStub(channel).withInterceptors(token);
            this.repository = GRPCInferenceServiceGrpc.newBlockingStub(channel).withInterceptors(token);
            this.deadline = deadline;
            this.out = out;
            this.err = err;
        }

        int run(DistillationSpec spec) {
            Job job = unary().submit(SubmitRequest.newBuilder().setSpec(spec).build());
            this.out.println("Submitted distillation job " + job.getId() + " (" + job.getName() + ")");
            AtomicBoolean ended = new AtomicBoolean();
            Thread cancelOnExit = new Thread(() -> cancel(job.getId(), ended), "distill-client-cancel");
            Runtime.getRuntime().addShutdownHook(cancelOnExit);
            try {
                watch(job);
            }
            finally {
                ended.set(true);
                removeHook(cancelOnExit);
            }
            Job done = unary().get(GetJobRequest.newBuilder().setId(job.getId()).build());
            this.out.println("Job " + done.getId() + " " + done.getState());
            if (done.getState() != JobState.SUCCEEDED) {
                if (!done.getError().isEmpty()) {
                    this.err.println("error: " + done.getError());
                }
                return 1;
            }
            return succeeded(done.getResult());
        }

        private void watch(Job job) {
            try (JobProgressBar bar = JobProgressBar.start(job.getName(), this.out)) {
                // Watch ends after the event of the final state; no deadline, the job takes what it takes.
                Iterator<ProgressEvent> events = this.jobs.watch(WatchJobRequest.newBuilder().setId(job.getId())
                    .build());
                while (events.hasNext()) {
                    ProgressEvent event = events.next();
                    bar.update(event.getState().name(), event.getStage(), event.getStep(), event.getTotalSteps(),
                            event.getFraction(), event.getMetricsMap(), event.getEtaSeconds());
                }
            }
        }

        private int succeeded(Result result) {
            this.out.printf(Locale.ROOT, "%s: teacher %.4f, student fp32 %.4f, student int8 %.4f (%d parameters); "
                    + "gates %s%n", result.getMetric(), result.getTeacher().getMetric(),
                    result.getStudentFp32().getMetric(), result.getStudentInt8().getMetric(),
                    result.getStudentInt8().getParameters(), result.getGatesPassed() ? "passed" : "not passed");
            ModelFigures int8 = result.getStudentInt8();
            this.out.printf(Locale.ROOT, "student int8: %.1f KiB, p50 %.2f ms%n", int8.getFileBytes() / 1024.0,
                    int8.getP50LatencyMillis());
            this.out.println("Report: " + result.getReportPath());
            if (result.getRegisteredModel().isEmpty()) {
                this.out.println("Not registered (the spec names no 'register')");
                return 0;
            }
            this.out.println("Registered model: " + result.getRegisteredModel() + " version "
                    + result.getRegisteredVersion());
            unaryRepository().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                .setModelName(result.getRegisteredModel()).build());
            this.out.println("Serving " + result.getRegisteredModel() + " (loaded on the server)");
            return 0;
        }

        /** On JVM shutdown (Ctrl-C) while the job runs: ask the server to cancel it. */
        private void cancel(String id, AtomicBoolean ended) {
            if (ended.get()) {
                return;
            }
            try {
                Job job = this.jobs.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .cancel(CancelJobRequest.newBuilder().setId(id).build());
                this.err.println(System.lineSeparator() + "Asked the server to cancel job " + id + " (" + job.getState()
                        + "); a running job stops at its next step");
            }
            catch (StatusRuntimeException ex) {
                this.err.print(System.lineSeparator() + "Could not cancel job " + id + ": ");
                Channels.print(ex.getStatus(), this.err);
            }
        }

        private static void removeHook(Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (IllegalStateException ex) {
                // The JVM is shutting down: the hook runs (and sees the job ended).
            }
        }

        private DistillationServiceGrpc.DistillationServiceBlockingStub unary() {
            return this.deadline > 0 ? this.jobs.withDeadlineAfter(this.deadline, TimeUnit.MILLISECONDS) : this.jobs;
        }

        private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub unaryRepository() {
            return this.deadline > 0 ? this.repository.withDeadlineAfter(this.deadline, TimeUnit.MILLISECONDS)
                    : this.repository;
        }
    }
}
