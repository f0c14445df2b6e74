package io.distill4j.api.labelling;

import io.distill4j.api.Checks;

/**
 * What labelling cost: requests sent to the model and the tokens it counted (zero where the provider does
 * not report them).
 *
 * @param requests requests sent, every retry and sample included; {@code >= 0}
 * @param promptTokens tokens of the prompts; {@code >= 0}
 * @param completionTokens tokens of the answers; {@code >= 0}
 */
public record LabellingUsage(long requests, long promptTokens, long completionTokens) {

    /** Nothing spent. */
    public static final LabellingUsage ZERO = new LabellingUsage(0, 0, 0);

    public LabellingUsage {
        Checks.atLeast(requests, 0, "usage.requests");
        Checks.atLeast(promptTokens, 0, "usage.promptTokens");
        Checks.atLeast(completionTokens, 0, "usage.completionTokens");
    }

    /** Prompt and completion tokens together. */
    public long totalTokens() {
        return this.promptTokens + this.completionTokens;
    }

    /** This usage and {@code other} added up. */
    public LabellingUsage plus(LabellingUsage other) {
        return new LabellingUsage(this.requests + other.requests, this.promptTokens + other.promptTokens,
                this.completionTokens + other.completionTokens);
    }
}
