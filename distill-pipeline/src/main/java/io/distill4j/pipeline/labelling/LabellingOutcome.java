package io.distill4j.pipeline.labelling;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingUsage;

/**
 * What {@link Labeller#label} gathered: an answer per text (empty where the text was not asked because the
 * budget ran out), where the answers came from, and what the new ones cost.
 *
 * @param answers per text, in the order given
 * @param fromJournal distinct texts answered from the journal, without a request
 * @param asked distinct texts asked this time
 * @param notAsked distinct texts left unasked because the budget was reached
 * @param retries requests tried again after a transient failure
 * @param spent what this call's requests cost, retries included
 * @param journalled what the answers read from the journal had cost when they were asked
 * @param budgetReached whether the budget stopped the asking
 */
public record LabellingOutcome(List<Optional<LabelledText>> answers, int fromJournal, int asked, int notAsked,
        long retries, LabellingUsage spent, LabellingUsage journalled, boolean budgetReached) {

    public LabellingOutcome {
        answers = List.copyOf(answers);
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(journalled, "journalled");
    }
}
