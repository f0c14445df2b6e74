package io.distill4j.api.generation;

import io.distill4j.api.Checks;

/**
 * One request to a {@link TextGenerationModel}: a prompt asking for texts of one label.
 *
 * @param label the label the texts are for, as named in the {@link GenerationSpec}'s label set; for logs and for
 *     stand-ins in tests, never sent on its own
 * @param prompt the user message, {@link GenerationPrompts#render rendered} from the spec's template; not blank
 * @param count how many texts the prompt asks for, 1 to {@value GenerationSpec#MAX_TEXTS_PER_REQUEST}
 * @param temperature the sampling temperature, 0 to 2
 */
public record GenerationRequest(String label, String prompt, int count, double temperature) {

    public GenerationRequest {
        Checks.notBlank(label, "request.label");
        Checks.notBlank(prompt, "request.prompt");
        Checks.inRange(count, 1, GenerationSpec.MAX_TEXTS_PER_REQUEST, "request.count");
        Checks.inRange(temperature, 0.0, 2.0, "request.temperature");
    }

    /** A request. */
    public static GenerationRequest of(String label, String prompt, int count, double temperature) {
        return new GenerationRequest(label, prompt, count, temperature);
    }
}
