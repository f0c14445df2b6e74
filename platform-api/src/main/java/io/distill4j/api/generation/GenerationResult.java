package io.distill4j.api.generation;

import java.util.List;

import io.distill4j.api.Checks;
import io.distill4j.api.labelling.LabellingUsage;

/**
 * A {@link TextGenerationModel}'s answer to one {@link GenerationRequest}.
 *
 * @param texts the texts the answer held, in its order, as {@link GenerationPrompts#parseTexts} read them; none
 *     blank; may be empty
 * @param usage what the request cost (one request, and the tokens the provider counted)
 */
public record GenerationResult(List<String> texts, LabellingUsage usage) {

    public GenerationResult {
        texts = List.copyOf(Checks.notNull(texts, "texts"));
        for (int i = 0; i < texts.size(); i++) {
            Checks.notBlank(texts.get(i), "texts[" + i + "]");
        }
        Checks.notNull(usage, "usage");
    }

    /** An answer. */
    public static GenerationResult of(List<String> texts, LabellingUsage usage) {
        return new GenerationResult(texts, usage);
    }
}
