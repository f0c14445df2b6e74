package io.distill4j.api.labelling;

import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * The most a job may spend on a labelling model. When either limit is reached the teacher stops asking,
 * keeps every answer it has (they stay cached), and the job goes on with the texts that were answered;
 * a later run with a larger budget asks only for the rest.
 *
 * @param maxRequests requests, every retry and sample included; 0 for no limit
 * @param maxTokens prompt and completion tokens together, as the provider counts them; 0 for no limit
 */
public record LabellingBudget(long maxRequests, long maxTokens) {

    /** No limit. */
    public static final LabellingBudget UNLIMITED = new LabellingBudget(0, 0);

    public LabellingBudget {
        Checks.atLeast(maxRequests, 0, "budget.maxRequests");
        Checks.atLeast(maxTokens, 0, "budget.maxTokens");
    }

    /** Whether {@code spent} has reached a limit. */
    public boolean exhaustedBy(LabellingUsage spent) {
        return (this.maxRequests > 0 && spent.requests() >= this.maxRequests)
                || (this.maxTokens > 0 && spent.totalTokens() >= this.maxTokens);
    }

    /** What is left after {@code spent} (unlimited stays unlimited); empty when a limit is reached. */
    public Optional<LabellingBudget> remainingAfter(LabellingUsage spent) {
        if (exhaustedBy(spent)) {
            return Optional.empty();
        }
        return Optional.of(new LabellingBudget(this.maxRequests == 0 ? 0 : this.maxRequests - spent.requests(),
                this.maxTokens == 0 ? 0 : this.maxTokens - spent.totalTokens()));
    }
}
