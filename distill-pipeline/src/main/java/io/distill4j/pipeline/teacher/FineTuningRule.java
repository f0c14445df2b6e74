package io.distill4j.pipeline.teacher;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.distill4j.pipeline.report.TeacherChoice;

/**
 * The rule that chooses between an encoder's frozen head and fine-tuning it
 * ({@link io.distill4j.api.distill.FineTuningPolicy#AUTO}), as a pure function of measured figures:
 *
 * <ol>
 * <li>fewer than {@value #MIN_VALIDATION_EXAMPLES} labelled validation examples: too few to compare on,
 * the frozen head, without a probe;</li>
 * <li>a frozen head already at {@value #HIGH_FROZEN_ACCURACY} validation accuracy or more: the frozen
 * head, without a probe;</li>
 * <li>otherwise a probe runs, and the encoder is fine-tuned when the probe beats a frozen head fitted on
 * the same training subsample by at least {@value #MARGIN} (one point of accuracy; less is within the
 * noise of a short run on a subsample) <em>and</em> the estimated fine-tuning time fits the job's budget;
 * else the frozen head.</li>
 * </ol>
 *
 * The reasons are sentences for the report and the progress events, with the numbers they were decided on.
 */
final class FineTuningRule {

    /** Fewer labelled validation examples than this are too few to compare a probe with a frozen head. */
    static final int MIN_VALIDATION_EXAMPLES = 100;

    /** A frozen head at least this accurate on validation is kept without a probe. */
    static final double HIGH_FROZEN_ACCURACY = 0.98;

    /** How much better (accuracy, 0.01 = one point) the probe must be than the equal-data frozen head. */
    static final double MARGIN = 0.01;

    /** The most training examples a probe fine-tunes on. */
    static final int PROBE_TRAIN_EXAMPLES = 1024;

    /** The most validation examples a probe and its equal-data frozen head are scored on. */
    static final int PROBE_VALIDATION_EXAMPLES = 1000;

    /** The share of the job's budget a probe may take; past it, it stops and the frozen head is kept. */
    static final double PROBE_BUDGET_SHARE = 0.1;

    private FineTuningRule() {
    }

    /** Why no probe is needed, when none is: too few validation examples, or a frozen head accurate already. */
    static Optional<String> skipProbe(double frozenAccuracy, int validationExamples) {
        if (validationExamples < MIN_VALIDATION_EXAMPLES) {
            return Optional.of(String.format(Locale.ROOT, "kept the frozen head: validation has %,d labelled "
                    + "examples, fewer than %d to compare on", validationExamples, MIN_VALIDATION_EXAMPLES));
        }
        if (frozenAccuracy >= HIGH_FROZEN_ACCURACY) {
            return Optional.of(String.format(Locale.ROOT, "kept the frozen head: its validation accuracy %.3f is "
                    + "%.2f or more already", frozenAccuracy, HIGH_FROZEN_ACCURACY));
        }
        return Optional.empty();
    }

    /** The choice the rule makes on {@code figures} within {@code budget}. */
    static TeacherChoice decide(ProbeFigures figures, Duration budget) {
        Optional<String> skip = skipProbe(figures.frozenAccuracy(), figures.validationExamples());
        if (skip.isPresent()) {
            return choice(figures, budget, false, skip.get());
        }
        Optional<Duration> estimate = figures.estimatedFineTuning();
        String comparison = String.format(Locale.ROOT, "probe %.3f vs frozen %.3f at %,d examples",
                figures.probeAccuracy(), figures.equalDataFrozenAccuracy(), figures.probeTrainExamples());
        if (estimate.isPresent() && estimate.get().compareTo(budget) > 0) {
            String probe = figures.probeSteps() == 0 ? " (from the frozen encoder's speed, without a probe)"
                    : figures.probeStopped().isPresent()
                            ? String.format(Locale.ROOT, " (the probe stopped after %,d steps)", figures.probeSteps())
                            : " (" + comparison + ")";
            return choice(figures, budget, false, "kept the frozen head: fine-tuning estimated "
                    + words(estimate.get()) + ", over the " + words(budget) + " budget" + probe);
        }
        if (figures.probeStopped().isPresent() || Double.isNaN(figures.probeAccuracy())) {
            return choice(figures, budget, false, "kept the frozen head: "
                    + figures.probeStopped().orElse("the probe measured no accuracy"));
        }
        if (!(figures.probeAccuracy() - figures.equalDataFrozenAccuracy() >= MARGIN - 1e-9)) {
            return choice(figures, budget, false, "kept the frozen head: " + comparison + ", not "
                    + String.format(Locale.ROOT, "%.0f", MARGIN * 100) + " point better");
        }
        return choice(figures, budget, true, "fine-tuned: " + comparison + "; estimated "
                + estimate.map(FineTuningRule::words).orElse("(unknown)") + " within the " + words(budget)
                + " budget");
    }

    /**
     * The whole fine-tuning's time: {@code epochs} passes of {@code ceil(trainExamples / batchSize)} steps at
     * the probe's speed, plus the soft-target pass over {@code softTargetTexts} texts at the frozen encoder's
     * speed (validation, export and the parity check are not counted; early stopping may end sooner).
     *
     * @return empty when the probe measured no speed
     */
    static Optional<Duration> estimate(int epochs, int trainExamples, int batchSize, double stepsPerSecond,
            int softTargetTexts, double textsPerSecond) {
        if (!(stepsPerSecond > 0) || Double.isInfinite(stepsPerSecond)) {
            return Optional.empty();
        }
        long steps = (long) epochs * ((trainExamples + batchSize - 1) / batchSize);
        double seconds = steps / stepsPerSecond;
        if (textsPerSecond > 0 && !Double.isInfinite(textsPerSecond)) {
            seconds += softTargetTexts / textsPerSecond;
        }
        return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    }

    /**
     * The least the whole fine-tuning can take, known before any probe: every training example of every
     * epoch and every soft-target text at the frozen encoder's inference speed (a training step, forward
     * and backward, is slower than inference).
     *
     * @return empty when the encoder's speed is not known
     */
    static Optional<Duration> lowerBound(int epochs, int trainExamples, int softTargetTexts, double textsPerSecond) {
        if (!(textsPerSecond > 0) || Double.isInfinite(textsPerSecond)) {
            return Optional.empty();
        }
        double seconds = ((double) epochs * trainExamples + softTargetTexts) / textsPerSecond;
        return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    }

    /** {@code 45 s}, {@code 3 min 20 s}, {@code 41 min}, {@code 3 h 10 min}. */
    static String words(Duration duration) {
        long seconds = Math.max(0, (duration.toMillis() + 500) / 1000);
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 600) {
            return seconds % 60 == 0 ? seconds / 60 + " min" : seconds / 60 + " min " + seconds % 60 + " s";
        }
        long minutes = (seconds + 30) / 60;
        if (minutes < 60) {
            return minutes + " min";
        }
        return minutes % 60 == 0 ? minutes / 60 + " h" : minutes / 60 + " h " + minutes % 60 + " min";
    }

    private static TeacherChoice choice(ProbeFigures f, Duration budget, boolean fineTuned, String reason) {
        return new TeacherChoice(fineTuned, reason, f.frozenAccuracy(), f.validationExamples(),
                f.equalDataFrozenAccuracy(), f.probeAccuracy(), f.probeTrainExamples(), f.probeValidationExamples(),
                f.probeSteps(), f.probeDuration(), f.estimatedFineTuning(), budget);
    }
}
