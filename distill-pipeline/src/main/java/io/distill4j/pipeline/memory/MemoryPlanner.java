package io.distill4j.pipeline.memory;

import java.util.Locale;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.exception.DistillationException;

/**
 * Chooses between {@link MemoryMode#STAGED} and {@link MemoryMode#ONLINE} for a spec that says
 * {@link MemoryMode#AUTO}, from estimates of each stage's resident memory.
 *
 * <ul>
 * <li>Teacher stage: the ONNX file's bytes twice (ONNX Runtime keeps the weights, and prepacks the
 * dense ones for its kernels) plus {@value #RUNTIME_BYTES} bytes of runtime and activations.</li>
 * <li>Student stage: 16 bytes per student parameter (float weights, gradients and AdamW's two
 * moments) times two (the best epoch's copy and the model being trained) plus
 * {@value #RUNTIME_BYTES} bytes for PyTorch.</li>
 * </ul>
 *
 * A fine-tuned teacher adds a stage of its own before the teacher pass, estimated by
 * {@link #fineTuningBytes}; {@link #requireFineTuningFits} refuses it up front when that estimate is past
 * the limit.
 *
 * <p>Online is chosen only when both stages together take at most a quarter of the memory limit and the
 * teacher is small ({@value #SMALL_TEACHER_BYTES} bytes or less): then keeping it loaded costs little,
 * and staging would gain nothing. Otherwise staged, so the job's peak is the larger stage, not the sum.
 */
public final class MemoryPlanner {

    /** Allowance for the runtime (ONNX Runtime or PyTorch) of a stage. */
    static final long RUNTIME_BYTES = 256L << 20;

    /** The largest teacher file kept loaded in online mode. */
    static final long SMALL_TEACHER_BYTES = 64L << 20;

    private MemoryPlanner() {
    }

    /**
     * @param teacherFileBytes size of the teacher's ONNX file
     * @param studentParameters the largest student the search may build
     * @param limitBytes memory the job may use
     */
    public static Plan plan(long teacherFileBytes, long studentParameters, long limitBytes) {
        long teacher = 2 * teacherFileBytes + RUNTIME_BYTES;
        long student = 2 * 16 * studentParameters + RUNTIME_BYTES;
        boolean online = teacher + student <= limitBytes / 4 && teacherFileBytes <= SMALL_TEACHER_BYTES;
        return new Plan(online ? MemoryMode.ONLINE : MemoryMode.STAGED, teacher, student, limitBytes);
    }

    /**
     * The resident memory fine-tuning an encoder takes, estimated: 16 bytes per parameter (float weights,
     * gradients and AdamW's two moments) plus the activations kept for the backward pass, about 20 floats
     * per token, hidden unit and layer ({@code batch * sequence * hidden * layers * 20 * 4} bytes), plus
     * {@value #RUNTIME_BYTES} bytes for PyTorch. At batch 32 and 128 tokens this gives about 1.3 GiB for a
     * 6-layer 384-wide encoder (all-MiniLM-L6-v2, 22.6M parameters), 2.2 GiB for a 12-layer 384-wide one
     * (33.2M) and 4.7 GiB for BERT-base (12 layers, 768 wide, 109M).
     *
     * @param parameters the encoder's and head's parameters
     * @param batchSize examples per step
     * @param sequenceLength tokens per example
     * @param hiddenSize the encoder's width
     * @param layers the encoder's layers
     */
    public static long fineTuningBytes(long parameters, int batchSize, int sequenceLength, int hiddenSize, int layers) {
        long activations = (long) batchSize * sequenceLength * hiddenSize * layers * 20L * Float.BYTES;
        return 16 * parameters + activations + RUNTIME_BYTES;
    }

    /**
     * Refuses a fine-tuning whose {@link #fineTuningBytes estimate} is past the limit, before any memory
     * is taken.
     *
     * @param estimateBytes the estimate
     * @param limitBytes the distiller's memory limit ({@code memoryLimitBytes})
     * @throws DistillationException naming both and what to lower
     */
    public static void requireFineTuningFits(long estimateBytes, long limitBytes, String jobId, String what) {
        if (estimateBytes > limitBytes) {
            throw new DistillationException(jobId, String.format(Locale.ROOT, "teacher: fine-tuning %s needs about "
                    + "%d MiB, more than the memory limit memoryLimitBytes of %d MiB; lower the fine-tuning batch "
                    + "size or max sequence length, choose a smaller encoder, or raise the limit", what,
                    estimateBytes >> 20, limitBytes >> 20), null);
        }
    }

    /**
     * The planner's estimates and choice.
     *
     * @param mode the chosen mode
     * @param teacherBytes estimated resident bytes of the teacher stage
     * @param studentBytes estimated resident bytes of the student stage
     * @param limitBytes the limit it planned for
     */
    public record Plan(MemoryMode mode, long teacherBytes, long studentBytes, long limitBytes) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "memory plan %s: teacher stage ~%d MiB, student stage ~%d MiB, limit %d MiB",
                    this.mode, this.teacherBytes >> 20, this.studentBytes >> 20, this.limitBytes >> 20);
        }
    }
}
