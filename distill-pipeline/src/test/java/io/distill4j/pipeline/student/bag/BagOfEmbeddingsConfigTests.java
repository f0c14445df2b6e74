package io.distill4j.pipeline.student.bag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentOutput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BagOfEmbeddingsConfigTests {

    @Test
    void parameterCountIsTheTablePlusEachLayersWeightsAndBiases() {
        // 10 * 4 (table) + (4 * 8 + 8) (hidden) + (8 * 2 + 2) (output) = 40 + 40 + 18 = 98
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(10).embeddingDim(4).hiddenSizes(8)
            .outputSize(2).build();
        assertThat(config.parameterCount()).isEqualTo(98);
        // no hidden layer: 10 * 4 + (4 * 3 + 3) = 55
        assertThat(BagOfEmbeddingsConfig.builder().vocabSize(10).embeddingDim(4).outputSize(3).build().parameterCount())
            .isEqualTo(55);
        // BERT-sized table does not overflow int: 30522 * 768 + (768 * 2 + 2) = 23,440,896 + 1,538 = 23,442,434
        assertThat(BagOfEmbeddingsConfig.builder().vocabSize(30522).embeddingDim(768).outputSize(2).build().parameterCount())
            .isEqualTo(23_442_434L);
    }

    @Test
    void defaultsAreLogitsReluNoDropoutNoHiddenLayer() {
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).outputSize(2).build();
        assertThat(config.output()).isEqualTo(StudentOutput.LOGITS);
        assertThat(config.activation()).isEqualTo(HiddenActivation.RELU);
        assertThat(config.dropout()).isZero();
        assertThat(config.hiddenSizes()).isEmpty();
        assertThat(config.architecture()).isEqualTo("bag-of-embeddings");
        assertThat(config.newBlock()).isInstanceOf(BagOfEmbeddingsStudent.class);
    }

    @Test
    void hiddenSizesAreCopied() {
        List<Integer> sizes = new ArrayList<>(Arrays.asList(8, 4));
        BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).hiddenSizes(sizes)
            .outputSize(2).build();
        sizes.set(0, 99);
        assertThat(config.hiddenSizes()).containsExactly(8, 4);
        assertThatThrownBy(() -> config.hiddenSizes().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyFieldIsCheckedByName() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> BagOfEmbeddingsConfig.builder().embeddingDim(3).outputSize(2).build())
            .withMessage("vocabSize must be between 1 and 4000000, was 0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(70_000).outputSize(2).build())
            .withMessage("embeddingDim must be between 1 and 65536, was 70000");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).hiddenSizes(8, 0).outputSize(2).build())
            .withMessage("hiddenSizes[1] must be between 1 and 65536, was 0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).hiddenSizes(new int[17]).outputSize(2)
                .build())
            .withMessage("hiddenSizes may list at most 16 layers, was 17");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).build())
            .withMessage("outputSize must be between 1 and 65536, was 0");
        for (float dropout : new float[] { -0.1f, 1f, Float.NaN }) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).outputSize(2).dropout(dropout).build())
                .withMessageStartingWith("dropout must be in [0, 1)");
        }
        assertThatThrownBy(() -> BagOfEmbeddingsConfig.builder().vocabSize(5).embeddingDim(3).outputSize(2).output(null).build())
            .isInstanceOf(NullPointerException.class).hasMessage("output");
    }
}
