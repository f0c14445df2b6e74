package io.distill4j.pipeline.student;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.util.Pair;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsStudent;
import io.distill4j.pipeline.train.DistillationLoss;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class StudentModelTests {

    private static final BagOfEmbeddingsConfig CONFIG = BagOfEmbeddingsConfig.builder()
        .vocabSize(10).embeddingDim(4).hiddenSizes(8).outputSize(2).build();

    @Test
    void closeReleasesEveryParameterArrayAndIsIdempotent() {
        StudentModel model = StudentModel.create(CONFIG.newBlock(), 1);
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> parameter : model.block().getParameters()) {
            arrays.add(parameter.getValue().getArray());
        }
        assertThat(arrays).hasSize(5).noneMatch(NDArray::isReleased);
        assertThat(arrays.get(0).getManager().isOpen()).isTrue();

        model.close();
        assertThat(model.isClosed()).isTrue();
        assertThat(arrays).allMatch(NDArray::isReleased);
        assertThat(arrays.get(0).getManager().isOpen()).isFalse();
        model.close(); // second close is a no-op
        assertThat(model.isClosed()).isTrue();
    }

    @Test
    void useAfterCloseFailsCleanly() {
        StudentModel model = StudentModel.create(CONFIG.newBlock(), 1);
        model.close();
        assertThatIllegalStateException().isThrownBy(() -> model.predict(new long[][] { { 1 } }, new long[][] { { 1 } }))
            .withMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(model::parameterCount).withMessageContaining("closed");
        assertThatIllegalStateException()
            .isThrownBy(() -> model.newTrainer(new DefaultTrainingConfig(DistillationLoss.builder().build())))
            .withMessageContaining("closed");
    }

    @Test
    void aBlockBelongsToOneModel() {
        BagOfEmbeddingsStudent block = CONFIG.newBlock();
        try (StudentModel model = StudentModel.create(block, 1)) {
            assertThat(model.config()).isEqualTo(CONFIG);
            assertThatIllegalArgumentException().isThrownBy(() -> StudentModel.create(block, 1))
                .withMessageContaining("already initialised");
        }
    }

    @Test
    void trainerClosesBeforeTheModelWithoutReleasingTheParameters() {
        try (StudentModel model = StudentModel.create(CONFIG.newBlock(), 1)) {
            NDArray table = model.block().getParameters().get("embedding").getArray();
            try (var trainer = model.newTrainer(new DefaultTrainingConfig(DistillationLoss.builder().build()))) {
                assertThat(trainer.getManager().isOpen()).isTrue();
            }
            assertThat(table.isReleased()).isFalse();
            assertThat(model.predict(new long[][] { { 1 } }, new long[][] { { 1 } })[0]).hasSize(2);
        }
    }
}
