package io.distill4j.api.distill;

import io.distill4j.api.Checks;

/**
 * Data augmentation for distillation, after Tang et al. 2019 ("Distilling Task-Specific Knowledge from
 * BERT into Simple Neural Networks"): each training example gets {@link #copiesPerExample()} perturbed
 * copies, which the teacher labels like real data, so the student sees more of the teacher's behaviour.
 * Off by default ({@link #none()}); {@link #ofDefaults()} is the paper's setting.
 *
 * <pre>{@code
 * Augmentation.ofDefaults().copiesPerExample(10);
 * }</pre>
 *
 * <p>For each word of a copy, with the given probabilities and in this order: replace it by the mask
 * token ({@link #tokenMasking()}), or by another word of the training data's vocabulary
 * ({@link #wordReplacement()}); then, with probability {@link #ngramSampling()}, the copy is cut to a
 * random n-gram of 1 to {@link #maxNgram()} words. Randomness comes from the spec's seed.
 *
 * @param tokenMasking probability of masking a word, in [0, 1]
 * @param ngramSampling probability of cutting a copy to an n-gram, in [0, 1]
 * @param maxNgram longest n-gram kept, 1 to 16
 * @param wordReplacement probability of replacing a word, in [0, 1]
 * @param copiesPerExample augmented copies per training example, 0 (off) to {@value #MAX_COPIES}
 */
public record Augmentation(double tokenMasking, double ngramSampling, int maxNgram, double wordReplacement,
        int copiesPerExample) {

    /** Largest {@link #copiesPerExample()}. */
    public static final int MAX_COPIES = 100;

    private static final Augmentation NONE = new Augmentation(0, 0, 1, 0, 0);

    public Augmentation {
        Checks.probability(tokenMasking, "augmentation.tokenMasking");
        Checks.probability(ngramSampling, "augmentation.ngramSampling");
        Checks.inRange(maxNgram, 1, 16, "augmentation.maxNgram");
        Checks.probability(wordReplacement, "augmentation.wordReplacement");
        Checks.inRange(copiesPerExample, 0, MAX_COPIES, "augmentation.copiesPerExample");
    }

    /** No augmentation; the default. */
    public static Augmentation none() {
        return NONE;
    }

    /** Tang et al. 2019: masking 0.1, word replacement 0.1, n-gram sampling 0.25 up to 5 words, 20 copies. */
    public static Augmentation ofDefaults() {
        return new Augmentation(0.1, 0.25, 5, 0.1, 20);
    }

    /** Whether any copies are made. */
    public boolean isEnabled() {
        return this.copiesPerExample > 0;
    }

    /** A copy with this masking probability. */
    public Augmentation tokenMasking(double probability) {
        return new Augmentation(probability, this.ngramSampling, this.maxNgram, this.wordReplacement, this.copiesPerExample);
    }

    /** A copy with this n-gram sampling probability and longest n-gram. */
    public Augmentation ngramSampling(double probability, int maxNgram) {
        return new Augmentation(this.tokenMasking, probability, maxNgram, this.wordReplacement, this.copiesPerExample);
    }

    /** A copy with this word replacement probability. */
    public Augmentation wordReplacement(double probability) {
        return new Augmentation(this.tokenMasking, this.ngramSampling, this.maxNgram, probability, this.copiesPerExample);
    }

    /** A copy that makes this many copies per example. */
    public Augmentation copiesPerExample(int copies) {
        return new Augmentation(this.tokenMasking, this.ngramSampling, this.maxNgram, this.wordReplacement, copies);
    }
}
