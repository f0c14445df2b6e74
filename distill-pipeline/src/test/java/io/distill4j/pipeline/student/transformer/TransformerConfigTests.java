package io.distill4j.pipeline.student.transformer;

import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentOutput;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransformerConfigTests {

    private static TransformerConfig.Builder tiny() {
        return TransformerConfig.builder().vocabSize(50).maxPositions(32).hiddenSize(16).layers(2).heads(2)
            .intermediateSize(32).outputSize(3);
    }

    @Test
    void parameterCountIsEmbeddingsPlusEachLayerPlusTheOutputLayer() {
        // embeddings (50 + 32) * 16 + 2 * 16 = 1344;
        // per layer 4 * (16 * 16 + 16) + 4 * 16 + (16 * 32 + 32) + (32 * 16 + 16) = 1088 + 64 + 544 + 528 = 2224;
        // output 16 * 3 + 3 = 51: 1344 + 2 * 2224 + 51 = 5843
        assertThat(tiny().build().parameterCount()).isEqualTo(5843);
        // one layer, one head, EMBEDDING of 8: (50 + 32) * 16 + 32 + 2224 + (16 * 8 + 8) = 1344 + 2224 + 136 = 3704
        assertThat(tiny().layers(1).heads(1).outputSize(8).output(StudentOutput.EMBEDDING).build().parameterCount())
            .isEqualTo(3704);
    }

    @Test
    void aBertBaseShapeCountsAsBertBaseWithoutTokenTypesAndPooler() {
        // bert-base-uncased has 109,482,240 parameters, of which token_type_embeddings are 2 * 768 = 1,536 and
        // the pooler 768 * 768 + 768 = 590,592; this student adds an output layer of 768 * 2 + 2 = 1,538.
        TransformerConfig bertBase = TransformerConfig.builder().vocabSize(30522).maxPositions(512).hiddenSize(768)
            .layers(12).heads(12).intermediateSize(3072).outputSize(2).build();
        assertThat(bertBase.parameterCount()).isEqualTo(109_482_240L - 1_536 - 590_592 + 1_538);
    }

    @Test
    void defaultsAreBertLikeWithMeanPoolingAndNoDropout() {
        TransformerConfig config = tiny().build();
        assertThat(config.maxPositions()).isEqualTo(32);
        assertThat(TransformerConfig.builder().vocabSize(5).hiddenSize(4).layers(1).heads(1).intermediateSize(4)
            .outputSize(2).build().maxPositions()).isEqualTo(512);
        assertThat(config.output()).isEqualTo(StudentOutput.LOGITS);
        assertThat(config.activation()).isEqualTo(HiddenActivation.GELU);
        assertThat(config.dropout()).isZero();
        assertThat(config.layerNormEpsilon()).isEqualTo(1e-12f);
        assertThat(config.pooling()).isEqualTo(TransformerConfig.Pooling.MEAN);
        assertThat(config.headSize()).isEqualTo(8);
        assertThat(config.architecture()).isEqualTo("transformer");
        assertThat(config.newBlock()).isInstanceOf(TransformerStudent.class);
    }

    @Test
    void everyFieldIsCheckedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().vocabSize(0).build())
            .withMessage("vocabSize must be between 1 and 4000000, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().maxPositions(8193).build())
            .withMessage("maxPositions must be between 1 and 8192, was 8193");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().maxPositions(0).build())
            .withMessage("maxPositions must be between 1 and 8192, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().hiddenSize(70_000).build())
            .withMessage("hiddenSize must be between 1 and 65536, was 70000");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().layers(0).build())
            .withMessage("layers must be between 1 and 48, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().layers(49).build())
            .withMessage("layers must be between 1 and 48, was 49");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().heads(0).build())
            .withMessage("heads must be between 1 and 256, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().heads(3).build())
            .withMessage("hiddenSize must be a multiple of heads, was hiddenSize 16 with heads 3");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().heads(32).build())
            .withMessage("hiddenSize must be a multiple of heads, was hiddenSize 16 with heads 32");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().intermediateSize(0).build())
            .withMessage("intermediateSize must be between 1 and 65536, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> tiny().outputSize(65_537).build())
            .withMessage("outputSize must be between 1 and 65536, was 65537");
        for (float dropout : new float[] { -0.1f, 1f, Float.NaN }) {
            assertThatIllegalArgumentException().isThrownBy(() -> tiny().dropout(dropout).build())
                .withMessageStartingWith("dropout must be in [0, 1)");
        }
        for (float epsilon : new float[] { 0f, -1e-5f, 0.2f, Float.NaN }) {
            assertThatIllegalArgumentException().isThrownBy(() -> tiny().layerNormEpsilon(epsilon).build())
                .withMessage("layerNormEpsilon must be in (0, 0.1], was " + epsilon);
        }
        assertThatThrownBy(() -> tiny().output(null).build()).isInstanceOf(NullPointerException.class)
            .hasMessage("output");
        assertThatThrownBy(() -> tiny().activation(null).build()).isInstanceOf(NullPointerException.class)
            .hasMessage("activation");
        assertThatThrownBy(() -> tiny().pooling(null).build()).isInstanceOf(NullPointerException.class)
            .hasMessage("pooling");
    }

    @Test
    void requiredFieldsAreNamedWhenMissing() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> TransformerConfig.builder().vocabSize(5).layers(1).heads(1).intermediateSize(4)
                .outputSize(2).build())
            .withMessage("hiddenSize must be between 1 and 65536, was 0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> TransformerConfig.builder().vocabSize(5).hiddenSize(4).heads(1).intermediateSize(4)
                .outputSize(2).build())
            .withMessage("layers must be between 1 and 48, was 0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> TransformerConfig.builder().vocabSize(5).hiddenSize(4).layers(1).intermediateSize(4)
                .outputSize(2).build())
            .withMessage("heads must be between 1 and 256, was 0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> TransformerConfig.builder().vocabSize(5).hiddenSize(4).layers(1).heads(1).outputSize(2)
                .build())
            .withMessage("intermediateSize must be between 1 and 65536, was 0");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> TransformerConfig.builder().vocabSize(5).hiddenSize(4).layers(1).heads(1)
                .intermediateSize(4).build())
            .withMessage("outputSize must be between 1 and 65536, was 0");
    }
}
