package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.distill4j.pipeline.data.TextExample;
import org.junit.jupiter.api.Test;

/** The probe's class-stratified subsample. */
class StratifiedSampleTests {

    /** {@code counts[c]} examples of class {@code c<index>}, interleaved, plus two unlabelled ones. */
    private static List<TextExample> examples(int... counts) {
        List<TextExample> examples = new ArrayList<>();
        int line = 2;
        for (int round = 0; ; round++) {
            boolean any = false;
            for (int c = 0; c < counts.length; c++) {
                if (round < counts[c]) {
                    examples.add(TextExample.labeled("text " + c + "-" + round, "c" + c, line++));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        examples.add(TextExample.unlabeled("no label", line++));
        examples.add(TextExample.unlabeled("no label either", line));
        return examples;
    }

    private static Map<String, Long> perClass(List<TextExample> sample) {
        return sample.stream().collect(Collectors.groupingBy(e -> e.label().orElseThrow(), Collectors.counting()));
    }

    @Test
    void classesKeepTheirSharesAndARareClassKeepsAPlace() {
        List<TextExample> sample = StratifiedSample.of(examples(600, 300, 97, 3), 100, 42);

        assertThat(sample).hasSize(100).allMatch(TextExample::isLabeled);
        Map<String, Long> counts = perClass(sample);
        assertThat(counts.get("c0")).isBetween(58L, 60L);
        assertThat(counts.get("c1")).isBetween(29L, 30L);
        assertThat(counts.get("c2")).isBetween(9L, 10L);
        assertThat(counts.get("c3")).isEqualTo(1L);
    }

    @Test
    void theSameSeedGivesTheSameSampleInTheOriginalOrderAndAnotherSeedAnother() {
        List<TextExample> examples = examples(500, 500, 500);
        List<TextExample> first = StratifiedSample.of(examples, 90, 7);

        assertThat(StratifiedSample.of(examples, 90, 7)).isEqualTo(first);
        assertThat(StratifiedSample.of(examples, 90, 8)).isNotEqualTo(first);
        assertThat(first).isSortedAccordingTo((a, b) -> Integer.compare(examples.indexOf(a), examples.indexOf(b)));
        assertThat(perClass(first)).containsOnly(Map.entry("c0", 30L), Map.entry("c1", 30L), Map.entry("c2", 30L));
    }

    @Test
    void noMoreExamplesThanPlacesAreAllKeptWithoutTheUnlabelled() {
        List<TextExample> examples = examples(10, 5);

        assertThat(StratifiedSample.of(examples, 1024, 1)).hasSize(15).allMatch(TextExample::isLabeled);
    }

    @Test
    void moreClassesThanPlacesGiveOneExampleOfEachOfSomeClasses() {
        int[] counts = new int[20];
        java.util.Arrays.fill(counts, 5);
        List<TextExample> sample = StratifiedSample.of(examples(counts), 8, 3);

        assertThat(sample).hasSize(8);
        assertThat(perClass(sample).values()).containsOnly(1L);
    }

    @Test
    void aPlaceCountBelowOneIsRefusedNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> StratifiedSample.of(examples(3), 0, 1))
                .withMessageContaining("max");
    }
}
