package io.distill4j.pipeline.data;

import java.util.Objects;
import java.util.Optional;

/**
 * One text example: the text, an optional second text (sentence-pair tasks), an optional label, the
 * line of the source file it starts on, and whether augmentation made it. Unlabelled examples are
 * allowed; the teacher labels them.
 *
 * <pre>{@code
 * TextExample example = TextExample.labeled("How do I unblock my PIN?", "pin_blocked", 274);
 * example.label().orElse("?"); // "pin_blocked"
 * }</pre>
 *
 * @param text the text, never blank
 * @param textPair the second text of a pair, if the data set has one
 * @param label the label, if any, never blank
 * @param line the 1-based line of the source file the example starts on (for an augmented example, the
 *     line of the example it was made from); 0 when the example did not come from a file
 * @param augmented whether {@link Augmenter} made this example (augmented examples are unlabelled)
 */
public record TextExample(String text, Optional<String> textPair, Optional<String> label, long line,
        boolean augmented) {

    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(textPair, "textPair");
        Objects.requireNonNull(label, "label");
        if (text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank (line " + line + ")");
        }
        if (label.isPresent() && label.get().isBlank()) {
            throw new IllegalArgumentException("label must not be blank when present (line " + line + ")");
        }
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, was " + line);
        }
    }

    /** A labelled single-text example. */
    public static TextExample labeled(String text, String label, long line) {
        return new TextExample(text, Optional.empty(), Optional.of(label), line, false);
    }

    /** An unlabelled single-text example. */
    public static TextExample unlabeled(String text, long line) {
        return new TextExample(text, Optional.empty(), Optional.empty(), line, false);
    }

    /** Whether the example has a label. */
    public boolean isLabeled() {
        return label.isPresent();
    }
}
