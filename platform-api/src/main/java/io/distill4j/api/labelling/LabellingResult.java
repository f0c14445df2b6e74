package io.distill4j.api.labelling;

import java.util.List;

import io.distill4j.api.Checks;

/**
 * A {@link LabellingModel}'s answers to one {@link LabellingRequest}: one {@link LabelledText} per text, in
 * the request's order.
 *
 * @param texts the answers
 */
public record LabellingResult(List<LabelledText> texts) {

    public LabellingResult {
        texts = List.copyOf(Checks.notNull(texts, "texts"));
    }

    /** What the whole request cost. */
    public LabellingUsage usage() {
        LabellingUsage usage = LabellingUsage.ZERO;
        for (LabelledText text : this.texts) {
            usage = usage.plus(text.usage());
        }
        return usage;
    }
}
