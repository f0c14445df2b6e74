package io.distill4j.pipeline.teacher;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.data.TextDataset;

/**
 * What a {@link Teacher} works with: the job's spec and the distiller's settings, the prepared splits,
 * the cache to write into, and the job's progress and cancel signals. The splits are {@code train}
 * ({@code transfer}), {@code validation} and, when given, {@code test}; the outcome has one cache entry
 * per split under those names. The caller keeps ownership of the cache.
 *
 * @param jobId the job, for error messages
 * @param spec the job's spec (teacher, data files, task, seed, soft-target precision, memory mode)
 * @param config the distiller's settings (cache folder, model repository, threads, sequence length)
 * @param train the training split as read, labelled rows and all (what an encoder's head is fitted on)
 * @param transfer what the student trains on: {@code train} followed by augmented copies, or {@code train}
 * @param validation the validation split
 * @param test the test split, if the spec has one
 * @param labels the label vocabulary in logit order (empty for the embedding task)
 * @param cache where the soft targets go
 * @param students the largest student the job may build, for the memory mode
 * @param progress told how far the teacher is
 * @param cancelled checked between batches; when true the teacher stops with a cancellation
 */
public record TeacherContext(String jobId, DistillationSpec spec, DistillerConfig config, TextDataset train,
        TextDataset transfer, TextDataset validation, Optional<TextDataset> test, List<String> labels,
        SoftTargetCache cache, StudentSize students, TeacherProgress progress, BooleanSupplier cancelled) {

    public TeacherContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        labels = List.copyOf(labels);
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(students, "students");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancelled, "cancelled");
    }

    /** Whether the job distils an embedding model (the soft targets are vectors, not logits). */
    boolean embedding() {
        return this.spec.task() == io.distill4j.api.distill.DistillationTask.TEXT_EMBEDDING;
    }
}
