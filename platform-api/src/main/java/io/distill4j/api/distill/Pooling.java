package io.distill4j.api.distill;

import java.util.Locale;

/**
 * How an encoder teacher's token vectors {@code [batch, tokens, hidden]} become one vector per text. The
 * choice belongs to the model: sentence-transformers models such as all-MiniLM-L6-v2 were trained with
 * {@link #MEAN}, the BGE family with {@link #CLS}. A model repository's {@code model.json} names it with
 * {@link #id()}.
 */
public enum Pooling {

    /** The mean of the token vectors where the attention mask is 1. */
    MEAN,

    /** The first token's vector (BERT's {@code [CLS]} position). */
    CLS;

    /** The lower-case name a {@code model.json} uses: {@code mean} or {@code cls}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
