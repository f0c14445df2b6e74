package io.distill4j.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.exception.TransientException;
import io.distill4j.pipeline.job.JobRunner;
import io.distill4j.pipeline.job.PipelineJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Distiller} of this module: jobs run on a pool of {@link DistillerConfig#concurrency()}
 * worker threads, each through every stage of the pipeline (data, teacher into the soft-target cache,
 * teacher closed, tuning and training on DJL's PyTorch engine, ONNX export with a parity check, INT8
 * with an accuracy gate, compatibility check, report, registration).
 *
 * <pre>{@code
 * try (PipelineDistiller distiller = new PipelineDistiller(DistillerConfig.builder(Path.of("work")).build())) {
 *     DistillationResult result = distiller.distill(DistillationSpec.builder()
 *             .teacher(TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"), Path.of("minilm/tokenizer.json")))
 *             .data(DataSpec.tsv(Path.of("banking77/train.tsv")).test(Path.of("banking77/test.tsv")))
 *             .gate(QualityGate.relativeToTeacher(0.97))
 *             .build());
 *     System.out.println(result.summary());
 * }
 * }</pre>
 *
 * <p><b>Resume.</b> Every training trial writes a checkpoint after each epoch to {@code
 * <workDirectory>/checkpoints/<key>/}, the key a hash of what the trial trains: the data as the student
 * sees it (tokens, labels, the teacher's soft targets), the student's shape and the training settings
 * (epochs, batch size, learning rate, temperature, alpha, seed). A job killed with its process, or
 * cancelled, can be run again: the same spec on the same data with the same settings and work and cache
 * directories (in a new process or this one) takes the teacher's outputs from the soft-target cache,
 * takes each finished trial's result from its checkpoint, continues an interrupted trial from its last
 * epoch (its progress says {@code "trial 3 of 8: ..., resumed at epoch 4 of 9"}), and ends with the
 * result of an uninterrupted run with the same seed, bit for bit on the same machine and thread settings
 * (unless the time budget cuts either search short).
 * The checkpoints are for crash recovery only: a job deletes its own when it succeeds and keeps them when
 * it fails or is cancelled; deleting {@code <workDirectory>/checkpoints} while no job runs is safe.
 *
 * <p>Job ids are {@code <spec name>-<n>}, unique in the work directory across restarts: each id is reserved by
 * creating its folder {@code <workDirectory>/jobs/<id>} (atomically; an id whose folder exists, from this process
 * or an earlier one, is never given again), so a job never writes into another job's folder and the files behind
 * a registered student stay as they were. A job's files go to that folder, or to the spec's output folder.
 * Thread-safe. {@link #close()} cancels every job that has not ended and waits for the workers to stop; afterwards
 * {@link #submit} is refused.
 */
public final class PipelineDistiller implements Distiller {

    private static final Logger logger = LoggerFactory.getLogger(PipelineDistiller.class);

    /** The folder of the work directory holding one folder per job: {@code jobs}. */
    public static final String JOBS = "jobs";

    /** How long {@link #close()} waits for running jobs to notice their cancellation. */
    static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(2);

    private final DistillerConfig config;

    private final ExecutorService workers;

    private final Map<String, PipelineJob> jobs = new ConcurrentHashMap<>();

    private final List<PipelineJob> order = Collections.synchronizedList(new ArrayList<>());

    private final AtomicLong sequence = new AtomicLong();

    private final AtomicBoolean closed = new AtomicBoolean();

    private final Clock clock;

    public PipelineDistiller(DistillerConfig config) {
        this(config, Clock.systemUTC());
    }

    PipelineDistiller(DistillerConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "distill4j-job-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The settings. */
    public DistillerConfig config() {
        return this.config;
    }

    @Override
    public int concurrency() {
        return this.config.concurrency();
    }

    /** Whether {@link #close()} was called: no job is accepted and the workers are stopping or stopped. */
    @Override
    public boolean isClosed() {
        return this.closed.get();
    }

    @Override
    public DistillationResult distill(DistillationSpec spec) {
        DistillationJob job = submit(spec);
        try {
            return job.await();
        }
        catch (TransientException ex) {
            if (Thread.currentThread().isInterrupted()) {
                job.cancel();
            }
            throw ex;
        }
    }

    @Override
    public DistillationJob submit(DistillationSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (this.closed.get()) {
            throw new IllegalStateException("The distiller is closed");
        }
        String id = reserveId(spec.name());
        PipelineJob job = new PipelineJob(id, spec, this.clock);
        this.jobs.put(id, job);
        this.order.add(job);
        this.workers.execute(() -> JobRunner.run(job, this.config));
        logger.info("Job {} queued: {}", id, spec.name());
        return job;
    }

    /**
     * The next free {@code <name>-<n>}, reserved by creating {@code <workDirectory>/jobs/<name>-<n>}.
     *
     * @throws UncheckedIOException if the jobs folder cannot be written (naming it)
     */
    private String reserveId(String name) {
        Path jobs = this.config.workDirectory().resolve(JOBS);
        try {
            Files.createDirectories(jobs);
            while (true) {
                String id = name + "-" + this.sequence.incrementAndGet();
                try {
                    Files.createDirectory(jobs.resolve(id));
                    return id;
                }
                catch (FileAlreadyExistsException taken) {
                    // An earlier process's job: skip its number.
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot reserve a job folder in " + jobs, ex);
        }
    }

    @Override
    public Optional<DistillationJob> job(String id) {
        return Optional.ofNullable(this.jobs.get(id));
    }

    @Override
    public List<DistillationJob> jobs() {
        List<DistillationJob> newestFirst;
        synchronized (this.order) {
            newestFirst = new ArrayList<>(this.order);
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        this.jobs.values().forEach(PipelineJob::cancel);
        this.workers.shutdown();
        try {
            if (!this.workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("Distillation jobs did not stop within {}; interrupting them", CLOSE_TIMEOUT);
                this.workers.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            this.workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
