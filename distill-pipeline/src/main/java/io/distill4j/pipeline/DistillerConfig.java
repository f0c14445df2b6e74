package io.distill4j.pipeline;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.pipeline.labelling.LabellingLimits;

/**
 * Settings of a {@link PipelineDistiller}, shared by all its jobs (a job's own settings are in its
 * {@link io.distill4j.api.distill.DistillationSpec}).
 *
 * <pre>{@code
 * DistillerConfig config = DistillerConfig.builder(Path.of("/var/lib/distill4j"))
 *         .modelRepository(Path.of("/var/lib/distill4j/models"))
 *         .build();
 * }</pre>
 *
 * @param workDirectory where jobs write their outputs ({@code jobs/<id>}) unless a spec names an output,
 *     and the checkpoints of their training trials ({@code checkpoints/<key>}, see {@link PipelineDistiller}):
 *     kept while a job has not succeeded, so that the same spec run again resumes it, deleted when it succeeds
 * @param cacheDirectory the soft-target cache and the fitted teachers; shared by jobs, so a second job on
 *     the same teacher and data skips the teacher; default {@code workDirectory/cache}
 * @param modelRepository the engine's model repository: where {@code TeacherSpec.repositoryModel}
 *     teachers are read from and students are registered; empty: neither is possible
 * @param concurrency jobs running at the same time, 1 to {@value #MAX_CONCURRENCY}; default 1 (training
 *     uses every core already)
 * @param threads intra-op threads of the ONNX Runtime sessions (teacher, evaluation), 1 to 256; default the
 *     number of processors
 * @param trainingThreads intra-op threads of PyTorch while students train, 1 to 256; default
 *     {@value #DEFAULT_TRAINING_THREADS}: the students are small enough that a second thread adds little
 *     (measured on an idle 2-core machine after warm-up: a bag-of-embeddings student 197–317 steps/s on one
 *     thread, 145–279 on two), and PyTorch's OpenMP workers spin while they wait, so on a busy machine
 *     several threads collapse (8.9 against 47 steps/s on one thread beside two other busy processes)
 * @param maxSequenceLength tokens per text the student sees (and the teacher, for its soft targets),
 *     8 to 512; default {@value #DEFAULT_MAX_SEQUENCE_LENGTH}
 * @param maxEpochs epochs of the final training (the last tuning rung), 1 to 1000; default
 *     {@value #DEFAULT_MAX_EPOCHS}
 * @param memoryLimitBytes the memory the planner may assume for a job, {@code > 0}; default half the
 *     JVM's maximum heap plus the machine's free physical memory at start, as far as the JVM tells
 * @param labellingModels the labelling models ({@code TeacherSpec.llm} teachers) by name, in the order given;
 *     default none
 * @param labellingLimits how they are asked: concurrency, rate limits, retries, prices
 */
public record DistillerConfig(Path workDirectory, Path cacheDirectory, Optional<Path> modelRepository, int concurrency,
        int threads, int trainingThreads, int maxSequenceLength, int maxEpochs, long memoryLimitBytes,
        Map<String, LabellingModel> labellingModels, LabellingLimits labellingLimits) {

    /** Largest {@link #concurrency()}. */
    public static final int MAX_CONCURRENCY = 64;

    /** Default {@link #trainingThreads()}. */
    public static final int DEFAULT_TRAINING_THREADS = 1;

    /** Default {@link #maxSequenceLength()}. */
    public static final int DEFAULT_MAX_SEQUENCE_LENGTH = 128;

    /** Default {@link #maxEpochs()}. */
    public static final int DEFAULT_MAX_EPOCHS = 15;

    public DistillerConfig {
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(cacheDirectory, "cacheDirectory");
        Objects.requireNonNull(modelRepository, "modelRepository");
        range("concurrency", concurrency, 1, MAX_CONCURRENCY);
        range("threads", threads, 1, 256);
        range("trainingThreads", trainingThreads, 1, 256);
        range("maxSequenceLength", maxSequenceLength, 8, 512);
        range("maxEpochs", maxEpochs, 1, 1000);
        if (memoryLimitBytes <= 0) {
            throw new IllegalArgumentException("memoryLimitBytes must be > 0, was " + memoryLimitBytes);
        }
        labellingModels = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(
                labellingModels, "labellingModels")));
        labellingModels.forEach((name, model) -> {
            if (name == null || name.isBlank() || model == null) {
                throw new IllegalArgumentException("labellingModels: a blank name or a null model");
            }
        });
        Objects.requireNonNull(labellingLimits, "labellingLimits");
    }

    /** A builder with every default, writing under {@code workDirectory}. */
    public static Builder builder(Path workDirectory) {
        return new Builder(workDirectory);
    }

    private static void range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", was " + value);
        }
    }

    /** Builder of {@link DistillerConfig}. */
    public static final class Builder {

        private final Path workDirectory;

        private Path cacheDirectory;

        private Path modelRepository;

        private int concurrency = 1;

        private int threads = Runtime.getRuntime().availableProcessors();

        private int trainingThreads = DEFAULT_TRAINING_THREADS;

        private int maxSequenceLength = DEFAULT_MAX_SEQUENCE_LENGTH;

        private int maxEpochs = DEFAULT_MAX_EPOCHS;

        private long memoryLimitBytes = defaultMemoryLimit();

        private final Map<String, LabellingModel> labellingModels = new LinkedHashMap<>();

        private LabellingLimits labellingLimits = LabellingLimits.ofDefaults();

        private Builder(Path workDirectory) {
            this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        }

        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = directory;
            return this;
        }

        public Builder modelRepository(Path repository) {
            this.modelRepository = repository;
            return this;
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder trainingThreads(int threads) {
            this.trainingThreads = threads;
            return this;
        }

        public Builder maxSequenceLength(int tokens) {
            this.maxSequenceLength = tokens;
            return this;
        }

        public Builder maxEpochs(int epochs) {
            this.maxEpochs = epochs;
            return this;
        }

        public Builder memoryLimitBytes(long bytes) {
            this.memoryLimitBytes = bytes;
            return this;
        }

        /** A labelling model that {@code TeacherSpec.llm} teachers name as {@code name}. */
        public Builder labellingModel(String name, LabellingModel model) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("labellingModel name must not be blank");
            }
            this.labellingModels.put(name, Objects.requireNonNull(model, "model"));
            return this;
        }

        public Builder labellingLimits(LabellingLimits limits) {
            this.labellingLimits = limits;
            return this;
        }

        public DistillerConfig build() {
            Path cache = this.cacheDirectory != null ? this.cacheDirectory : this.workDirectory.resolve("cache");
            return new DistillerConfig(this.workDirectory, cache, Optional.ofNullable(this.modelRepository),
                    this.concurrency, this.threads, this.trainingThreads, this.maxSequenceLength, this.maxEpochs, this.memoryLimitBytes,
                    this.labellingModels, this.labellingLimits);
        }

        private static long defaultMemoryLimit() {
            long heap = Runtime.getRuntime().maxMemory() / 2;
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                return heap + os.getFreeMemorySize();
            }
            return Math.max(heap, 1L << 30);
        }
    }
}
