package io.distill4j.pipeline.student.textcnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentOutput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextCnnConfigTests {

    private static TextCnnConfig.Builder valid() {
        return TextCnnConfig.builder().vocabSize(5).embeddingDim(3).filters(4).outputSize(2);
    }

    @Test
    void parameterCountIsTheTableEachConvolutionAndEachDenseLayer() {
        // 10 * 4 (table) + (6 * 4 * 2 + 6) + (6 * 4 * 3 + 6) (convolutions) = 40 + 54 + 78 = 172;
        // pooled width 12: (12 * 8 + 8) (hidden) + (8 * 2 + 2) (output) = 104 + 18 = 122; total 294
        TextCnnConfig config = TextCnnConfig.builder().vocabSize(10).embeddingDim(4).filters(6).kernelSizes(2, 3)
            .hiddenSizes(8).outputSize(2).build();
        assertThat(config.pooledWidth()).isEqualTo(12);
        assertThat(config.parameterCount()).isEqualTo(294);
        // one kernel of width 1, no hidden layer: 10 * 4 + (5 * 4 * 1 + 5) + (5 * 3 + 3) = 40 + 25 + 18 = 83
        assertThat(TextCnnConfig.builder().vocabSize(10).embeddingDim(4).filters(5).kernelSizes(1).outputSize(3).build()
            .parameterCount()).isEqualTo(83);
        // a large student does not overflow int: 30522 * 768 + sum over k = 14, 15, 16 of (4096 * 768 * k + 4096)
        // + (3 * 4096 * 2 + 2) = 23,440,896 + 141,570,048 + 24,578 = 165,035,522
        assertThat(TextCnnConfig.builder().vocabSize(30522).embeddingDim(768).filters(4096).kernelSizes(14, 15, 16)
            .outputSize(2).build().parameterCount()).isEqualTo(165_035_522L);
    }

    @Test
    void defaultsAreKimsKernelsLogitsReluNoDropoutNoHiddenLayer() {
        TextCnnConfig config = valid().build();
        assertThat(config.kernelSizes()).containsExactly(3, 4, 5);
        assertThat(config.hiddenSizes()).isEmpty();
        assertThat(config.output()).isEqualTo(StudentOutput.LOGITS);
        assertThat(config.activation()).isEqualTo(HiddenActivation.RELU);
        assertThat(config.dropout()).isZero();
        assertThat(config.architecture()).isEqualTo("text-cnn").isEqualTo(TextCnnConfig.ARCHITECTURE);
        assertThat(config.newBlock()).isInstanceOf(TextCnnStudent.class);
    }

    @Test
    void listsAreCopied() {
        List<Integer> kernels = new ArrayList<>(Arrays.asList(2, 3));
        List<Integer> hidden = new ArrayList<>(Arrays.asList(8));
        TextCnnConfig config = valid().kernelSizes(kernels).hiddenSizes(hidden).build();
        kernels.set(0, 9);
        hidden.add(4);
        assertThat(config.kernelSizes()).containsExactly(2, 3);
        assertThat(config.hiddenSizes()).containsExactly(8);
        assertThatThrownBy(() -> config.kernelSizes().add(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.hiddenSizes().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyFieldIsCheckedByNameWithItsLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> valid().vocabSize(0).build())
            .withMessage("vocabSize must be between 1 and 4000000, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().embeddingDim(70_000).build())
            .withMessage("embeddingDim must be between 1 and 65536, was 70000");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().filters(0).build())
            .withMessage("filters must be between 1 and 4096, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().filters(4097).build())
            .withMessage("filters must be between 1 and 4096, was 4097");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().kernelSizes(new int[0]).build())
            .withMessage("kernelSizes must list between 1 and 8 sizes, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().kernelSizes(1, 2, 3, 4, 5, 6, 7, 8, 9).build())
            .withMessage("kernelSizes must list between 1 and 8 sizes, was 9");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().kernelSizes(3, 17).build())
            .withMessage("kernelSizes[1] must be between 1 and 16, was 17");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().kernelSizes(0).build())
            .withMessage("kernelSizes[0] must be between 1 and 16, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().kernelSizes(3, 4, 3).build())
            .withMessage("kernelSizes[2] 3 appears twice; kernel sizes must be distinct");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().kernelSizes(Arrays.asList(3, null)).build())
            .withMessage("kernelSizes[1] must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().hiddenSizes(8, 0).build())
            .withMessage("hiddenSizes[1] must be between 1 and 65536, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().hiddenSizes(new int[17]).build())
            .withMessage("hiddenSizes may list at most 16 layers, was 17");
        assertThatIllegalArgumentException().isThrownBy(() -> valid().outputSize(0).build())
            .withMessage("outputSize must be between 1 and 65536, was 0");
        for (float dropout : new float[] { -0.1f, 1f, Float.NaN }) {
            assertThatIllegalArgumentException().isThrownBy(() -> valid().dropout(dropout).build())
                .withMessageStartingWith("dropout must be in [0, 1)");
        }
        assertThatThrownBy(() -> valid().output(null).build()).isInstanceOf(NullPointerException.class)
            .hasMessage("output");
        assertThatThrownBy(() -> valid().activation(null).build()).isInstanceOf(NullPointerException.class)
            .hasMessage("activation");
    }
}
