package io.distill4j.api.labelling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.distill4j.api.labelling.AnswerLogProbabilities.Token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AnswerLogProbabilitiesTests {

    private static final LabelSet LABELS = LabelSet.of("card", "transfer", "exchange");

    @Test
    void singleTokenLabelsGiveTheAlternativesShares() {
        List<Token> tokens = json("card", alternatives("card", 0.7, "transfer", 0.2, "exchange", 0.05, "the", 0.05));

        List<Double> distribution = AnswerLogProbabilities.distribution("{\"label\": \"card\"}", tokens, LABELS)
                .orElseThrow();

        // The 5 % on "the" (not a label) is dropped and the rest normalised.
        assertThat(distribution.get(0)).isCloseTo(0.7 / 0.95, within(1e-9));
        assertThat(distribution.get(1)).isCloseTo(0.2 / 0.95, within(1e-9));
        assertThat(distribution.get(2)).isCloseTo(0.05 / 0.95, within(1e-9));
    }

    @Test
    void multiTokenLabelsFollowTheGeneratedPathAndLeaveAtAnAlternative() {
        LabelSet labels = LabelSet.of("card_arrival", "card_delivery_estimate", "transfer");
        List<Token> tokens = new ArrayList<>(prefix());
        tokens.add(new Token("card", Math.log(0.9), alternatives("card", 0.9, "transfer", 0.1)));
        tokens.add(new Token("_arr", Math.log(0.6), alternatives("_arr", 0.6, "_del", 0.4)));
        tokens.add(new Token("ival", Math.log(1.0), Map.of()));
        tokens.add(new Token("\"}", 0.0, Map.of()));

        List<Double> distribution = AnswerLogProbabilities.distribution("{\"label\": \"card_arrival\"}", tokens,
                labels).orElseThrow();

        assertThat(distribution.get(0)).isCloseTo(0.9 * 0.6, within(1e-9));
        assertThat(distribution.get(1)).isCloseTo(0.9 * 0.4, within(1e-9));
        assertThat(distribution.get(2)).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void aLabelThatIsAPrefixOfTheAnswerTakesTheAlternativesThatCloseTheValue() {
        LabelSet labels = LabelSet.of("card", "card_arrival");
        List<Token> tokens = new ArrayList<>(prefix());
        tokens.add(new Token("card", 0.0, alternatives("card", 1.0)));
        tokens.add(new Token("_arrival", Math.log(0.75), alternatives("_arrival", 0.75, "\"}", 0.25)));
        tokens.add(new Token("\"}", 0.0, Map.of()));

        List<Double> distribution = AnswerLogProbabilities.distribution("{\"label\": \"card_arrival\"}", tokens,
                labels).orElseThrow();

        assertThat(distribution.get(0)).isCloseTo(0.25, within(1e-9));
        assertThat(distribution.get(1)).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void labelsLeavingAtTheSameAlternativeShareIt() {
        LabelSet labels = LabelSet.of("card_declined", "card_delivery", "card_arrival");
        List<Token> tokens = new ArrayList<>(prefix());
        tokens.add(new Token("card", 0.0, alternatives("card", 1.0)));
        tokens.add(new Token("_arrival", Math.log(0.5), alternatives("_arrival", 0.5, "_de", 0.5)));
        tokens.add(new Token("\"}", 0.0, Map.of()));

        List<Double> distribution = AnswerLogProbabilities.distribution("{\"label\": \"card_arrival\"}", tokens,
                labels).orElseThrow();

        assertClose(distribution, 0.25, 0.25, 0.5);
    }

    @Test
    void aLabelThatExtendsTheGeneratedTokenTakesTheAlternativeThatSpellsIt() {
        LabelSet labels = LabelSet.of("card", "card_arrival", "transfer");
        List<Token> tokens = new ArrayList<>(prefix());
        // The answer is "card", one token; "card_arrival" is a single alternative token at the same position.
        tokens.add(new Token("card", Math.log(0.5), alternatives("card", 0.5, "card_arrival", 0.3, "transfer",
                0.2)));
        tokens.add(new Token("\"}", Math.log(0.9), alternatives("\"}", 0.9, "_ar", 0.1)));

        List<Double> distribution = AnswerLogProbabilities.distribution("{\"label\": \"card\"}", tokens, labels)
                .orElseThrow();

        // card: 0.5 × 0.9 (closed); card_arrival: 0.3 as one token + 0.5 × 0.1 through "card" then "_ar".
        double total = 0.45 + 0.35 + 0.2;
        assertClose(distribution, 0.45 / total, 0.35 / total, 0.2 / total);
    }

    @Test
    void aTokenThatCarriesTheOpeningQuoteIsComparedAfterIt() {
        List<Token> tokens = List.of(new Token("{\"label\":", 0.0, Map.of()),
                new Token(" \"transfer", Math.log(0.8), alternatives(" \"transfer", 0.8, " \"card", 0.2)),
                new Token("\"}", 0.0, Map.of()));

        List<Double> distribution = AnswerLogProbabilities.distribution("{\"label\": \"transfer\"}", tokens, LABELS)
                .orElseThrow();

        assertThat(distribution.get(0)).isCloseTo(0.2, within(1e-9));
        assertThat(distribution.get(1)).isCloseTo(0.8, within(1e-9));
        assertThat(distribution.get(2)).isZero();
    }

    @Test
    void aBareAnswerEndsAtAnyNonWordCharacter() {
        List<Token> tokens = List.of(new Token("exchange", Math.log(0.6), alternatives("exchange", 0.6, "card",
                0.4)), new Token(".", 0.0, Map.of()));

        List<Double> distribution = AnswerLogProbabilities.distribution("exchange.", tokens, LABELS).orElseThrow();

        assertClose(distribution, 0.4, 0.0, 0.6);
    }

    @Test
    void noDistributionWhenTheTokensDoNotSpellTheAnswerOrNameNoLabel() {
        List<Token> tokens = json("card", alternatives("card", 0.9));

        assertThat(AnswerLogProbabilities.distribution("{\"label\": \"cards\"}", tokens, LABELS)).isEmpty();
        assertThat(AnswerLogProbabilities.distribution("{\"label\": \"other\"}", json("other", Map.of()), LABELS))
                .isEmpty();
        assertThat(AnswerLogProbabilities.distribution("{\"label\": \"card\"}", List.of(), LABELS)).isEmpty();
        assertThat(AnswerLogProbabilities.distribution(null, tokens, LABELS)).isEmpty();
    }

    @Test
    void anAnswerMatchedOnlyWhenCaseIsIgnoredGivesNoDistribution() {
        assertThat(AnswerLogProbabilities.distribution("{\"label\": \"Card\"}", json("Card", alternatives("Card",
                0.9)), LABELS)).isEmpty();
    }

    private static void assertClose(List<Double> distribution, double... expected) {
        assertThat(distribution).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(distribution.get(i)).as("label %d", i).isCloseTo(expected[i], within(1e-9));
        }
    }

    private static List<Token> prefix() {
        return List.of(new Token("{\"", 0.0, Map.of()), new Token("label", 0.0, Map.of()),
                new Token("\":", 0.0, Map.of()), new Token(" \"", 0.0, Map.of()));
    }

    private static List<Token> json(String label, Map<String, Double> alternatives) {
        List<Token> tokens = new ArrayList<>(prefix());
        Double own = alternatives.get(label);
        tokens.add(new Token(label, own == null ? Math.log(0.5) : own, alternatives));
        tokens.add(new Token("\"}", 0.0, Map.of()));
        return tokens;
    }

    /** Alternatives from token, probability pairs, as log-probabilities. */
    private static Map<String, Double> alternatives(Object... pairs) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], Math.log((Double) pairs[i + 1]));
        }
        return map;
    }
}
