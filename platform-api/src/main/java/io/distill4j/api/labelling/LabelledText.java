package io.distill4j.api.labelling;

import java.util.List;

import io.distill4j.api.Checks;

/**
 * A {@link LabellingModel}'s answer for one text.
 *
 * <pre>{@code
 * LabelledText.of(List.of(0.8, 0.2), TargetSource.SAMPLES, 0, usage);  // 4 of 5 samples said label 0
 * LabelledText.unanswered(3, usage);                                   // three answers, none in the set
 * }</pre>
 *
 * @param probabilities one probability per label of the request's {@link LabelSet}, in its order, summing to 1
 *     within 0.001; empty exactly when {@code source} is {@link TargetSource#NONE}
 * @param source how the distribution was made
 * @param outOfSetAnswers answers that named no label of the set (asked again, up to
 *     {@link LabellingOptions#attempts()}); {@code >= 0}
 * @param usage what labelling this text cost
 */
public record LabelledText(List<Double> probabilities, TargetSource source, int outOfSetAnswers,
        LabellingUsage usage) {

    public LabelledText {
        probabilities = List.copyOf(Checks.notNull(probabilities, "probabilities"));
        Checks.notNull(source, "source");
        Checks.atLeast(outOfSetAnswers, 0, "outOfSetAnswers");
        Checks.notNull(usage, "usage");
        if (probabilities.isEmpty() != (source == TargetSource.NONE)) {
            throw new IllegalArgumentException("probabilities must be empty exactly when source is NONE, was "
                    + probabilities.size() + " values with source " + source);
        }
        double sum = 0;
        for (int i = 0; i < probabilities.size(); i++) {
            sum += Checks.probability(probabilities.get(i), "probabilities[" + i + "]");
        }
        if (!probabilities.isEmpty() && Math.abs(sum - 1) > 1e-3) {
            throw new IllegalArgumentException("probabilities must sum to 1 within 0.001, was " + sum);
        }
    }

    /** An answer with a distribution. */
    public static LabelledText of(List<Double> probabilities, TargetSource source, int outOfSetAnswers,
            LabellingUsage usage) {
        return new LabelledText(probabilities, source, outOfSetAnswers, usage);
    }

    /** No answer in the label set after {@code outOfSetAnswers} tries. */
    public static LabelledText unanswered(int outOfSetAnswers, LabellingUsage usage) {
        return new LabelledText(List.of(), TargetSource.NONE, outOfSetAnswers, usage);
    }

    /** Whether the text got a distribution. */
    public boolean answered() {
        return this.source != TargetSource.NONE;
    }

    /**
     * The index of the most probable label, the first on ties.
     * @throws IllegalStateException when the text got no distribution
     */
    public int mostProbable() {
        if (!answered()) {
            throw new IllegalStateException("an unanswered text has no most probable label");
        }
        int best = 0;
        for (int i = 1; i < this.probabilities.size(); i++) {
            if (this.probabilities.get(i) > this.probabilities.get(best)) {
                best = i;
            }
        }
        return best;
    }
}
