package io.distill4j.pipeline.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.distill4j.pipeline.generation.TextFilters.Candidate;

/**
 * The filters in their order — length, exact duplicates, near duplicates — on planted texts. Near duplicates here
 * use hand-made vectors, so the rule is pinned exactly; {@code DataGenerationIT} plants real paraphrases under
 * all-MiniLM-L6-v2.
 */
class GenerationFiltersTests {

    /** Vectors by text; a text without one is orthogonal to every other (its own axis). */
    private static Function<List<String>, List<float[]>> vectors(Map<String, float[]> known) {
        List<String> axes = new ArrayList<>();
        return texts -> texts.stream().map(text -> {
            float[] vector = known.get(text);
            if (vector != null) {
                return vector;
            }
            if (!axes.contains(text)) {
                axes.add(text);
            }
            float[] axis = new float[64];
            axis[8 + axes.indexOf(text)] = 1;
            return axis;
        }).toList();
    }

    private static List<String> texts(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::text).toList();
    }

    @Test
    void textsOutsideTheLengthBoundsAreDroppedFirst() {
        TextFilters filters = new TextFilters(5, 20, 0.92, Optional.empty());
        LabelTally tally = new LabelTally("refund", 10);
        List<Candidate> passed = filters.screen("refund", List.of("tiny", "just right text", "x".repeat(21),
                "exactly 5", "x".repeat(20)), tally);
        assertThat(texts(passed)).containsExactly("just right text", "exactly 5", "x".repeat(20));
        assertThat(tally.tooShort).isEqualTo(1);
        assertThat(tally.tooLong).isEqualTo(1);
    }

    @Test
    void exactDuplicatesIgnoreCaseAndWhiteSpaceAndIncludeTheExamplesAndOtherLabels() {
        TextFilters filters = new TextFilters(1, 1000, 0.92, Optional.empty());
        filters.addExamples("refund", List.of("I want my money back"));
        LabelTally refund = new LabelTally("refund", 10);
        LabelTally delivery = new LabelTally("delivery", 10);
        List<Candidate> first = filters.screen("refund", List.of("Refund my order please", "refund  my ORDER\tplease ",
                "i want my MONEY back", "Another refund text"), refund);
        assertThat(texts(first)).containsExactly("Refund my order please", "Another refund text");
        assertThat(refund.exactDuplicates).isEqualTo(2);

        List<Candidate> second = filters.screen("delivery", List.of("ANOTHER refund text", "Where is my parcel?"),
                delivery);
        assertThat(texts(second)).containsExactly("Where is my parcel?");
        assertThat(delivery.exactDuplicates).isEqualTo(1);
        assertThat(TextFilters.normalise("  A\u00a0 b\n\nC ")).isEqualTo("a b c");
    }

    @Test
    void aTooShortTextDoesNotCountAsSeenForExactDuplicates() {
        TextFilters filters = new TextFilters(10, 1000, 0.92, Optional.empty());
        LabelTally tally = new LabelTally("refund", 10);
        filters.screen("refund", List.of("short"), tally);
        assertThat(tally.tooShort).isEqualTo(1);
        assertThat(tally.exactDuplicates).isZero();
    }

    @Test
    void nearDuplicatesAreDroppedGreedilyWithinALabelAgainstExamplesKeptTextsAndTheBatch() {
        float[] a = unit(1, 0);
        float[] nearA = unit(1, 0.3);      // cosine 0.958 with a
        float[] fartherA = unit(1, 0.5);   // cosine 0.894 with a, 0.99 with nearA
        float[] example = unit(0, 1);
        float[] nearExample = unit(0.2, 1); // cosine 0.981 with example
        Map<String, float[]> known = Map.of("a", a, "near a", nearA, "farther a", fartherA, "example", example,
                "near example", nearExample);
        TextFilters filters = new TextFilters(1, 1000, 0.92, Optional.of(vectors(known)));
        filters.addExamples("refund", List.of("example"));
        LabelTally refund = new LabelTally("refund", 10);

        List<Candidate> batch = filters.screen("refund", List.of("a", "near a", "near example", "farther a"), refund);
        // "near a" is close to "a" (kept first); "farther a" is below the threshold against "a", and "near a",
        // which it is close to, was dropped: the greedy rule compares with what passed only.
        assertThat(texts(batch)).containsExactly("a", "farther a");
        assertThat(refund.nearDuplicates).isEqualTo(2);
        assertThat(batch.get(0).vector()).isSameAs(a);
    }

    @Test
    void onlyCommittedTextsAreReferencesForLaterBatchesAndOtherLabelsAreNotCompared() {
        Map<String, float[]> known = Map.of("a", unit(1, 0), "a again", unit(1, 0.1), "b", unit(0, 1),
                "b again", unit(0.1, 1), "a third", unit(1, 0.05));
        TextFilters filters = new TextFilters(1, 1000, 0.92, Optional.of(vectors(known)));
        LabelTally refund = new LabelTally("refund", 10);
        List<Candidate> first = filters.screen("refund", List.of("a", "b"), refund);
        filters.commit("refund", first.get(0));   // "b" was dropped by the label check: not committed

        List<Candidate> second = filters.screen("refund", List.of("a again", "b again"), refund);
        assertThat(texts(second)).containsExactly("b again");
        assertThat(refund.nearDuplicates).isEqualTo(1);

        LabelTally delivery = new LabelTally("delivery", 10);
        assertThat(texts(filters.screen("delivery", List.of("a", "a third"), delivery))).containsExactly("a third");
        assertThat(delivery.exactDuplicates).isEqualTo(1);
        assertThat(delivery.nearDuplicates).isZero();
    }

    @Test
    void theThresholdIsInclusive() {
        Map<String, float[]> known = Map.of("x", unit(1, 0), "same", unit(1, 0));
        TextFilters filters = new TextFilters(1, 1000, 1.0, Optional.of(vectors(known)));
        LabelTally tally = new LabelTally("l", 10);
        assertThat(texts(filters.screen("l", List.of("x", "same", "other"), tally))).containsExactly("x", "other");
        assertThat(tally.nearDuplicates).isEqualTo(1);
    }

    private static float[] unit(double x, double y) {
        float[] vector = new float[64];
        vector[0] = (float) x;
        vector[1] = (float) y;
        return vector;
    }
}
