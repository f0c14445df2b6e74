package io.distill4j.engine.validation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

class InputValidatorTests {

    private final InputValidator validator = new InputValidator(16, 3, 100);

    private final Map<String, TensorInfo> inputs = Map.of("x", TensorInfo.of("x", ElementType.FLOAT32, -1, 4));

    @Test
    void acceptsTextsWithinTheLimits() {
        assertThatNoException().isThrownBy(() -> this.validator.validateTexts("m/1", List.of("", "héllo", "😀😀😀😀")));
    }

    @Test
    void rejectsAnEmptyBatch() {
        assertThatThrownBy(() -> this.validator.validateTexts("m/1", List.of()))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("texts: must contain at least 1 text (empty batch)")
            .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("texts");
    }

    @Test
    void rejectsTooManyTextsNamingTheLimit() {
        assertThatThrownBy(() -> this.validator.validateTexts("m/1", List.of("a", "b", "c", "d")))
            .hasMessage("texts: has 4 texts, limit is maxBatchItems=3");
    }

    @Test
    void rejectsAnOversizedTextCountingUtf8Bytes() {
        // 5 x 4-byte emoji = 20 bytes although only 10 Java chars
        assertThatThrownBy(() -> this.validator.validateTexts("m/1", List.of("ok", "😀😀😀😀😀")))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("texts[1]: is 20 bytes of UTF-8, limit is maxTextBytes=16");
    }

    @Test
    void rejectsANullText() {
        assertThatThrownBy(() -> this.validator.validateTexts("m/1", Arrays.asList("a", null)))
            .hasMessage("texts[1]: must not be null");
    }

    @Test
    void rejectsTextThatIsNotValidUtf8() {
        assertThatThrownBy(() -> this.validator.validateTexts("m/1", List.of("ab\uD800c")))
            .hasMessageStartingWith("texts[0]: is not valid UTF-8: unpaired surrogate U+D800 at char 2");
        assertThatThrownBy(() -> this.validator.decodeUtf8("m/1", "inputs.text.data[0]", new byte[] { 'a', (byte) 0xC3 }))
            .hasMessageStartingWith("inputs.text.data[0]: is not valid UTF-8");
        assertThat(this.validator.decodeUtf8("m/1", "t", "héllo".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo");
    }

    @Test
    void acceptsMatchingTensors() {
        assertThatNoException().isThrownBy(() -> this.validator.validateTensors("m/1", this.inputs,
                Map.of("x", Tensor.ofFloats(new float[8], 2, 4))));
    }

    @Test
    void rejectsUnknownAndMissingInputs() {
        Map<String, Tensor> extra = new LinkedHashMap<>();
        extra.put("x", Tensor.ofFloats(new float[4], 1, 4));
        extra.put("y", Tensor.ofFloats(new float[4], 1, 4));
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, extra))
            .hasMessage("inputs.y: is not an input of the model; its inputs are [x]");
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of()))
            .hasMessageStartingWith("inputs: must contain");
    }

    @Test
    void rejectsWrongTypeRankAndStaticDimension() {
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of("x", Tensor.ofLongs(new long[4], 1, 4))))
            .hasMessage("inputs.x.datatype: must be FLOAT32, was INT64");
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of("x", Tensor.ofFloats(new float[4], 4))))
            .hasMessage("inputs.x.shape: must have rank 2 [-1, 4], was [4]");
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of("x", Tensor.ofFloats(new float[5], 1, 5))))
            .hasMessage("inputs.x.shape[1]: must be 4 (model shape [-1, 4]), was 5");
    }

    @Test
    void rejectsAnEmptyBatchOfTensors() {
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of("x", Tensor.ofFloats(new float[0], 0, 4))))
            .hasMessage("inputs.x.shape[0]: must be >= 1 (empty batch)");
    }

    @Test
    void rejectsDataThatDoesNotFillTheShape() {
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of("x", Tensor.ofFloats(new float[7], 2, 4))))
            .hasMessage("inputs.x.data: has 7 elements but shape [2, 4] needs 8");
    }

    @Test
    void rejectsAnOversizedTensorNamingTheLimit() {
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", this.inputs, Map.of("x", Tensor.ofFloats(new float[104], 26, 4))))
            .hasMessage("inputs.x: has 104 elements, limit is maxTensorElements=100");
        // a forged shape whose product overflows is rejected by the size limit, not by an arithmetic error
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", Map.of("x", TensorInfo.of("x", ElementType.FLOAT32, -1, -1)),
                Map.of("x", Tensor.ofFloats(new float[1], Long.MAX_VALUE / 2, 4))))
            .hasMessageContaining("limit is maxTensorElements=100");
    }

    @Test
    void checksStringTensorsLikeTexts() {
        Map<String, TensorInfo> textInputs = Map.of("text", TensorInfo.of("text", ElementType.STRING, -1));
        assertThatThrownBy(() -> this.validator.validateTensors("m/1", textInputs,
                Map.of("text", Tensor.ofStrings(new String[] { "ok", "x".repeat(17) }, 2))))
            .hasMessage("inputs.text.data[1]: is 17 bytes of UTF-8, limit is maxTextBytes=16");
    }
}
