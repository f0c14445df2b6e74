package io.distill4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import io.distill4j.api.grpc.distill.v1.CancelJobRequest;
import io.distill4j.api.grpc.distill.v1.GetJobRequest;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.ListJobsRequest;
import io.distill4j.api.grpc.distill.v1.ListJobsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code distill4j jobs list|watch|cancel}: the distillation jobs of a running server (admin calls). */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "The distillation jobs of a running server (admin calls: --token).",
        subcommands = { JobsCommand.List.class, JobsCommand.Watch.class, JobsCommand.Cancel.class },
        footer = { "", ExitCodes.HELP })
final class JobsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw Distill4jCli.missingCommand(this.spec);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per job: id, name, state, "
            + "stage, progress, and the error of a failed one.")
    static final class List implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                ListJobsResponse jobs = connection.jobs().list(ListJobsRequest.getDefaultInstance());
                if (jobs.getJobsCount() == 0) {
                    System.out.println("No jobs");
                    return ExitCodes.OK;
                }
                System.out.printf(Locale.ROOT, "%-28s %-24s %-10s %-12s %5s  %s%n", "ID", "NAME", "STATE", "STAGE",
                        "DONE", "ERROR");
                for (Job job : jobs.getJobsList()) {
                    System.out.printf(Locale.ROOT, "%-28s %-24s %-10s %-12s %4d%%  %s%n", job.getId(), job.getName(),
                            job.getState(), job.getProgress().getStage(),
                            Math.round(job.getProgress().getFraction() * 100), job.getError());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow a job to its end with its "
            + "progress, then print its result; exit status 1 unless it succeeded.")
    static final class Watch implements Callable<Integer> {

        @Parameters(paramLabel = "id", description = "The job's id (see jobs list).")
        String id;

        @Mixin
        ProgressOption progress;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                Job job = connection.jobs().get(GetJobRequest.newBuilder().setId(this.id).build());
                return new RemoteJobs(connection, System.out, System.err).follow(job, this.progress.mode,
                        ProgressOption.terminal(), false, false);
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job: a queued one never "
            + "starts, a running one stops at its next step.")
    static final class Cancel implements Callable<Integer> {

        @Parameters(paramLabel = "id", description = "The job's id (see jobs list).")
        String id;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            try (ServerOptions.Connection connection = this.server.connect()) {
                Job job = connection.jobs().cancel(CancelJobRequest.newBuilder().setId(this.id).build());
                System.out.println("Job " + job.getId() + " " + job.getState());
                return ExitCodes.OK;
            }
        }
    }
}
