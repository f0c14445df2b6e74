package io.distill4j.pipeline.job;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.pipeline.report.AugmentationChoice;

/**
 * How many augmented copies per training example a job makes: the spec's number, or, for
 * {@link Augmentation#auto()}, the number this rule chooses before the teacher stage. A pure function of
 * its inputs, so the same data and spec always give the same choice (and, with the spec's seed, the same
 * copies).
 *
 * <p>The automatic rule, for a classification job with {@code n} training rows (labelled or not: the
 * teacher labels every row and each gets copies):
 * <ol>
 * <li>{@code n} at or above {@value #LARGE_DATA_ROWS}: no copies. Tang et al. report most of the gain on
 * small data; at this size the data already shows the teacher's behaviour widely, and copies would cost
 * a teacher pass and student epochs over several times the data for little gain.</li>
 * <li>Otherwise the most copies, at most {@value #MAX_COPIES} (the paper's number), such that the
 * transfer set {@code n × (1 + copies)} stays within {@value #MAX_TRANSFER_RATIO} times the training
 * split (beyond that a student sees mostly perturbed text, and each epoch grows with it) and within
 * {@value #MAX_TRANSFER_ROWS} rows (a student epoch on a CPU stays in seconds to a minute, so the
 * tuner's trials still fit a default 15-minute budget). The ratio bound allows at most 9 copies, and
 * binds below {@code 6,000} rows; the row bound binds from there up: 3 copies at 12,083 rows, 2 just
 * below 20,000.</li>
 * <li>When the teacher's rate in texts per second is known, also the most copies whose teacher pass
 * ({@code n × copies / rate}) takes at most {@value #BUDGET_SHARE_PERCENT} % of the budget's
 * {@code maxDuration}, so the copies never cost more than a quarter of the time the search gets.</li>
 * </ol>
 * Never fewer than 0. The budget's trial count does not enter: the search stops when the time is up,
 * whatever the trials.
 *
 * <p>An embedding job gets no automatic copies: the rule's evidence (Tang et al., and this project's
 * benchmark) is for classification, and a masked or cut text's vector teaches an embedding student about
 * fragments it will rarely embed. A fixed number of copies still applies to an embedding job.
 */
final class AugmentationSizing {

    /** Training rows from which automatic augmentation makes no copies. */
    static final int LARGE_DATA_ROWS = 20_000;

    /** The most automatic copies per example. */
    static final int MAX_COPIES = 20;

    /** The largest transfer set, as a multiple of the training split. */
    static final int MAX_TRANSFER_RATIO = 10;

    /** The largest transfer set, in rows. */
    static final int MAX_TRANSFER_ROWS = 60_000;

    /** The most of the budget's duration the teacher's pass over the copies may take, in percent. */
    static final int BUDGET_SHARE_PERCENT = 25;

    private AugmentationSizing() {
    }

    /**
     * The copies for {@code augmentation}; empty when it asks for none.
     *
     * @param trainingRows the rows of the training split, 0 or more
     * @param teacherTextsPerSecond the teacher's throughput, when known
     * @throws IllegalArgumentException if {@code trainingRows} is negative
     */
    static Optional<AugmentationChoice> choose(Augmentation augmentation, int trainingRows, DistillationTask task,
            Budget budget, OptionalDouble teacherTextsPerSecond) {
        if (trainingRows < 0) {
            throw new IllegalArgumentException("augmentation.trainingExamples must be at least 0, was "
                    + trainingRows);
        }
        if (!augmentation.isEnabled()) {
            return Optional.empty();
        }
        if (!augmentation.isAutomatic()) {
            return Optional.of(new AugmentationChoice(false, augmentation.copiesPerExample(), trainingRows,
                    String.format(Locale.ROOT, "fixed: %d copies per example of %,d training examples",
                            augmentation.copiesPerExample(), trainingRows)));
        }
        String examples = String.format(Locale.ROOT, "auto: %,d training examples \u2192 ", trainingRows);
        if (task == DistillationTask.TEXT_EMBEDDING) {
            return auto(0, trainingRows, examples + "no copies (automatic copies are for classification; set "
                    + "copiesPerExample to augment an embedding job)");
        }
        if (trainingRows == 0) {
            return auto(0, 0, examples + "no copies");
        }
        if (trainingRows >= LARGE_DATA_ROWS) {
            return auto(0, trainingRows, examples + String.format(Locale.ROOT, "no copies (%,d or more: large "
                    + "enough without)", LARGE_DATA_ROWS));
        }
        int copies = MAX_COPIES;
        String bound = "the most automatic copies";
        int byRatio = MAX_TRANSFER_RATIO - 1;
        if (byRatio < copies) {
            copies = byRatio;
            bound = String.format(Locale.ROOT, "transfer \u2264 %d \u00d7 training", MAX_TRANSFER_RATIO);
        }
        int byRows = MAX_TRANSFER_ROWS / trainingRows - 1;
        if (byRows < copies) {
            copies = byRows;
            bound = String.format(Locale.ROOT, "transfer \u2264 %,d rows", MAX_TRANSFER_ROWS);
        }
        OptionalDouble rate = teacherTextsPerSecond;
        if (rate.isPresent() && Double.isFinite(rate.getAsDouble()) && rate.getAsDouble() > 0) {
            Duration duration = budget.maxDuration();
            double seconds = duration.toMillis() / 1000.0 * BUDGET_SHARE_PERCENT / 100;
            long byBudget = (long) Math.floor(seconds * rate.getAsDouble() / trainingRows);
            if (byBudget < copies) {
                copies = (int) byBudget;
                bound = String.format(Locale.ROOT, "teacher on the copies \u2264 %d %% of the %s budget at %.0f "
                        + "texts/s", BUDGET_SHARE_PERCENT, duration.toString().substring(2).toLowerCase(Locale.ROOT),
                        rate.getAsDouble());
            }
        }
        copies = Math.max(0, copies);
        return auto(copies, trainingRows, examples + (copies == 0 ? "no copies" : copies == 1 ? "1 copy per example"
                : copies + " copies per example") + " (" + bound + ")");
    }

    private static Optional<AugmentationChoice> auto(int copies, int trainingRows, String reason) {
        return Optional.of(new AugmentationChoice(true, copies, trainingRows, reason));
    }
}
