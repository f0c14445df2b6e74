package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class SpreadTests {

    @Test
    void oddCountTakesTheMiddleValueWhateverTheOrder() {
        Spread spread = Spread.of(List.of(900.0, 410.0, 1200.0, 450.0, 430.0));

        assertThat(spread.median()).isEqualTo(450.0);
        assertThat(spread.min()).isEqualTo(410.0);
        assertThat(spread.max()).isEqualTo(1200.0);
        assertThat(spread.count()).isEqualTo(5);
        assertThat(spread.range(0)).isEqualTo("410–1200");
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        Spread spread = Spread.of(List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(spread.median()).isEqualTo(2.5);
        assertThat(spread.range(1)).isEqualTo("1.0–4.0");
    }

    @Test
    void oneValueIsItsOwnRange() {
        Spread spread = Spread.of(List.of(1389.4));

        assertThat(spread.median()).isEqualTo(1389.4);
        assertThat(spread.range(0)).isEqualTo("1389");
    }

    @Test
    void medianAtMostComparesTheMedianNotTheWorstRepetition() {
        Spread spread = Spread.of(List.of(480.0, 490.0, 2000.0));

        assertThat(spread.medianAtMost(500)).isTrue();
        assertThat(spread.medianAtMost(485)).isFalse();
    }

    @Test
    void noValuesAreRejected() {
        assertThatThrownBy(() -> Spread.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one value");
    }

    @Test
    void aMissingValueIsRejectedRatherThanSkipped() {
        assertThatThrownBy(() -> Spread.of(List.of(1.0, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing value");
        assertThatThrownBy(() -> Spread.of(Arrays.asList(1.0, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
