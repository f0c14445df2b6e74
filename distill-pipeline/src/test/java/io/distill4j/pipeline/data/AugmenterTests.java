package io.distill4j.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AugmenterTests {

    static final List<String> SENTENCES = List.of(
            "i am still waiting on my card",
            "how do i unblock my pin",
            "why is the purchase i made this morning still pending",
            "i made a mistake and need to cancel a transfer",
            "how did you get your exchange rate");

    static TextDataset dataset() {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < SENTENCES.size(); i++) {
            examples.add(TextExample.labeled(SENTENCES.get(i), "label" + (i % 2), i + 2));
        }
        return TextDataset.of("bank", examples);
    }

    static List<String> longText(int words) {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < words; i++) {
            text.add("w" + i);
        }
        return text;
    }

    @Test
    void maskingReplacesWordsWithTheMaskTokenAtTheAskedRate() {
        Augmenter augmenter = Augmenter.builder().maskProbability(0.3).replaceProbability(0).ngramProbability(0).build();
        List<String> words = longText(2000);

        List<String> out = augmenter.augmentWords(words, vocabulary(), new Random(1));

        assertThat(out).hasSameSizeAs(words);
        long masked = out.stream().filter("[MASK]"::equals).count();
        assertThat(masked).isBetween(500L, 700L);
        for (int i = 0; i < words.size(); i++) {
            assertThat(out.get(i)).isIn(words.get(i), "[MASK]");
        }
        List<String> all = Augmenter.builder().maskProbability(1).replaceProbability(0).ngramProbability(0).build()
                .augmentWords(words.subList(0, 7), vocabulary(), new Random(1));
        assertThat(all).containsExactlyElementsOf(Collections.nCopies(7, "[MASK]"));
    }

    @Test
    void ngramSamplingKeepsAContiguousRunOfOneToMaxNgramWords() {
        Augmenter augmenter = Augmenter.builder().maskProbability(0).replaceProbability(0).ngramProbability(1)
                .maxNgram(5).build();
        List<String> words = longText(12);
        Random random = new Random(3);

        for (int trial = 0; trial < 200; trial++) {
            List<String> out = augmenter.augmentWords(words, vocabulary(), random);
            assertThat(out).hasSizeBetween(1, 5);
            int start = words.indexOf(out.get(0));
            assertThat(words.subList(start, start + out.size())).isEqualTo(out);
        }
    }

    @Test
    void replacementDrawsWordsFromTheDataSetVocabulary() {
        Augmenter augmenter = Augmenter.builder().maskProbability(0).replaceProbability(1).ngramProbability(0).build();
        Augmenter.UnigramVocabulary vocabulary = vocabulary();
        List<String> foreign = List.of("zebra", "quantum", "violin", "harbour", "meadow", "lantern");

        List<String> out = augmenter.augmentWords(foreign, vocabulary, new Random(5));

        assertThat(out).hasSameSizeAs(foreign).allSatisfy(word -> assertThat(vocabulary.contains(word)).as(word).isTrue());
    }

    @Test
    void theVocabularyIsSampledInProportionToWordCounts() {
        Augmenter.UnigramVocabulary vocabulary = Augmenter.UnigramVocabulary.of(
                List.of(TextExample.unlabeled("common common common rare", 1)), "[MASK]");
        Random random = new Random(11);

        int common = 0;
        for (int i = 0; i < 10_000; i++) {
            common += vocabulary.sample(random).equals("common") ? 1 : 0;
        }

        assertThat(vocabulary.size()).isEqualTo(2);
        assertThat(common).isBetween(7_300, 7_700);
    }

    @Test
    void augmentedExamplesAreUnlabelledUniqueAndFollowTheOriginals() {
        TextDataset dataset = dataset();

        TextDataset transfer = Augmenter.builder().copies(10).build().augment(dataset);

        assertThat(transfer.examples().subList(0, dataset.size())).isEqualTo(dataset.examples());
        List<TextExample> augmented = transfer.examples().subList(dataset.size(), transfer.size());
        assertThat(augmented).isNotEmpty().hasSizeLessThanOrEqualTo(10 * dataset.size());
        assertThat(augmented).allSatisfy(example -> {
            assertThat(example.augmented()).isTrue();
            assertThat(example.label()).isEmpty();
            assertThat(example.line()).isBetween(2L, 6L);
        });
        assertThat(transfer.examples()).extracting(TextExample::text).doesNotHaveDuplicates();
        assertThat(transfer.labels()).isEqualTo(dataset.labels());
        assertThat(transfer.name()).isEqualTo("bank [augmented]");
    }

    @Test
    void copiesEqualToTheOriginalOrToEachOtherAreDropped() {
        TextDataset single = TextDataset.of("one", List.of(TextExample.labeled("hello", "greeting", 1)));

        TextDataset transfer = Augmenter.builder().maskProbability(0.5).replaceProbability(0).ngramProbability(0)
                .copies(20).build().augment(single);

        assertThat(transfer.examples()).extracting(TextExample::text).containsExactly("hello", "[MASK]");
    }

    @Test
    void theSameSeedGivesTheSameTransferSetAndAnotherSeedAnotherOne() {
        TextDataset dataset = dataset();

        TextDataset first = Augmenter.builder().seed(9).build().augment(dataset);
        TextDataset again = Augmenter.builder().seed(9).build().augment(dataset);
        TextDataset other = Augmenter.builder().seed(10).build().augment(dataset);

        assertThat(again.examples()).isEqualTo(first.examples());
        assertThat(other.examples()).isNotEqualTo(first.examples());
    }

    @Test
    void bothSidesOfASentencePairAreAugmented() {
        TextDataset pairs = TextDataset.of("pairs", List.of(new TextExample("a man is playing a flute",
                Optional.of("a man plays the flute"), Optional.of("3.8"), 1, false)));

        TextDataset transfer = Augmenter.builder().maskProbability(0.5).replaceProbability(0).ngramProbability(0)
                .copies(10).build().augment(pairs);

        List<TextExample> augmented = transfer.examples().subList(1, transfer.size());
        assertThat(augmented).allSatisfy(example -> assertThat(example.textPair()).isPresent());
        assertThat(augmented).anySatisfy(example -> assertThat(example.textPair().get()).contains("[MASK]"));
        assertThat(augmented).anySatisfy(example -> assertThat(example.text()).contains("[MASK]"));
    }

    @Test
    void theBuilderRefusesSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> Augmenter.builder().maskProbability(1.2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maskProbability must be in [0, 1], was 1.2");
        assertThatThrownBy(() -> Augmenter.builder().maskProbability(0.6).replaceProbability(0.6).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maskProbability + replaceProbability must be <= 1");
        assertThatThrownBy(() -> Augmenter.builder().maskProbability(0).replaceProbability(0).ngramProbability(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one of");
        assertThatThrownBy(() -> Augmenter.builder().copies(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("copies must be in [1, 1000], was 0");
        assertThatThrownBy(() -> Augmenter.builder().maxNgram(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxNgram must be >= 1, was 0");
        assertThatThrownBy(() -> Augmenter.builder().maskToken("<mask> token"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Augmenter.UnigramVocabulary vocabulary() {
        return Augmenter.UnigramVocabulary.of(dataset().examples(), "[MASK]");
    }
}
