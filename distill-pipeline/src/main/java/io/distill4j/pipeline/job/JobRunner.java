package io.distill4j.pipeline.job;

import java.nio.file.Path;

import io.distill4j.api.distill.DistillationResult;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a queued {@link PipelineJob} on the calling worker thread and ends it with its result or error. A
 * job that succeeds leaves no trial checkpoints behind; one that fails or is cancelled keeps them for the
 * next run of its spec.
 */
public final class JobRunner {

    private static final Logger logger = LoggerFactory.getLogger(JobRunner.class);

    private JobRunner() {
    }

    /** Runs {@code job} unless it was cancelled while queued. Never throws: the job holds the outcome. */
    public static void run(PipelineJob job, DistillerConfig config) {
        if (!job.start()) {
            return;
        }
        Path output = job.spec().output().orElse(config.workDirectory().resolve(PipelineDistiller.JOBS)
                .resolve(job.id()));
        DistillationRun run = new DistillationRun(job, config, output);
        try {
            DistillationResult result = run.run();
            job.succeed(result, run.stage());
            // One line: whoever started the job prints the whole summary (DistillationResult#summary).
            logger.info("Job {} succeeded: {} (report {})", job.id(), result.summary().lines().findFirst().orElse(""),
                    result.files().reportHtml());
        }
        catch (Throwable ex) {
            logger.warn("Job {} ended in {}: {}", job.id(), run.stage(), ex.toString());
            job.fail(ex, run.stage());
            if (ex instanceof Error error && !(ex instanceof AssertionError)) {
                throw error;
            }
        }
    }
}
