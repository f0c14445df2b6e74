package io.distill4j.engine.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.distill4j.api.exception.ModelLoadException;

/**
 * A HuggingFace tokenizer ({@code tokenizer.json}) loaded through DJL's native bindings, set to add
 * special tokens, truncate to a maximum length and not pad (padding happens per batch, in {@link
 * TokenBatch}). Owns the native tokenizer; {@link #close()} is idempotent and use after close throws
 * {@link IllegalStateException}. {@link #encode(String)} may be called from many threads at once.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private final int maxLength;

    private final AtomicBoolean closed = new AtomicBoolean();

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /**
     * Loads a tokenizer file.
     * @param modelId model id for messages
     * @param file the {@code tokenizer.json}
     * @param maxLength truncation length in tokens, special tokens included
     * @throws ModelLoadException if the file cannot be read or parsed
     */
    public static TextTokenizer open(String modelId, Path file, int maxLength) {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optPadding(false)
                .optMaxLength(maxLength)
                .build();
            return new TextTokenizer(tokenizer, maxLength);
        }
        catch (IOException | RuntimeException ex) {
            throw new ModelLoadException(modelId, "Cannot load tokenizer " + file.getFileName() + ": " + ex.getMessage(), ex);
        }
    }

    /** Truncation length in tokens. */
    public int maxLength() {
        return this.maxLength;
    }

    /** Tokenizes one text (special tokens added, truncated, unpadded). */
    public TokenizedText encode(String text) {
        if (this.closed.get()) {
            throw new IllegalStateException("Tokenizer is closed");
        }
        Encoding encoding = this.tokenizer.encode(text);
        return new TokenizedText(encoding.getIds(), encoding.getAttentionMask(), encoding.getTypeIds());
    }

    /** Releases the native tokenizer. Idempotent. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.tokenizer.close();
        }
    }
}
