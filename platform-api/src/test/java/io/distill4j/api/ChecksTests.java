package io.distill4j.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChecksTests {

    @Test
    void eachCheckReturnsAnAcceptedValue() {
        Object value = new Object();
        assertThat(Checks.notNull(value, "f")).isSameAs(value);
        assertThat(Checks.notBlank(" a ", "f")).isEqualTo(" a ");
        assertThat(Checks.path(Path.of("a"), "f")).isEqualTo(Path.of("a"));
        assertThat(Checks.inRange(3, 3, 3, "f")).isEqualTo(3);
        assertThat(Checks.inRange(-1.0, -1, 1, "f")).isEqualTo(-1.0);
        assertThat(Checks.atLeast(2, 2, "f")).isEqualTo(2);
        assertThat(Checks.atLeast(5L, 0L, "f")).isEqualTo(5L);
        assertThat(Checks.probability(1.0, "f")).isEqualTo(1.0);
        assertThat(Checks.finite(-7.5, "f")).isEqualTo(-7.5);
        assertThat(Checks.positive(Duration.ofNanos(1), "f")).isEqualTo(Duration.ofNanos(1));
        assertThat(Checks.notNegative(Duration.ZERO, "f")).isEqualTo(Duration.ZERO);
    }

    @Test
    void failuresNameTheFieldTheLimitAndTheValue() {
        assertThatThrownBy(() -> Checks.notNull(null, "spec.teacher")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("spec.teacher must not be null");
        assertThatThrownBy(() -> Checks.notBlank(" ", "name")).hasMessage("name must not be blank, was ' '");
        assertThatThrownBy(() -> Checks.notBlank(null, "name")).hasMessage("name must not be blank, was null");
        assertThatThrownBy(() -> Checks.path(Path.of(""), "data.path")).hasMessage("data.path must not be an empty path");
        assertThatThrownBy(() -> Checks.inRange(0, 1, 9, "layers")).hasMessage("layers must be in [1, 9], was 0");
        assertThatThrownBy(() -> Checks.inRange(1.5, -1, 1, "minMeanCosine"))
            .hasMessage("minMeanCosine must be in [-1.0, 1.0], was 1.5");
        assertThatThrownBy(() -> Checks.atLeast(0, 1, "epochs")).hasMessage("epochs must be >= 1, was 0");
        assertThatThrownBy(() -> Checks.atLeast(-1L, 0L, "rows")).hasMessage("rows must be >= 0, was -1");
        assertThatThrownBy(() -> Checks.probability(1.01, "alpha")).hasMessage("alpha must be in [0, 1], was 1.01");
        assertThatThrownBy(() -> Checks.finite(Double.POSITIVE_INFINITY, "loss"))
            .hasMessage("loss must be a finite number, was Infinity");
        assertThatThrownBy(() -> Checks.positive(Duration.ZERO, "timeout")).hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> Checks.notNegative(Duration.ofSeconds(-1), "duration"))
            .hasMessage("duration must not be negative, was PT-1S");
    }

    @Test
    void nanIsNeverInARange() {
        assertThatThrownBy(() -> Checks.inRange(Double.NaN, -1, 1, "x")).hasMessageContaining("was NaN");
        assertThatThrownBy(() -> Checks.probability(Double.NaN, "p")).hasMessageContaining("was NaN");
        assertThatThrownBy(() -> Checks.finite(Double.NaN, "v")).hasMessageContaining("was NaN");
    }

    @Test
    void durationChecksRejectNullByName() {
        assertThatThrownBy(() -> Checks.positive(null, "timeout")).hasMessage("timeout must not be null");
        assertThatThrownBy(() -> Checks.notNegative(null, "duration")).hasMessage("duration must not be null");
    }

    @Test
    void mapCopiesAreUnmodifiableAndKeepOrSortTheKeys() {
        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("b", 2);
        map.put("a", 1);
        Map<String, Integer> sorted = Checks.sortedCopy(map, "m");
        Map<String, Integer> ordered = Checks.orderedCopy(map, "m");
        map.put("c", 3);
        assertThat(sorted.keySet()).containsExactly("a", "b");
        assertThat(ordered.keySet()).containsExactly("b", "a");
        assertThatThrownBy(() -> sorted.put("z", 0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ordered.put("z", 0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void mapCopiesNameTheBlankKeyOrTheNullValue() {
        Map<String, Object> blankKey = new HashMap<>();
        blankKey.put(" ", 1);
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("lr", null);
        assertThatThrownBy(() -> Checks.sortedCopy(blankKey, "hyperParameters"))
            .hasMessage("hyperParameters key must not be blank, was ' '");
        assertThatThrownBy(() -> Checks.orderedCopy(nullValue, "metrics")).hasMessage("metrics['lr'] must not be null");
        assertThatThrownBy(() -> Checks.sortedCopy(null, "metrics")).hasMessage("metrics must not be null");
    }
}
