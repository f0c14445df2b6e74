package io.distill4j.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.api.Tensor;
import io.distill4j.api.exception.IncompatibleModelException;
import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawBatchTests {

    private static RawBatch.Request request(float[] x, long rows, String[] labels) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Tensor.ofFloats(x, rows, 2));
        inputs.put("label", Tensor.ofStrings(labels, rows));
        return RawBatch.request("m/1", inputs);
    }

    @Test
    void concatenatesAlongTheFirstDimensionAndSplitsBackPerRequest() {
        RawBatch.Request a = request(new float[] { 1, 2 }, 1, new String[] { "a" });
        RawBatch.Request b = request(new float[] { 3, 4, 5, 6 }, 2, new String[] { "b", "c" });
        Map<String, Tensor> merged = RawBatch.concat(List.of(a, b));
        assertThat(merged.get("x").shape()).containsExactly(3, 2);
        assertThat(merged.get("x").floats()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(merged.get("label").strings()).containsExactly("a", "b", "c");

        List<Map<String, Tensor>> parts = RawBatch.split("m/1", merged, List.of(a, b));
        assertThat(parts.get(0).get("x").shape()).containsExactly(1, 2);
        assertThat(parts.get(0).get("x").floats()).containsExactly(1, 2);
        assertThat(parts.get(1).get("x").floats()).containsExactly(3, 4, 5, 6);
        assertThat(parts.get(1).get("label").strings()).containsExactly("b", "c");
    }

    @Test
    void requestsOfDifferentInnerShapesGetDifferentBuckets() {
        RawBatch.Request a = RawBatch.request("m/1", Map.of("x", Tensor.ofFloats(new float[2], 1, 2)));
        RawBatch.Request b = RawBatch.request("m/1", Map.of("x", Tensor.ofFloats(new float[3], 1, 3)));
        RawBatch.Request c = RawBatch.request("m/1", Map.of("x", Tensor.ofFloats(new float[4], 2, 2)));
        assertThat(a.shapeKey()).isNotEqualTo(b.shapeKey()).isEqualTo(c.shapeKey());
        assertThatThrownBy(() -> RawBatch.concat(List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inputsMustAgreeOnTheBatchSize() {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Tensor.ofFloats(new float[4], 2, 2));
        inputs.put("y", Tensor.ofFloats(new float[6], 3, 2));
        assertThatThrownBy(() -> RawBatch.request("m/1", inputs)).isInstanceOf(InvalidInputException.class)
            .hasMessage("inputs.y.shape[0]: must equal the batch size 2 of inputs.x, was 3");
    }

    @Test
    void anOutputWithoutTheBatchDimensionCannotBeSplit() {
        RawBatch.Request a = request(new float[] { 1, 2 }, 1, new String[] { "a" });
        RawBatch.Request b = request(new float[] { 3, 4 }, 1, new String[] { "b" });
        assertThatThrownBy(() -> RawBatch.split("m/1", Map.of("sum", Tensor.ofFloats(new float[] { 10 }, 1)), List.of(a, b)))
            .isInstanceOf(IncompatibleModelException.class)
            .hasMessageContaining("dimension 0 is the batch");
    }
}
