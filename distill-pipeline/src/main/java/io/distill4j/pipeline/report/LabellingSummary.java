package io.distill4j.pipeline.report;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

import io.distill4j.api.Checks;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;

/**
 * What a labelling-model (LLM) teacher did: how many texts it answered and from where, how their soft
 * targets were made, what was left out and why, and what it cost.
 *
 * @param model the labelling model's id
 * @param texts distinct texts of all splits
 * @param fromJournal answered from the journal of earlier exchanges, without a request
 * @param asked asked in this job
 * @param notAsked left unasked because the budget was reached
 * @param unanswered answered outside the label set on every attempt
 * @param outOfSetAnswers answers, over all texts, that named no label of the set
 * @param sources how many answered texts' distributions came from each source
 * @param leftOut per split ({@code train}, {@code validation}, {@code test}), the rows without a distribution,
 *     left out of that split
 * @param retries requests tried again after a transient failure
 * @param spent what this job's requests cost
 * @param journalled what the answers taken from the journal had cost when they were asked
 * @param cost the price of {@code spent}, when prices are configured
 * @param budgetReached whether the budget stopped the asking
 * @param journal the journal file the answers are kept in (a path on the distiller's machine)
 */
public record LabellingSummary(String model, int texts, int fromJournal, int asked, int notAsked, int unanswered,
        long outOfSetAnswers, Map<TargetSource, Integer> sources, Map<String, Integer> leftOut, long retries,
        LabellingUsage spent, LabellingUsage journalled, OptionalDouble cost, boolean budgetReached, String journal) {

    public LabellingSummary {
        Checks.notBlank(model, "labelling.model");
        sources = Map.copyOf(sources);
        leftOut = Map.copyOf(leftOut);
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(journalled, "journalled");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(journal, "journal");
    }

    /** One line for logs and the progress milestone. */
    public String describe() {
        StringBuilder line = new StringBuilder().append(this.texts).append(" texts: ").append(this.fromJournal)
                .append(" from the journal, ").append(this.asked).append(" asked");
        if (this.notAsked > 0) {
            line.append(", ").append(this.notAsked).append(" not asked (budget reached)");
        }
        if (this.unanswered > 0) {
            line.append(", ").append(this.unanswered).append(" without an answer in the label set");
        }
        line.append("; ").append(this.spent.requests()).append(" requests, ").append(this.spent.totalTokens())
                .append(" tokens");
        this.cost.ifPresent(c -> line.append(String.format(Locale.ROOT, ", cost %.4f", c)));
        return line.toString();
    }
}
