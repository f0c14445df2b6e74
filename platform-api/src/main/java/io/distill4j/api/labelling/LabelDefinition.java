package io.distill4j.api.labelling;

import java.util.List;

import io.distill4j.api.Checks;

/**
 * One label a {@link LabellingModel} may answer with: its name (what the model must answer, and the class
 * the student learns), an optional description the prompt gives the model, and optional example texts of
 * the label (few-shot examples).
 *
 * <pre>{@code
 * LabelDefinition.of("refund", "The customer asks for their money back", List.of("I want a refund for order 12"));
 * }</pre>
 *
 * @param name the label, as the model must answer it; not blank, at most {@value #MAX_NAME_LENGTH} characters,
 *     no line breaks
 * @param description what the label means, for the model; may be empty
 * @param examples texts of this label shown to the model; at most {@value #MAX_EXAMPLES}
 */
public record LabelDefinition(String name, String description, List<String> examples) {

    /** Longest {@link #name()}. */
    public static final int MAX_NAME_LENGTH = 200;

    /** Most {@link #examples()} per label. */
    public static final int MAX_EXAMPLES = 20;

    public LabelDefinition {
        Checks.notBlank(name, "labels.name");
        if (name.length() > MAX_NAME_LENGTH || name.contains("\n") || name.contains("\r")) {
            throw new IllegalArgumentException("labels.name must be one line of at most " + MAX_NAME_LENGTH
                    + " characters, was '" + name + "'");
        }
        description = Checks.notNull(description, "labels[" + name + "].description").strip();
        examples = List.copyOf(Checks.notNull(examples, "labels[" + name + "].examples"));
        if (examples.size() > MAX_EXAMPLES) {
            throw new IllegalArgumentException("labels[" + name + "].examples must hold at most " + MAX_EXAMPLES
                    + " texts, was " + examples.size());
        }
        for (int i = 0; i < examples.size(); i++) {
            Checks.notBlank(examples.get(i), "labels[" + name + "].examples[" + i + "]");
        }
    }

    /** A label with only a name. */
    public static LabelDefinition of(String name) {
        return new LabelDefinition(name, "", List.of());
    }

    /** A label with a description. */
    public static LabelDefinition of(String name, String description) {
        return new LabelDefinition(name, description, List.of());
    }

    /** A label with a description and example texts. */
    public static LabelDefinition of(String name, String description, List<String> examples) {
        return new LabelDefinition(name, description, examples);
    }
}
