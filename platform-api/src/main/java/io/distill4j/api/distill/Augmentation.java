package io.distill4j.api.distill;

import io.distill4j.api.Checks;

/**
 * Data augmentation for distillation, after Tang et al. 2019 ("Distilling Task-Specific Knowledge from
 * BERT into Simple Neural Networks"): each training example gets perturbed copies, which the teacher
 * labels like real data, so the student sees more of the teacher's behaviour. Off by default
 * ({@link #none()}); {@link #ofDefaults()} is the paper's setting; {@link #auto()} has the paper's
 * perturbations and lets the distiller choose how many copies the job's data and budget call for.
 *
 * <pre>{@code
 * Augmentation.ofDefaults().copiesPerExample(10);   // exactly 10 copies per example
 * Augmentation.auto();                              // the distiller chooses, from 0 up to 20
 * }</pre>
 *
 * <p>For each word of a copy, with the given probabilities and in this order: replace it by the mask
 * token ({@link #tokenMasking()}), or by another word of the training data's vocabulary
 * ({@link #wordReplacement()}); then, with probability {@link #ngramSampling()}, the copy is cut to a
 * random n-gram of 1 to {@link #maxNgram()} words. Randomness comes from the spec's seed.
 *
 * <p><b>Automatic copies.</b> An automatic value has {@link #copiesPerExample()} equal to {@link #AUTO}
 * ({@code -1}): not a count, so code that reads it as one fails instead of making a wrong number of
 * copies. Ask {@link #isAutomatic()} first; the number the distiller chose, and why, is in the job's
 * report (its data section) and in the data milestone of its progress.
 *
 * @param tokenMasking probability of masking a word, in [0, 1]
 * @param ngramSampling probability of cutting a copy to an n-gram, in [0, 1]
 * @param maxNgram longest n-gram kept, 1 to 16
 * @param wordReplacement probability of replacing a word, in [0, 1]
 * @param copiesPerExample augmented copies per training example, 0 (off) to {@value #MAX_COPIES}, or
 *     {@link #AUTO} for the distiller to choose
 */
public record Augmentation(double tokenMasking, double ngramSampling, int maxNgram, double wordReplacement,
        int copiesPerExample) {

    /** Largest {@link #copiesPerExample()}. */
    public static final int MAX_COPIES = 100;

    /** The {@link #copiesPerExample()} of an automatic value: the distiller chooses the number of copies. */
    public static final int AUTO = -1;

    private static final Augmentation NONE = new Augmentation(0, 0, 1, 0, 0);

    public Augmentation {
        Checks.probability(tokenMasking, "augmentation.tokenMasking");
        Checks.probability(ngramSampling, "augmentation.ngramSampling");
        Checks.inRange(maxNgram, 1, 16, "augmentation.maxNgram");
        Checks.probability(wordReplacement, "augmentation.wordReplacement");
        if (copiesPerExample != AUTO && (copiesPerExample < 0 || copiesPerExample > MAX_COPIES)) {
            throw new IllegalArgumentException("augmentation.copiesPerExample must be in [0, " + MAX_COPIES
                    + "], or Augmentation.AUTO (" + AUTO + ") for the distiller to choose, was " + copiesPerExample);
        }
    }

    /** No augmentation; the default. */
    public static Augmentation none() {
        return NONE;
    }

    /** Tang et al. 2019: masking 0.1, word replacement 0.1, n-gram sampling 0.25 up to 5 words, 20 copies. */
    public static Augmentation ofDefaults() {
        return new Augmentation(0.1, 0.25, 5, 0.1, 20);
    }

    /**
     * The perturbations of {@link #ofDefaults()} with the number of copies chosen by the distiller from
     * the size of the training split (none for large data), the cost of the transfer set and the budget.
     */
    public static Augmentation auto() {
        return ofDefaults().copiesPerExample(AUTO);
    }

    /** Whether the distiller chooses the number of copies ({@link #copiesPerExample()} is {@link #AUTO}). */
    public boolean isAutomatic() {
        return this.copiesPerExample == AUTO;
    }

    /**
     * Whether copies are asked for: a fixed number above zero, or {@linkplain #isAutomatic() automatic}
     * (where the distiller may still choose none).
     */
    public boolean isEnabled() {
        return this.copiesPerExample > 0 || isAutomatic();
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

    /** A copy that makes this many copies per example ({@link #AUTO}: the distiller chooses). */
    public Augmentation copiesPerExample(int copies) {
        return new Augmentation(this.tokenMasking, this.ngramSampling, this.maxNgram, this.wordReplacement, copies);
    }
}
