package io.distill4j.pipeline.report;

import io.distill4j.api.Checks;

/**
 * How many augmented copies per training example a job made, and why: the number the spec fixed, or
 * the one the distiller chose for {@code Augmentation.auto()}.
 *
 * <pre>{@code
 * report.data().augmentation().ifPresent(a -> System.out.println(a.reason()));
 * // auto: 12,083 training examples → 3 copies per example (transfer ≤ 60,000 rows)
 * }</pre>
 *
 * @param automatic whether the distiller chose the number (otherwise the spec fixed it)
 * @param copiesPerExample the copies asked of the augmenter per training example, 0 or more (duplicates
 *     of a text already in the transfer set are dropped, so fewer rows may result)
 * @param trainingExamples the training rows the copies were made from
 * @param reason the rule applied, in words, with its numbers
 */
public record AugmentationChoice(boolean automatic, int copiesPerExample, int trainingExamples, String reason) {

    public AugmentationChoice {
        Checks.atLeast(copiesPerExample, 0, "augmentation.copiesPerExample");
        Checks.atLeast(trainingExamples, 0, "augmentation.trainingExamples");
        Checks.notBlank(reason, "augmentation.reason");
    }
}
