package io.distill4j.pipeline.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import io.distill4j.api.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enlarges the transfer set with perturbed copies of its texts, after Tang et al. 2019, "Distilling
 * Task-Specific Knowledge from BERT into Simple Neural Networks", who found that most of the gain of
 * distilling into a small student comes from letting the teacher label such extra texts.
 *
 * <p>For each example, {@code copies} times, with a random generator seeded from {@code seed} and the
 * example's position:
 * <ol>
 *   <li>each word is, with probability {@code maskProbability}, replaced by the mask token
 *       ({@code [MASK]}); else, with probability {@code replaceProbability}, replaced by a word drawn
 *       from the data set's own unigram distribution (the paper draws a word of the same part of
 *       speech; part-of-speech tagging is out of scope here);</li>
 *   <li>then, with probability {@code ngramProbability}, only a random n-gram of the result is kept,
 *       {@code n} uniform in {@code [1, maxNgram]}.</li>
 * </ol>
 * Texts that equal an original or an earlier augmented text are dropped. Augmented examples are
 * unlabelled, marked {@link TextExample#augmented()}, and keep the line of the example they came
 * from: the teacher labels them. Words are split on white space (the student's tokenizer comes
 * later) and joined with single spaces. Sentence pairs are augmented on both sides independently.
 *
 * <p>Defaults are the paper's probabilities ({@code 0.1}, {@code 0.1}, {@code 0.25}, n-grams up to 5)
 * but 4 copies per example instead of the paper's 20, which multiplies the teacher's work by 21;
 * raise {@code copies} for small data sets, where it pays most.
 *
 * <p>Augment the training part only, after the split.
 *
 * <pre>{@code
 * TextDataset transfer = Augmenter.builder().copies(8).seed(42).build().augment(split.train());
 * // the originals, then the unique augmented texts, all to be labelled by the teacher
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Augmenter {

    private static final Logger log = LoggerFactory.getLogger(Augmenter.class);

    /** The default mask token, BERT's. */
    public static final String DEFAULT_MASK_TOKEN = "[MASK]";

    /** The default number of augmented candidates per example. */
    public static final int DEFAULT_COPIES = 4;

    /** The largest {@code copies} accepted. */
    public static final int MAX_COPIES = 1000;

    private final double maskProbability;

    private final double replaceProbability;

    private final double ngramProbability;

    private final int maxNgram;

    private final int copies;

    private final String maskToken;

    private final long seed;

    private Augmenter(Builder builder) {
        this.maskProbability = builder.maskProbability;
        this.replaceProbability = builder.replaceProbability;
        this.ngramProbability = builder.ngramProbability;
        this.maxNgram = builder.maxNgram;
        this.copies = builder.copies;
        this.maskToken = builder.maskToken;
        this.seed = builder.seed;
    }

    /** The paper's probabilities, 4 copies, seed 42. */
    public static Augmenter ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The originals followed by their unique augmented copies, with the input's label vocabulary.
     */
    public TextDataset augment(TextDataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        UnigramVocabulary vocabulary = UnigramVocabulary.of(dataset.examples(), this.maskToken);
        Set<String> seen = new HashSet<>();
        for (TextExample example : dataset) {
            seen.add(key(words(example.text()), example.textPair().map(Augmenter::words)));
        }
        List<TextExample> result = new ArrayList<>(dataset.examples());
        long candidates = 0;
        List<TextExample> examples = dataset.examples();
        for (int i = 0; i < examples.size(); i++) {
            TextExample example = examples.get(i);
            Random random = new Random(mix(this.seed, i));
            List<String> text = words(example.text());
            Optional<List<String>> textPair = example.textPair().map(Augmenter::words);
            for (int copy = 0; copy < this.copies; copy++) {
                candidates++;
                List<String> augmentedText = augmentWords(text, vocabulary, random);
                Optional<List<String>> augmentedPair = textPair.map(words -> augmentWords(words, vocabulary, random));
                if (seen.add(key(augmentedText, augmentedPair))) {
                    result.add(new TextExample(String.join(" ", augmentedText),
                            augmentedPair.map(words -> String.join(" ", words)), Optional.empty(), example.line(), true));
                }
            }
        }
        long added = result.size() - (long) examples.size();
        log.info("Augmented {}: {} examples gave {} new unlabelled texts ({} candidates, {} duplicates dropped)",
                dataset.name(), examples.size(), added, candidates, candidates - added);
        return dataset.derive(dataset.name() + " [augmented]", result);
    }

    /** One augmented copy of a word sequence: masking and replacement per word, then n-gram sampling. */
    List<String> augmentWords(List<String> words, UnigramVocabulary vocabulary, Random random) {
        List<String> out = new ArrayList<>(words.size());
        for (String word : words) {
            double draw = random.nextDouble();
            if (draw < this.maskProbability) {
                out.add(this.maskToken);
            } else if (draw < this.maskProbability + this.replaceProbability) {
                out.add(vocabulary.sample(random));
            } else {
                out.add(word);
            }
        }
        if (random.nextDouble() < this.ngramProbability) {
            int n = 1 + random.nextInt(this.maxNgram);
            if (n < out.size()) {
                int start = random.nextInt(out.size() - n + 1);
                out = new ArrayList<>(out.subList(start, start + n));
            }
        }
        return out;
    }

    static List<String> words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+"));
    }

    private static String key(List<String> text, Optional<List<String>> textPair) {
        return String.join(" ", text) + textPair.map(words -> "\u0000" + String.join(" ", words)).orElse("");
    }

    /** SplitMix64's finalizer over seed and index, so neighbouring examples get unrelated generators. */
    private static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "Augmenter[maskProbability=" + this.maskProbability + ", replaceProbability=" + this.replaceProbability
                + ", ngramProbability=" + this.ngramProbability + ", maxNgram=" + this.maxNgram + ", copies="
                + this.copies + ", maskToken=" + this.maskToken + ", seed=" + this.seed + "]";
    }

    /** The words of a data set with their counts, sampled in proportion to count. */
    static final class UnigramVocabulary {

        private final String[] words;

        private final long[] cumulative;

        private UnigramVocabulary(String[] words, long[] cumulative) {
            this.words = words;
            this.cumulative = cumulative;
        }

        static UnigramVocabulary of(List<TextExample> examples, String maskToken) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (TextExample example : examples) {
                words(example.text()).forEach(word -> counts.merge(word, 1L, Long::sum));
                example.textPair().ifPresent(pair -> words(pair).forEach(word -> counts.merge(word, 1L, Long::sum)));
            }
            counts.remove(maskToken);
            String[] words = counts.keySet().toArray(String[]::new);
            long[] cumulative = new long[words.length];
            long total = 0;
            for (int i = 0; i < words.length; i++) {
                total += counts.get(words[i]);
                cumulative[i] = total;
            }
            return new UnigramVocabulary(words, cumulative);
        }

        /** Whether the vocabulary holds this word. */
        boolean contains(String word) {
            return Arrays.asList(this.words).contains(word);
        }

        int size() {
            return this.words.length;
        }

        /** A word drawn with probability proportional to its count. */
        String sample(Random random) {
            if (this.words.length == 0) {
                throw new IllegalStateException("the vocabulary is empty");
            }
            long draw = random.nextLong(this.cumulative[this.cumulative.length - 1]);
            int index = Arrays.binarySearch(this.cumulative, draw + 1);
            return this.words[index >= 0 ? index : -index - 1];
        }
    }

    /** Builder of {@link Augmenter}. */
    public static final class Builder {

        private double maskProbability = 0.1;

        private double replaceProbability = 0.1;

        private double ngramProbability = 0.25;

        private int maxNgram = 5;

        private int copies = DEFAULT_COPIES;

        private String maskToken = DEFAULT_MASK_TOKEN;

        private long seed = 42L;

        private Builder() {
        }

        /** The probability that a word becomes the mask token, in {@code [0, 1]}; default {@code 0.1}. */
        public Builder maskProbability(double maskProbability) {
            this.maskProbability = Checks.probability(maskProbability, "maskProbability");
            return this;
        }

        /** The probability that a word is replaced by a word drawn from the data set, in {@code [0, 1]}; default {@code 0.1}. */
        public Builder replaceProbability(double replaceProbability) {
            this.replaceProbability = Checks.probability(replaceProbability, "replaceProbability");
            return this;
        }

        /** The probability that only a random n-gram of a copy is kept, in {@code [0, 1]}; default {@code 0.25}. */
        public Builder ngramProbability(double ngramProbability) {
            this.ngramProbability = Checks.probability(ngramProbability, "ngramProbability");
            return this;
        }

        /** The longest n-gram kept, at least 1; default 5. */
        public Builder maxNgram(int maxNgram) {
            this.maxNgram = Checks.atLeast(maxNgram, 1, "maxNgram");
            return this;
        }

        /** Augmented candidates per example (duplicates are dropped), in {@code [1, 1000]}; default 4. */
        public Builder copies(int copies) {
            this.copies = Checks.inRange(copies, 1, MAX_COPIES, "copies");
            return this;
        }

        /** The token a masked word becomes; default {@code [MASK]}. */
        public Builder maskToken(String maskToken) {
            Objects.requireNonNull(maskToken, "maskToken");
            if (maskToken.isEmpty() || maskToken.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("maskToken must be one word without white space, was '" + maskToken + "'");
            }
            this.maskToken = maskToken;
            return this;
        }

        /** The seed; default {@code 42}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Augmenter build() {
            if (this.maskProbability + this.replaceProbability > 1.0) {
                throw new IllegalArgumentException("maskProbability + replaceProbability must be <= 1, was "
                        + (this.maskProbability + this.replaceProbability));
            }
            if (this.maskProbability == 0.0 && this.replaceProbability == 0.0 && this.ngramProbability == 0.0) {
                throw new IllegalArgumentException(
                        "at least one of maskProbability, replaceProbability and ngramProbability must be > 0");
            }
            return new Augmenter(this);
        }
    }
}
