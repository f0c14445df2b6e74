package io.distill4j.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.distill4j.pipeline.data.ColumnMapping.Column;

class ColumnMappingTests {

    @Test
    void theDefaultsAreAHeaderWithTextAndLabel() {
        ColumnMapping mapping = ColumnMapping.ofDefaults();

        assertThat(mapping.text()).isEqualTo(Column.named("text"));
        assertThat(mapping.label()).contains(Column.named("label"));
        assertThat(mapping.textPair()).isEmpty();
        assertThat(mapping.header()).isTrue();
    }

    @Test
    void aHeaderIsAssumedOnlyWhenAColumnIsNamed() {
        assertThat(ColumnMapping.builder().text(0).label(2).build().header()).isFalse();
        assertThat(ColumnMapping.builder().text("sentence").label(2).build().header()).isTrue();
        assertThat(ColumnMapping.builder().text(0).header(true).build().header()).isTrue();
    }

    @Test
    void aNamedColumnWithoutAHeaderIsRefusedNamingTheField() {
        assertThatThrownBy(() -> ColumnMapping.builder().text(0).label("label").header(false).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("label: column 'label' is named but header is false");
    }

    @Test
    void theTextIsRequiredAndColumnsMayNotRepeat() {
        assertThatThrownBy(() -> ColumnMapping.builder().label(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text: the text column is required");
        assertThatThrownBy(() -> ColumnMapping.builder().text(1).label(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label: column 1 is also a text column");
        assertThatThrownBy(() -> ColumnMapping.builder().text("a").textPair("a").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("textPair: column 'a' is also the text column");
        assertThatThrownBy(() -> ColumnMapping.builder().text(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a column index must be >= 0, was -1");
    }
}
