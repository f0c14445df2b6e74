package io.distill4j.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.distill4j.api.grpc.distill.v1.CancelJobRequest;
import io.distill4j.api.grpc.distill.v1.GetJobRequest;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.JobState;
import io.distill4j.api.grpc.distill.v1.ModelFigures;
import io.distill4j.api.grpc.distill.v1.ProgressEvent;
import io.distill4j.api.grpc.distill.v1.Result;
import io.distill4j.api.grpc.distill.v1.WatchJobRequest;
import io.distill4j.api.grpc.inference.RepositoryModelLoadRequest;
import io.grpc.StatusRuntimeException;

/**
 * Following a job on a server: {@code Watch} into a {@link JobProgress} until it ends (Ctrl-C cancels it on the
 * server when asked to), then its end printed once — state, the student's figures, the registered model and
 * the report — and, optionally, the registered student loaded so that it is served at once.
 */
final class RemoteJobs {

    private final ServerOptions.Connection server;

    private final PrintStream out;

    private final PrintStream err;

    RemoteJobs(ServerOptions.Connection server, PrintStream out, PrintStream err) {
        this.server = server;
        this.out = out;
        this.err = err;
    }

    /**
     * Watches the job to its end and prints it.
     * @param cancelOnExit whether a JVM shutdown (Ctrl-C) while watching asks the server to cancel the job
     * @param serveStudent whether a registered student is then loaded on the server
     * @return {@link ExitCodes#OK} if the job succeeded, {@link ExitCodes#FAILED} otherwise
     */
    int follow(Job job, JobProgress.Mode mode, boolean terminal, boolean cancelOnExit, boolean serveStudent) {
        AtomicBoolean ended = new AtomicBoolean();
        Thread cancel = new Thread(() -> cancel(job.getId(), ended), "distill4j-cancel-on-exit");
        if (cancelOnExit) {
            Runtime.getRuntime().addShutdownHook(cancel);
        }
        try (JobProgress progress = JobProgress.open(mode, job.getName(), this.out, terminal)) {
            // Watch ends after the event of the final state; no deadline, the job takes what it takes.
            Iterator<ProgressEvent> events = this.server.watcher().watch(WatchJobRequest.newBuilder()
                .setId(job.getId()).build());
            while (events.hasNext()) {
                ProgressEvent event = events.next();
                progress.update(event.getState().name(), event.getStage(), event.getStep(), event.getTotalSteps(),
                        event.getFraction(), event.getMetricsMap(), event.getEtaSeconds() >= 0
                                ? Duration.ofSeconds(event.getEtaSeconds()) : null);
            }
        }
        finally {
            ended.set(true);
            if (cancelOnExit) {
                LocalDistillation.removeHook(cancel);
            }
        }
        Job done = this.server.jobs().get(GetJobRequest.newBuilder().setId(job.getId()).build());
        this.out.println("Job " + done.getId() + " " + done.getState());
        if (done.getState() != JobState.SUCCEEDED) {
            if (!done.getError().isEmpty()) {
                this.err.println("error: " + done.getError());
            }
            return ExitCodes.FAILED;
        }
        printResult(done.getResult());
        if (serveStudent && !done.getResult().getRegisteredModel().isEmpty()) {
            String name = done.getResult().getRegisteredModel();
            this.server.inference().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(name)
                .build());
            this.out.println("Serving " + name + " (loaded on the server)");
        }
        return ExitCodes.OK;
    }

    private void printResult(Result result) {
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
        }
        else {
            this.out.println("Registered model: " + result.getRegisteredModel() + " version "
                    + result.getRegisteredVersion());
        }
    }

    /** On JVM shutdown (Ctrl-C) while the job runs: ask the server to cancel it. */
    private void cancel(String id, AtomicBoolean ended) {
        if (ended.get()) {
            return;
        }
        try {
            Job job = this.server.watcher().withDeadlineAfter(5, TimeUnit.SECONDS)
                .cancel(CancelJobRequest.newBuilder().setId(id).build());
            this.err.println(System.lineSeparator() + "Asked the server to cancel job " + id + " (" + job.getState()
                    + "); a running job stops at its next step");
        }
        catch (StatusRuntimeException ex) {
            this.err.println(System.lineSeparator() + "Could not cancel job " + id + ": "
                    + Channels.describe(ex.getStatus()));
        }
    }
}
