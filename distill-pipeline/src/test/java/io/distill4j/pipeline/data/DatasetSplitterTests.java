package io.distill4j.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DatasetSplitterTests {

    /** Label sizes chosen so shares do not come out even: 50, 23, 7, 3, 2 and 1 examples, and 15 unlabelled. */
    static TextDataset unevenDataset() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("alpha", 50);
        sizes.put("bravo", 23);
        sizes.put("charlie", 7);
        sizes.put("delta", 3);
        sizes.put("echo", 2);
        sizes.put("foxtrot", 1);
        List<TextExample> examples = new ArrayList<>();
        int line = 1;
        // Interleave labels so input order is not grouped by label.
        for (int round = 0; round < 50; round++) {
            for (Map.Entry<String, Integer> entry : sizes.entrySet()) {
                if (round < entry.getValue()) {
                    line++;
                    examples.add(TextExample.labeled(entry.getKey() + " example " + round, entry.getKey(), line));
                }
            }
            if (round < 15) {
                line++;
                examples.add(TextExample.unlabeled("unlabelled example " + round, line));
            }
        }
        return TextDataset.of("uneven", examples);
    }

    @Test
    void eachLabelKeepsItsShareWithinOneExample() {
        TextDataset dataset = unevenDataset();
        double share = 0.2;

        DatasetSplit split = DatasetSplitter.builder().validationShare(share).seed(7).build().split(dataset);

        Map<String, Long> all = dataset.labelCounts();
        Map<String, Long> validation = split.validation().labelCounts();
        Map<String, Long> train = split.train().labelCounts();
        for (String label : dataset.labels()) {
            long total = all.get(label);
            assertThat((double) validation.get(label)).as(label).isCloseTo(share * total, within(0.9999));
            assertThat(train.get(label) + validation.get(label)).as(label).isEqualTo(total);
            if (total >= 2) {
                assertThat(train.get(label)).as(label + " keeps one in train").isGreaterThanOrEqualTo(1);
            }
        }
        assertThat(validation.get("foxtrot")).isZero();
        // 86 labelled examples: round(0.2 × 86) = 17 go to validation; 15 unlabelled: 3.
        assertThat(split.validation().labeledCount()).isEqualTo(17);
        assertThat(split.validation().size() - split.validation().labeledCount()).isEqualTo(3);
        assertThat(split.train().size() + split.validation().size()).isEqualTo(dataset.size());
    }

    @Test
    void aLargeShareStillLeavesOneExampleOfEachLabelInTrain() {
        DatasetSplit split = DatasetSplitter.builder().validationShare(0.9).build().split(unevenDataset());

        assertThat(split.train().labelCounts()).allSatisfy((label, count) -> assertThat(count).as(label).isPositive());
        assertThat(split.validation().labelCounts()).containsEntry("echo", 1L).containsEntry("delta", 2L);
    }

    @Test
    void thePartsAreDisjointCoverTheInputAndKeepItsOrderAndVocabulary() {
        TextDataset dataset = unevenDataset();

        DatasetSplit split = DatasetSplitter.ofDefaults().split(dataset);

        Set<TextExample> seen = new HashSet<>(split.train().examples());
        assertThat(split.validation().examples()).noneMatch(seen::contains);
        seen.addAll(split.validation().examples());
        assertThat(seen).containsExactlyInAnyOrderElementsOf(dataset.examples());
        assertThat(split.train().examples()).isSortedAccordingTo((a, b) -> Long.compare(a.line(), b.line()));
        assertThat(split.validation().examples()).isSortedAccordingTo((a, b) -> Long.compare(a.line(), b.line()));
        assertThat(split.train().labels()).isEqualTo(dataset.labels());
        assertThat(split.validation().labels()).isEqualTo(dataset.labels());
        assertThat(split.validation().name()).isEqualTo("uneven [validation]");
        assertThat(split.summary()).isEqualTo("90 train (77 labelled), 11 validation (9 labelled), share 0.1, seed 42, "
                + "stratified over 6 labels");
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnotherOne() {
        TextDataset dataset = unevenDataset();

        DatasetSplit first = DatasetSplitter.builder().seed(1234).build().split(dataset);
        DatasetSplit again = DatasetSplitter.builder().seed(1234).build().split(dataset);
        DatasetSplit other = DatasetSplitter.builder().seed(4321).build().split(dataset);

        assertThat(again.validation().examples()).isEqualTo(first.validation().examples());
        assertThat(again.train().examples()).isEqualTo(first.train().examples());
        assertThat(other.validation().examples()).isNotEqualTo(first.validation().examples());
        // Another seed changes which examples, not how many per label.
        assertThat(other.validation().labelCounts()).isEqualTo(first.validation().labelCounts());
    }

    @Test
    void anAugmentedDataSetIsRefused() {
        TextDataset augmented = TextDataset.of("augmented", List.of(
                TextExample.labeled("original", "a", 1),
                new TextExample("[MASK] original", Optional.empty(), Optional.empty(), 1, true)));

        assertThatThrownBy(() -> DatasetSplitter.ofDefaults().split(augmented))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("split before augmenting");
    }

    @Test
    void theShareMustBeBetweenZeroAndOne() {
        assertThatThrownBy(() -> DatasetSplitter.builder().validationShare(0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("validationShare must be in (0, 1), was 0.0");
        assertThatThrownBy(() -> DatasetSplitter.builder().validationShare(1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
