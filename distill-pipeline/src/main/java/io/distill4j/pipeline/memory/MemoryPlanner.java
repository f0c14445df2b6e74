package io.distill4j.pipeline.memory;

import java.util.Locale;

import io.distill4j.api.distill.MemoryMode;

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
 * Online is chosen only when both stages together take at most a quarter of the memory limit and the
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
