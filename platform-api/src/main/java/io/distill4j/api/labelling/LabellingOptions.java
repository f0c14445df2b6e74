package io.distill4j.api.labelling;

import io.distill4j.api.Checks;

/**
 * How a {@link LabellingModel} is asked: the prompt, the sampling, and how often an answer outside the label
 * set is asked again. Every field is part of the key under which the distiller caches answers.
 *
 * <pre>{@code
 * LabellingOptions.ofDefaults();                                       // one answer at temperature 0
 * LabellingOptions.ofDefaults().samples(5).temperature(0.7);           // five sampled answers per text
 * LabellingOptions.ofDefaults().promptTemplate("Topic of: {text}\nOne of: {labels}\nAnswer as JSON {\"label\": ...}");
 * }</pre>
 *
 * @param promptTemplate the user message, with {@code {text}} (required), {@code {labels}} and
 *     {@code {examples}} filled in by {@link LabellingPrompts#render}; default
 *     {@link LabellingPrompts#DEFAULT_TEMPLATE}
 * @param temperature the sampling temperature, 0 to 2; must be above 0 when {@code samples > 1} (identical
 *     samples teach nothing); default 0
 * @param samples answers per text, 1 to {@value #MAX_SAMPLES}; with more than one the distribution is the
 *     share of each label among them; default 1
 * @param logProbabilities whether to ask the provider for the log-probabilities of the answer's tokens and make
 *     the distribution from them when it returns them; default true
 * @param attempts how often one answer may be asked for in all when answers name no label of the set,
 *     1 to {@value #MAX_ATTEMPTS}; default 3
 */
public record LabellingOptions(String promptTemplate, double temperature, int samples, boolean logProbabilities,
        int attempts) {

    /** Most {@link #samples()}. */
    public static final int MAX_SAMPLES = 20;

    /** Most {@link #attempts()}. */
    public static final int MAX_ATTEMPTS = 10;

    public LabellingOptions {
        LabellingPrompts.checkTemplate(promptTemplate);
        Checks.inRange(temperature, 0.0, 2.0, "options.temperature");
        Checks.inRange(samples, 1, MAX_SAMPLES, "options.samples");
        Checks.inRange(attempts, 1, MAX_ATTEMPTS, "options.attempts");
        if (samples > 1 && temperature == 0) {
            throw new IllegalArgumentException("options.temperature must be above 0 when options.samples is "
                    + samples + ": answers at temperature 0 are all the same");
        }
    }

    /** The default template, temperature 0, one answer, log-probabilities asked for, 3 attempts. */
    public static LabellingOptions ofDefaults() {
        return new LabellingOptions(LabellingPrompts.DEFAULT_TEMPLATE, 0.0, 1, true, 3);
    }

    /** A copy with this template. */
    public LabellingOptions promptTemplate(String template) {
        return new LabellingOptions(template, this.temperature, this.samples, this.logProbabilities, this.attempts);
    }

    /** A copy with this temperature. */
    public LabellingOptions temperature(double temperature) {
        return new LabellingOptions(this.promptTemplate, temperature, this.samples, this.logProbabilities,
                this.attempts);
    }

    /**
     * A copy with this many samples per text. Raising the samples above 1 at temperature 0 sets the
     * temperature to 1, the providers' usual default, so {@code ofDefaults().samples(5)} is valid.
     */
    public LabellingOptions samples(int samples) {
        double t = samples > 1 && this.temperature == 0 ? 1.0 : this.temperature;
        return new LabellingOptions(this.promptTemplate, t, samples, this.logProbabilities, this.attempts);
    }

    /** A copy that does or does not ask for log-probabilities. */
    public LabellingOptions logProbabilities(boolean ask) {
        return new LabellingOptions(this.promptTemplate, this.temperature, this.samples, ask, this.attempts);
    }

    /** A copy with this many attempts per answer. */
    public LabellingOptions attempts(int attempts) {
        return new LabellingOptions(this.promptTemplate, this.temperature, this.samples, this.logProbabilities,
                attempts);
    }
}
