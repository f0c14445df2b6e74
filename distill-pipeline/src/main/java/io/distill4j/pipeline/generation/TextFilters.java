package io.distill4j.pipeline.generation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.distill4j.engine.similarity.Similarity;

/**
 * The filters every generated text passes before the label check, in this order (cheapest first):
 * <ol>
 * <li><b>Length</b>: shorter than the minimum or longer than the maximum, in characters → dropped.</li>
 * <li><b>Exact duplicates</b>: a text whose {@link #normalise normalised} form equals that of a text seen
 *     before — one of the user's example texts of any label, or any text generated before it in this run for
 *     any label, whatever became of it — is dropped. The same text under two labels would contradict itself.</li>
 * <li><b>Near duplicates</b>: with an embedder, a text whose cosine similarity ({@link Similarity#cosine}) to a
 *     reference of its own label reaches the threshold is dropped. References are the label's example texts,
 *     the texts it kept, and the texts that passed before it in the same batch: greedy, the first of a group of
 *     near duplicates is the one kept. Comparisons are within a label, since texts of different labels may
 *     legitimately share wording. The cost is quadratic in the texts of a label.</li>
 * </ol>
 * {@link #screen} applies the three to a batch; texts the label check then confirms are {@link #commit
 * committed}, and only committed texts are references for later batches. A text dropped by the label check
 * may still have made a later text of the same batch a near duplicate; that text is then most likely not of
 * the label either.
 *
 * <p>Not thread-safe: one run's generator calls it from one thread.
 */
final class TextFilters {

    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private final int minLength;

    private final int maxLength;

    private final double threshold;

    private final Optional<Function<List<String>, List<float[]>>> embedder;

    private final Set<String> seen = new HashSet<>();

    private final Map<String, List<float[]>> references = new HashMap<>();

    /**
     * @param embedder vectors of texts, one per text in order; empty to skip the near-duplicate filter
     */
    TextFilters(int minLength, int maxLength, double threshold,
            Optional<Function<List<String>, List<float[]>>> embedder) {
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.threshold = threshold;
        this.embedder = embedder;
    }

    /**
     * The form two texts are compared in for exact duplicates: lower case ({@link Locale#ROOT}), runs of white
     * space (Unicode's, no-break space included) as one space, none at either end.
     */
    static String normalise(String text) {
        return WHITE_SPACE.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    /** Makes the user's example texts of {@code label} references: exact duplicates for all, near ones for it. */
    void addExamples(String label, List<String> examples) {
        examples.forEach(example -> this.seen.add(normalise(example)));
        List<float[]> vectors = this.references.computeIfAbsent(label, l -> new ArrayList<>());
        if (!examples.isEmpty() && this.embedder.isPresent()) {
            vectors.addAll(this.embedder.get().apply(examples));
        }
    }

    /** Runs the three filters over {@code texts} of {@code label}, counting what each drops into {@code tally}. */
    List<Candidate> screen(String label, List<String> texts, LabelTally tally) {
        List<String> unique = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text.length() < this.minLength) {
                tally.tooShort++;
            }
            else if (text.length() > this.maxLength) {
                tally.tooLong++;
            }
            else if (!this.seen.add(normalise(text))) {
                tally.exactDuplicates++;
            }
            else {
                unique.add(text);
            }
        }
        if (this.embedder.isEmpty() || unique.isEmpty()) {
            return unique.stream().map(text -> new Candidate(text, null)).toList();
        }
        List<float[]> vectors = this.embedder.get().apply(unique);
        List<float[]> compared = new ArrayList<>(this.references.getOrDefault(label, List.of()));
        List<Candidate> passed = new ArrayList<>(unique.size());
        for (int i = 0; i < unique.size(); i++) {
            float[] vector = vectors.get(i);
            if (nearAny(vector, compared)) {
                tally.nearDuplicates++;
            }
            else {
                compared.add(vector);
                passed.add(new Candidate(unique.get(i), vector));
            }
        }
        return passed;
    }

    /** Makes a kept text a reference of its label for the near-duplicate filter. */
    void commit(String label, Candidate candidate) {
        if (candidate.vector() != null) {
            this.references.computeIfAbsent(label, l -> new ArrayList<>()).add(candidate.vector());
        }
    }

    private boolean nearAny(float[] vector, List<float[]> compared) {
        for (float[] other : compared) {
            if (Similarity.cosine(vector, other) >= this.threshold) {
                return true;
            }
        }
        return false;
    }

    /**
     * A text that passed the filters.
     *
     * @param vector its embedding, or {@code null} without an embedder
     */
    record Candidate(String text, float[] vector) {
    }
}
