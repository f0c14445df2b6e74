package io.distill4j.api.labelling;

import java.util.List;

import io.distill4j.api.Checks;

/**
 * Texts to label, the labels to choose from and how to ask.
 *
 * @param texts one or more texts, none blank
 * @param labels the labels; the answers' probabilities follow their order
 * @param options prompt, sampling and attempts
 */
public record LabellingRequest(List<String> texts, LabelSet labels, LabellingOptions options) {

    public LabellingRequest {
        texts = List.copyOf(Checks.notNull(texts, "texts"));
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("texts must hold at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            Checks.notBlank(texts.get(i), "texts[" + i + "]");
        }
        Checks.notNull(labels, "labels");
        Checks.notNull(options, "options");
    }

    /** One text. */
    public static LabellingRequest of(String text, LabelSet labels, LabellingOptions options) {
        return new LabellingRequest(List.of(text), labels, options);
    }

    /** The prompt of text {@code index}, {@link LabellingPrompts#render rendered} from the options' template. */
    public String prompt(int index) {
        return LabellingPrompts.render(this.options.promptTemplate(), this.labels, this.texts.get(index));
    }
}
