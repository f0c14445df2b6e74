package io.distill4j.api;

import java.util.Locale;

/** What a served model does, which decides the pre- and post-processing around the raw session. */
public enum TaskType {
    /** Tensors in, tensors out; no pre- or post-processing. */
    RAW("raw"),
    /** Text in, label probabilities out (softmax over logits, top-k). */
    TEXT_CLASSIFICATION("text-classification"),
    /** Text in, one vector out (mean or CLS pooling, optional L2 normalization). */
    TEXT_EMBEDDING("text-embedding");

    private final String id;

    TaskType(String id) {
        this.id = id;
    }

    /** The identifier used in {@code model.json}: {@code raw}, {@code text-classification}, {@code text-embedding}. */
    public String id() {
        return this.id;
    }

    /**
     * Parses an identifier as written in {@code model.json}.
     * @throws IllegalArgumentException naming the accepted values if the identifier is unknown
     */
    public static TaskType fromId(String id) {
        for (TaskType t : values()) {
            if (t.id.equals(id) || t.name().equals(id.toUpperCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown task '" + id + "': expected one of raw, text-classification, text-embedding");
    }
}
