package io.distill4j.api;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelOverloadedException;
import io.distill4j.api.exception.NonTransientException;
import io.distill4j.api.exception.ServerShuttingDownException;
import io.distill4j.api.exception.TransientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTypesTests {

    @Test
    void exceptionsCarryCodeSubjectAndRetryability() {
        InvalidInputException invalid = new InvalidInputException("m/1", "texts[2]", "is too long");
        assertThat(invalid).hasMessage("texts[2]: is too long");
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(invalid.subject()).hasValue("m/1");
        assertThat(invalid.field()).isEqualTo("texts[2]");
        assertThat(invalid.isTransient()).isFalse();
        assertThat(new ModelOverloadedException("m/1", "full")).isInstanceOf(TransientException.class)
            .satisfies(e -> assertThat(e.isTransient()).isTrue());
        assertThat(new ServerShuttingDownException("minilm", "shutting down")).isInstanceOf(TransientException.class)
            .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
            .satisfies(e -> assertThat(e.subject()).hasValue("minilm"));
    }

    @Test
    void transientAndNonTransientCodesCannotBeMixedUp() {
        assertThatThrownBy(() -> new TransientException(ErrorCode.INVALID_INPUT, null, "x"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NonTransientException(ErrorCode.OVERLOADED, null, "x"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tensorInfoMarksDynamicDimensions() {
        TensorInfo info = TensorInfo.of("input_ids", ElementType.INT64, -1, 128);
        assertThat(info.rank()).isEqualTo(2);
        assertThat(info.isDynamic(0)).isTrue();
        assertThat(info.isDynamic(1)).isFalse();
        assertThat(info).hasToString("input_ids:INT64[-1,128]");
        assertThatThrownBy(() -> TensorInfo.of("x", ElementType.FLOAT32, -2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tensorsExposeOnlyTheirOwnType() {
        Tensor t = Tensor.ofFloats(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        assertThat(t.shapeElementCount()).isEqualTo(6);
        assertThat(t.dataLength()).isEqualTo(6);
        assertThat(t.floats()).hasSize(6);
        assertThatThrownBy(t::longs).isInstanceOf(IllegalStateException.class).hasMessageContaining("FLOAT32, not INT64");
        long[] shape = t.shape();
        shape[0] = 99;
        assertThat(t.shape()).containsExactly(2, 3);
        assertThatThrownBy(() -> Tensor.ofLongs(new long[0], -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void genericFactoryChecksTheArrayAgainstTheType() {
        assertThat(Tensor.of(ElementType.UINT8, new byte[2], 2).type()).isEqualTo(ElementType.UINT8);
        assertThat(Tensor.of(ElementType.STRING, new String[] { "a" }, 1).array()).isInstanceOf(String[].class);
        assertThatThrownBy(() -> Tensor.of(ElementType.INT64, new int[2], 2)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("INT64 tensor needs a long[], got int[]");
        assertThatThrownBy(() -> Tensor.arrayClass(ElementType.FLOAT16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void taskTypesParseManifestIds() {
        assertThat(TaskType.fromId("text-embedding")).isEqualTo(TaskType.TEXT_EMBEDDING);
        assertThat(TaskType.fromId("TEXT_CLASSIFICATION")).isEqualTo(TaskType.TEXT_CLASSIFICATION);
        assertThatThrownBy(() -> TaskType.fromId("nope")).hasMessageContaining("raw, text-classification, text-embedding");
        assertThat(ElementType.STRING.protocolName()).isEqualTo("BYTES");
    }
}
