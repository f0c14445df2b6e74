package io.distill4j.pipeline.train;

import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.distill4j.pipeline.student.LayeredBlock;
import io.distill4j.pipeline.student.StudentModel;

/** {@link TeacherInternals} of a frozen teacher held as a {@link StudentModel} with a {@link LayeredBlock}. */
final class ModelTeacherInternals implements TeacherInternals {

    private final StudentModel teacher;

    private final LayeredBlock block;

    private final long[] keptIds;

    private final AtomicBoolean closed = new AtomicBoolean();

    ModelTeacherInternals(StudentModel teacher, long[] keptIds) {
        if (!(teacher.block() instanceof LayeredBlock layered)) {
            throw new IllegalArgumentException("a " + teacher.config().architecture() + " teacher has no hidden "
                    + "states or attention to distil");
        }
        int vocab = teacher.config().vocabSize();
        if (keptIds != null) {
            for (long id : keptIds) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("keptIds: teacher id " + id + " is outside the teacher's "
                            + "vocabulary 0.." + (vocab - 1));
                }
            }
        }
        this.teacher = teacher;
        this.block = layered;
        this.keptIds = (keptIds == null) ? null : keptIds.clone();
        teacher.block().freezeParameters(true);
    }

    @Override
    public int layers() {
        return this.block.layers();
    }

    @Override
    public int hiddenSize() {
        return this.block.hiddenSize();
    }

    @Override
    public int heads() {
        return this.block.heads();
    }

    @Override
    public NDList forward(NDManager manager, NDArray studentIds, NDArray attentionMask) {
        if (this.closed.get()) {
            throw new IllegalStateException("The teacher's internals are closed");
        }
        NDArray ids = studentIds;
        if (this.keptIds != null) {
            long[] values = studentIds.toLongArray();
            for (int i = 0; i < values.length; i++) {
                int row = (int) values[i];
                if (row < 0 || row >= this.keptIds.length) {
                    throw new IllegalArgumentException("student token id " + values[i] + " is outside the kept ids 0.."
                            + (this.keptIds.length - 1));
                }
                values[i] = this.keptIds[row];
            }
            ids = manager.create(values, studentIds.getShape());
        }
        else if (ids.getManager() != manager) {
            ids = ids.duplicate();
            ids.attach(manager);
        }
        NDList all = this.block.forwardWithInternals(new ParameterStore(manager, false),
                new NDList(ids, attentionMask), false);
        return all.subNDList(1);
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.teacher.close();
        }
    }
}
