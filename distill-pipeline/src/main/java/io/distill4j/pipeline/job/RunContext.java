package io.distill4j.pipeline.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.pipeline.DistillerConfig;

/**
 * What every stage of one job shares: the job, its spec, the distiller's settings, the folder its files go
 * to and the clock it reports through.
 *
 * @param job the running job
 * @param config the distiller's settings
 * @param output the job's output folder
 * @param clock the job's stage clock
 */
record RunContext(PipelineJob job, DistillerConfig config, Path output, StageClock clock) {

    /** The job's id. */
    String id() {
        return this.job.id();
    }

    /** The job's spec. */
    DistillationSpec spec() {
        return this.job.spec();
    }

    /** Whether the job distils text embeddings (else a classifier). */
    boolean embedding() {
        return spec().task() == DistillationTask.TEXT_EMBEDDING;
    }

    /** The task's primary metric: {@code accuracy} or {@code spearman}. */
    String metricName() {
        return spec().task().primaryMetric();
    }

    /** A failure of this job with {@code message}. */
    DistillationException failure(String message) {
        return new DistillationException(id(), message, null);
    }

    /** An engine over {@code repository} with the distiller's threads; the caller closes it. */
    OnnxInferenceEngine openEngine(Path repository) {
        return OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
            .session(SessionConfig.builder().intraOpThreads(this.config.threads()).interOpThreads(1).build())
            .build());
    }

    /** A file in the job's output folder, which exists. */
    Path outputFile(String name) {
        try {
            Files.createDirectories(this.output);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this.output.resolve(name);
    }
}
