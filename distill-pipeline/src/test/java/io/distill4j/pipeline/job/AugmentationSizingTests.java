package io.distill4j.pipeline.job;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.pipeline.report.AugmentationChoice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AugmentationSizingTests {

    private static final DistillationTask CLASSIFICATION = DistillationTask.TEXT_CLASSIFICATION;

    private static final Budget BUDGET = Budget.ofDefaults();

    private static final OptionalDouble UNKNOWN = OptionalDouble.empty();

    private static AugmentationChoice auto(int rows) {
        return AugmentationSizing.choose(Augmentation.auto(), rows, CLASSIFICATION, BUDGET, UNKNOWN).orElseThrow();
    }

    private static int copies(int rows) {
        return auto(rows).copiesPerExample();
    }

    @Test
    void noAugmentationAsksForNoChoice() {
        assertThat(AugmentationSizing.choose(Augmentation.none(), 500, CLASSIFICATION, BUDGET, UNKNOWN)).isEmpty();
        assertThat(AugmentationSizing.choose(Augmentation.ofDefaults().copiesPerExample(0), 500, CLASSIFICATION,
                BUDGET, UNKNOWN)).isEmpty();
    }

    @Test
    void aFixedNumberOfCopiesIsKeptWhateverTheDataSize() {
        assertThat(AugmentationSizing.choose(Augmentation.ofDefaults().copiesPerExample(6), 50_000, CLASSIFICATION,
                BUDGET, OptionalDouble.of(1))).hasValue(new AugmentationChoice(false, 6, 50_000,
                        "fixed: 6 copies per example of 50,000 training examples"));
    }

    @Test
    void smallDataGetsNineCopiesTheMostTheTenfoldTransferAllows() {
        assertThat(copies(1)).isEqualTo(9);
        assertThat(copies(500)).isEqualTo(9);
        assertThat(copies(6_000)).isEqualTo(9);
        assertThat(auto(500)).isEqualTo(new AugmentationChoice(true, 9, 500,
                "auto: 500 training examples \u2192 9 copies per example (transfer \u2264 10 \u00d7 training)"));
    }

    @Test
    void pastSixThousandRowsTheSixtyThousandRowCapDecides() {
        assertThat(copies(6_001)).isEqualTo(8);
        assertThat(copies(10_000)).isEqualTo(5);
        assertThat(copies(12_000)).isEqualTo(4);
        assertThat(copies(12_001)).isEqualTo(3);
        assertThat(auto(12_083)).isEqualTo(new AugmentationChoice(true, 3, 12_083,
                "auto: 12,083 training examples \u2192 3 copies per example (transfer \u2264 60,000 rows)"));
        for (int rows : new int[] {6_001, 9_999, 12_083, 15_000, 19_999}) {
            int copies = copies(rows);
            assertThat((long) rows * (1 + copies)).isLessThanOrEqualTo(60_000);
            assertThat((long) rows * (2 + copies)).isGreaterThan(60_000);
        }
    }

    @Test
    void twentyThousandRowsOrMoreGetNoCopies() {
        assertThat(copies(19_999)).isEqualTo(2);
        assertThat(copies(20_000)).isZero();
        assertThat(copies(1_000_000)).isZero();
        assertThat(auto(20_000).reason()).isEqualTo(
                "auto: 20,000 training examples \u2192 no copies (20,000 or more: large enough without)");
    }

    @Test
    void aKnownTeacherRateKeepsTheCopiesPassWithinAQuarterOfTheBudget() {
        Budget tenMinutes = Budget.of(Duration.ofMinutes(10), 4);
        // A quarter of 10 minutes is 150 s; at 20 texts/s that is 3,000 texts: 3 copies of 1,000 rows.
        AugmentationChoice choice = AugmentationSizing.choose(Augmentation.auto(), 1_000, CLASSIFICATION, tenMinutes,
                OptionalDouble.of(20)).orElseThrow();
        assertThat(choice.copiesPerExample()).isEqualTo(3);
        assertThat(choice.reason()).isEqualTo("auto: 1,000 training examples \u2192 3 copies per example "
                + "(teacher on the copies \u2264 25 % of the 10m budget at 20 texts/s)");
        assertThat(1_000 * 3 / 20.0).isLessThanOrEqualTo(150);
        assertThat(1_000 * 4 / 20.0).isGreaterThan(150);
        // A fast teacher leaves the size rules in charge; one too slow for a single copy gets none.
        assertThat(AugmentationSizing.choose(Augmentation.auto(), 1_000, CLASSIFICATION, tenMinutes,
                OptionalDouble.of(10_000)).orElseThrow().copiesPerExample()).isEqualTo(9);
        assertThat(AugmentationSizing.choose(Augmentation.auto(), 1_000, CLASSIFICATION, tenMinutes,
                OptionalDouble.of(1)).orElseThrow()).satisfies(slow -> {
                    assertThat(slow.copiesPerExample()).isZero();
                    assertThat(slow.reason()).contains("no copies (teacher on the copies");
                });
        // A rate that is not a positive number is treated as unknown.
        assertThat(AugmentationSizing.choose(Augmentation.auto(), 1_000, CLASSIFICATION, tenMinutes,
                OptionalDouble.of(Double.NaN)).orElseThrow().copiesPerExample()).isEqualTo(9);
    }

    @Test
    void anEmbeddingJobGetsNoAutomaticCopiesButKeepsAFixedNumber() {
        assertThat(AugmentationSizing.choose(Augmentation.auto(), 500, DistillationTask.TEXT_EMBEDDING, BUDGET,
                UNKNOWN)).hasValueSatisfying(choice -> assertThat(choice.copiesPerExample()).isZero());
        assertThat(AugmentationSizing.choose(Augmentation.ofDefaults().copiesPerExample(4), 500,
                DistillationTask.TEXT_EMBEDDING, BUDGET, UNKNOWN).map(AugmentationChoice::copiesPerExample))
                .isEqualTo(Optional.of(4));
    }

    @Test
    void anEmptyTrainingSplitGetsNoCopiesAndANegativeCountIsRefused() {
        assertThat(copies(0)).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> AugmentationSizing.choose(Augmentation.auto(), -1,
                CLASSIFICATION, BUDGET, UNKNOWN)).withMessageContaining("augmentation.trainingExamples")
                .withMessageContaining("at least 0");
    }
}
