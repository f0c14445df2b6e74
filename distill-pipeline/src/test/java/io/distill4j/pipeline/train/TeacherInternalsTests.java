package io.distill4j.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TeacherInternalsTests {

    private static StudentModel teacherModel() {
        return StudentModel.create(TransformerConfig.builder().vocabSize(20).maxPositions(8).hiddenSize(8).layers(2)
                .heads(2).intermediateSize(16).outputSize(8).output(StudentOutput.EMBEDDING).build().newBlock(), 3);
    }

    @Test
    void givesEveryHiddenStateAndAttentionAndMapsPrunedIdsBackToTheTeachers() {
        long[] kept = {0, 17, 4, 9};
        try (TeacherInternals pruned = TeacherInternals.of(teacherModel(), kept);
                TeacherInternals full = TeacherInternals.of(teacherModel(), null);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            assertThat(pruned.layers()).isEqualTo(2);
            assertThat(pruned.hiddenSize()).isEqualTo(8);
            assertThat(pruned.heads()).isEqualTo(2);
            NDArray mask = manager.create(new long[] {1, 1, 1, 0}, new Shape(1, 4));
            NDList viaKept = pruned.forward(manager, manager.create(new long[] {1, 2, 3, 0}, new Shape(1, 4)), mask);
            NDList direct = full.forward(manager, manager.create(new long[] {17, 4, 9, 0}, new Shape(1, 4)), mask);
            assertThat(viaKept).hasSize(5);
            assertThat(viaKept.get(0).getShape()).isEqualTo(new Shape(1, 4, 8));
            assertThat(viaKept.get(3).getShape()).isEqualTo(new Shape(1, 2, 4, 4));
            for (int i = 0; i < viaKept.size(); i++) {
                assertThat(viaKept.get(i).toFloatArray()).as("array %d", i).isEqualTo(direct.get(i).toFloatArray());
            }
            float[] attention = viaKept.get(4).toFloatArray();
            for (int row = 0; row < attention.length / 4; row++) {
                assertThat(attention[row * 4 + 3]).as("the padded key of row %d", row).isZero();
            }
        }
    }

    @Test
    void closeIsIdempotentAndForwardAfterItFails() {
        TeacherInternals internals = TeacherInternals.of(teacherModel(), null);
        internals.close();
        internals.close();
        try (NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            NDArray ids = manager.create(new long[] {1}, new Shape(1, 1));
            assertThatIllegalStateException().isThrownBy(() -> internals.forward(manager, ids, ids));
        }
    }

    @Test
    void refusesATeacherWithoutLayersOrKeptIdsOutsideItsVocabulary() {
        try (StudentModel bag = StudentModel.create(BagOfEmbeddingsConfig.builder().vocabSize(20).embeddingDim(8)
                .hiddenSizes(8).outputSize(2).build().newBlock(), 1)) {
            assertThatIllegalArgumentException().isThrownBy(() -> TeacherInternals.of(bag, null))
                .withMessageContaining("no hidden states");
        }
        try (StudentModel teacher = teacherModel()) {
            assertThatIllegalArgumentException().isThrownBy(() -> TeacherInternals.of(teacher, new long[] {0, 20}))
                .withMessageContaining("keptIds").withMessageContaining("0..19");
        }
    }
}
