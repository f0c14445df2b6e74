package io.distill4j.engine.text;

import java.util.Locale;

/** How token vectors of an encoder output become one text vector. */
public enum Pooling {
    /** Average of the token vectors, counting only tokens whose attention mask is 1. */
    MEAN,
    /** The vector of the first token ({@code [CLS]}). */
    CLS,
    /** The model output is already one vector per text ({@code [batch, hidden]}). */
    NONE;

    /**
     * Parses {@code mean}, {@code cls} or {@code none} (any case).
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Pooling fromId(String id) {
        try {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("Unknown pooling '" + id + "': expected one of mean, cls, none");
        }
    }
}
