package io.distill4j.pipeline.generation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.distill4j.engine.similarity.Similarity;
import io.distill4j.pipeline.report.DiversityFigures;

/**
 * How varied a set of texts is, by the two usual measures of generated data:
 * <ul>
 * <li><b>distinct-n</b> (Li et al., 2016): the distinct word n-grams over all n-grams of the texts, n-grams
 *     never crossing from one text into the next; words are runs of letters and digits, lower-cased with
 *     {@link Locale#ROOT}. 1 when no n-gram repeats; NaN when the texts have no n-gram.</li>
 * <li><b>mean pairwise embedding distance</b>: the mean of {@code 1 - cosine} ({@link Similarity#cosine}) over
 *     pairs of distinct texts — every pair when there are at most {@value #MAX_PAIRS}, otherwise
 *     {@value #MAX_PAIRS} pairs drawn uniformly with a fixed seed, so the same texts always give the same
 *     figure. NaN for fewer than two texts or without vectors.</li>
 * </ul>
 */
final class DiversityMeasures {

    /** Most pairs compared for the mean distance. */
    static final int MAX_PAIRS = 20_000;

    private static final long SEED = 20_250_101L;

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    private DiversityMeasures() {
    }

    /** Both measures of {@code texts}; {@code vectors} (one per text, in order) may be null. */
    static DiversityFigures of(List<String> texts, List<float[]> vectors) {
        long pairs = vectors == null ? 0 : pairs(vectors.size(), MAX_PAIRS);
        return new DiversityFigures(distinct(texts, 1), distinct(texts, 2),
                vectors == null ? Double.NaN : meanPairwiseDistance(vectors, MAX_PAIRS), pairs);
    }

    /** Distinct n-grams over all n-grams of the texts. */
    static double distinct(List<String> texts, int n) {
        Set<List<String>> distinct = new HashSet<>();
        long total = 0;
        for (String text : texts) {
            List<String> words = words(text);
            for (int i = 0; i + n <= words.size(); i++) {
                distinct.add(List.copyOf(words.subList(i, i + n)));
                total++;
            }
        }
        return total == 0 ? Double.NaN : (double) distinct.size() / total;
    }

    /** The words of a text: runs of letters and digits, lower case. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    /** The pairs {@link #meanPairwiseDistance} compares among {@code n} texts. */
    static long pairs(int n, int maxPairs) {
        long all = (long) n * (n - 1) / 2;
        return Math.min(all, maxPairs);
    }

    /** The mean of {@code 1 - cosine} over all pairs, or over {@code maxPairs} sampled ones when there are more. */
    static double meanPairwiseDistance(List<float[]> vectors, int maxPairs) {
        int n = vectors.size();
        if (n < 2) {
            return Double.NaN;
        }
        double sum = 0;
        long all = (long) n * (n - 1) / 2;
        if (all <= maxPairs) {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    sum += 1 - Similarity.cosine(vectors.get(i), vectors.get(j));
                }
            }
            return sum / all;
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int p = 0; p < maxPairs; p++) {
            int i = random.nextInt(n);
            int j = random.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            sum += 1 - Similarity.cosine(vectors.get(i), vectors.get(j));
        }
        return sum / maxPairs;
    }
}
