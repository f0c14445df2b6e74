package io.distill4j.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelIdTests {

    @Test
    void acceptsRepositoryFolderNames() {
        assertThat(ModelId.of("all-minilm_l6.v2", 3)).hasToString("all-minilm_l6.v2/3");
    }

    @Test
    void rejectsNamesThatCouldAddressOtherFolders() {
        for (String name : new String[] { "..", ".", "../x", "a/b", "a\\b", "/abs", "", " x", ".hidden", "x".repeat(129) }) {
            assertThat(ModelId.isValidName(name)).as(name).isFalse();
            assertThatThrownBy(() -> ModelId.of(name, 1)).as(name).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ModelId.NAME_PATTERN);
        }
        assertThatThrownBy(() -> ModelId.of(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rejectsVersionsBelowOne() {
        assertThatThrownBy(() -> ModelId.of("m", 0)).hasMessageContaining("version must be >= 1, was 0");
    }
}
