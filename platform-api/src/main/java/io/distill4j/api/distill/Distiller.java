package io.distill4j.api.distill;

import java.util.List;
import java.util.Optional;

/**
 * Turns a teacher plus data into a small, served student: {@link #distill(DistillationSpec)} runs the
 * whole pipeline (data, teacher stage with an on-disk soft-target cache, the teacher closed before the
 * student is built, training and auto-tuning on DJL, ONNX export with a parity check, INT8 with an
 * accuracy gate, the operator-compatibility check, a report, registration in the model repository).
 *
 * <pre>{@code
 * DistillationResult result = distiller.distill(DistillationSpec.builder()
 *         .teacher(TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"), Path.of("minilm/tokenizer.json")))
 *         .data(DataSpec.tsv(Path.of("banking77/train.tsv")).test(Path.of("banking77/test.tsv")))
 *         .task(DistillationTask.TEXT_CLASSIFICATION)
 *         .gate(QualityGate.relativeToTeacher(0.97))
 *         .register("banking77-student")
 *         .build());
 * System.out.println(result.summary());
 * }</pre>
 *
 * <p>Closing the distiller cancels queued and running jobs and waits for them to stop; implementations
 * are thread-safe.
 */
public interface Distiller extends AutoCloseable {

    /**
     * Runs {@code spec} and waits for the result. Interrupting the calling thread cancels the job.
     *
     * @throws io.distill4j.api.exception.DistillationException if the job fails
     * @throws io.distill4j.api.exception.DistillationCancelledException if it is cancelled
     */
    DistillationResult distill(DistillationSpec spec);

    /** Queues {@code spec} and returns at once; the job runs when a worker is free. */
    DistillationJob submit(DistillationSpec spec);

    /** The job with this id, if this distiller knows it. */
    Optional<DistillationJob> job(String id);

    /** Every job this distiller knows, newest first. */
    List<DistillationJob> jobs();

    /** How many jobs run at the same time; the others wait in the queue. */
    int concurrency();

    /** Whether {@link #close()} has been called: the distiller then accepts no job. */
    boolean isClosed();

    /** Cancels every job that has not ended and waits for them to stop. */
    @Override
    void close();
}
