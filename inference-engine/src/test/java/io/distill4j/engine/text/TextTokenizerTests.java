package io.distill4j.engine.text;

import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.testing.MiniLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MiniLM tokenizer.json through DJL's HuggingFace bindings. */
class TextTokenizerTests {

    @Test
    void addsSpecialTokensAndDoesNotPad() {
        try (TextTokenizer tokenizer = TextTokenizer.open("m/1", MiniLm.tokenizerFile(), 16)) {
            TokenizedText t = tokenizer.encode("Hello world");
            assertThat(t.ids()).startsWith(101L).endsWith(102L).hasSize(4);
            assertThat(t.attentionMask()).containsOnly(1L);
            assertThat(t.typeIds()).containsOnly(0L);
        }
    }

    @Test
    void truncatesToTheMaximumLengthKeepingTheEndToken() {
        try (TextTokenizer tokenizer = TextTokenizer.open("m/1", MiniLm.tokenizerFile(), 16)) {
            TokenizedText t = tokenizer.encode("word ".repeat(100));
            assertThat(t.length()).isEqualTo(16);
            assertThat(t.ids()[15]).isEqualTo(102L);
        }
    }

    @Test
    void closeReleasesIsIdempotentAndUseAfterCloseFails() {
        TextTokenizer tokenizer = TextTokenizer.open("m/1", MiniLm.tokenizerFile(), 16);
        tokenizer.close();
        assertThatNoException().isThrownBy(tokenizer::close);
        assertThatThrownBy(() -> tokenizer.encode("x")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
    }

    @Test
    void aBrokenTokenizerFileIsALoadError(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 42");
        assertThatThrownBy(() -> TextTokenizer.open("m/1", broken, 16)).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("Cannot load tokenizer tokenizer.json");
    }
}
