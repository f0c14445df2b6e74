package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import io.distill4j.pipeline.report.TeacherChoice;
import org.junit.jupiter.api.Test;

/** The choice between the frozen head and fine-tuning, as a function of the measured figures. */
class FineTuningRuleTests {

    private static final Duration BUDGET = Duration.ofMinutes(60);

    private static ProbeFigures probed(double frozen, double equalData, double probe, Duration estimate) {
        return new ProbeFigures(frozen, 500, equalData, probe, 1024, 500, 96, Duration.ofSeconds(80),
                Optional.of(estimate), Optional.empty());
    }

    @Test
    void aProbeThatBeatsTheEqualDataFrozenHeadByTheMarginWithinTheBudgetFineTunes() {
        TeacherChoice choice = FineTuningRule.decide(probed(0.83, 0.812, 0.874, Duration.ofMinutes(41)), BUDGET);

        assertThat(choice.fineTuned()).isTrue();
        assertThat(choice.reason()).isEqualTo("fine-tuned: probe 0.874 vs frozen 0.812 at 1,024 examples; "
                + "estimated 41 min within the 1 h budget");
        assertThat(choice.probeSteps()).isEqualTo(96);
        assertThat(choice.budget()).isEqualTo(BUDGET);
        assertThat(choice.estimatedFineTuning()).contains(Duration.ofMinutes(41));
    }

    @Test
    void aProbeLessThanOnePointBetterKeepsTheFrozenHead() {
        TeacherChoice justShort = FineTuningRule.decide(probed(0.83, 0.812, 0.821, Duration.ofMinutes(5)), BUDGET);
        TeacherChoice exactlyOnePoint = FineTuningRule.decide(probed(0.83, 0.81, 0.82, Duration.ofMinutes(5)), BUDGET);

        assertThat(justShort.fineTuned()).isFalse();
        assertThat(justShort.reason()).isEqualTo("kept the frozen head: probe 0.821 vs frozen 0.812 at 1,024 "
                + "examples, not 1 point better");
        assertThat(exactlyOnePoint.fineTuned()).isTrue();
    }

    @Test
    void aFineTuningEstimatedOverTheBudgetKeepsTheFrozenHeadHoweverGoodTheProbe() {
        TeacherChoice choice = FineTuningRule.decide(probed(0.7, 0.7, 0.9, Duration.ofMinutes(190)),
                Duration.ofMinutes(15));

        assertThat(choice.fineTuned()).isFalse();
        assertThat(choice.reason()).startsWith("kept the frozen head: fine-tuning estimated 3 h 10 min, over the "
                + "15 min budget (probe 0.900 vs frozen 0.700");
        assertThat(FineTuningRule.decide(probed(0.7, 0.7, 0.9, Duration.ofMinutes(15)), Duration.ofMinutes(15))
                .fineTuned()).as("an estimate equal to the budget fits").isTrue();
    }

    @Test
    void fewerThanOneHundredValidationExamplesKeepTheFrozenHeadWithoutAProbe() {
        assertThat(FineTuningRule.skipProbe(0.5, 24)).contains("kept the frozen head: validation has 24 labelled "
                + "examples, fewer than 100 to compare on");
        assertThat(FineTuningRule.skipProbe(0.5, 100)).isEmpty();
        TeacherChoice choice = FineTuningRule.decide(ProbeFigures.withoutProbe(0.5, 99), BUDGET);
        assertThat(choice.fineTuned()).isFalse();
        assertThat(choice.reason()).contains("99 labelled examples");
        assertThat(choice.probeSteps()).isZero();
        assertThat(choice.estimatedFineTuning()).isEmpty();
    }

    @Test
    void aFrozenHeadAlreadyAtNinetyEightPercentIsKeptWithoutAProbe() {
        assertThat(FineTuningRule.skipProbe(0.98, 5000)).contains("kept the frozen head: its validation accuracy "
                + "0.980 is 0.98 or more already");
        assertThat(FineTuningRule.skipProbe(0.979, 5000)).isEmpty();
        assertThat(FineTuningRule.decide(probed(0.99, 0.5, 0.99, Duration.ofMinutes(1)), BUDGET).fineTuned())
                .isFalse();
    }

    @Test
    void aProbeStoppedEarlyKeepsTheFrozenHeadWithItsReason() {
        ProbeFigures capped = new ProbeFigures(0.8, 500, 0.8, Double.NaN, 1024, 500, 12, Duration.ofSeconds(90),
                Optional.of(Duration.ofMinutes(10)), Optional.of("the probe ran past its 1 min 30 s limit (a tenth "
                        + "of the budget) after 12 steps"));
        ProbeFigures overBudget = new ProbeFigures(0.8, 500, 0.8, Double.NaN, 1024, 500, 3, Duration.ofSeconds(9),
                Optional.of(Duration.ofHours(3)), Optional.of("fine-tuning estimated over the budget"));
        ProbeFigures noProbe = new ProbeFigures(0.8, 500, Double.NaN, Double.NaN, 0, 0, 0, Duration.ZERO,
                Optional.of(Duration.ofMinutes(20)), Optional.of("fine-tuning estimated over the budget before any "
                        + "probe"));

        assertThat(FineTuningRule.decide(capped, Duration.ofMinutes(15)).reason()).isEqualTo("kept the frozen head: "
                + "the probe ran past its 1 min 30 s limit (a tenth of the budget) after 12 steps");
        assertThat(FineTuningRule.decide(overBudget, Duration.ofMinutes(15)).reason()).isEqualTo("kept the frozen "
                + "head: fine-tuning estimated 3 h, over the 15 min budget (the probe stopped after 3 steps)");
        assertThat(FineTuningRule.decide(noProbe, Duration.ofSeconds(1)).reason()).isEqualTo("kept the frozen head: "
                + "fine-tuning estimated 20 min, over the 1 s budget (from the frozen encoder's speed, without a "
                + "probe)");
    }

    @Test
    void recordedFiguresAreReusedUnlessAStoppedProbesReasonIsGoneUnderTheNewBudget() {
        ProbeFigures overBudget = new ProbeFigures(0.8, 500, 0.8, Double.NaN, 1024, 500, 3, Duration.ofSeconds(9),
                Optional.of(Duration.ofMinutes(30)), Optional.of("fine-tuning estimated over the budget"));

        assertThat(AutoFineTuning.reusable(overBudget, Duration.ofMinutes(15))).isTrue();
        assertThat(AutoFineTuning.reusable(overBudget, Duration.ofHours(1))).isFalse();
        assertThat(AutoFineTuning.reusable(probed(0.8, 0.8, 0.9, Duration.ofMinutes(30)), Duration.ofSeconds(1)))
                .isTrue();
    }

    @Test
    void theEstimateIsEpochsTimesStepsOverTheProbesSpeedPlusTheSoftTargetPass() {
        // 3 epochs of ceil(1000 / 32) = 32 steps at 2 steps/s: 48 s; 5,000 texts at 500 texts/s: 10 s.
        assertThat(FineTuningRule.estimate(3, 1000, 32, 2.0, 5000, 500)).contains(Duration.ofSeconds(58));
        assertThat(FineTuningRule.estimate(3, 1000, 32, 2.0, 5000, Double.NaN)).contains(Duration.ofSeconds(48));
        assertThat(FineTuningRule.estimate(3, 1000, 32, Double.NaN, 5000, 500)).isEmpty();
        assertThat(FineTuningRule.lowerBound(3, 1000, 5000, 500)).contains(Duration.ofSeconds(16));
        assertThat(FineTuningRule.lowerBound(3, 1000, 5000, 0)).isEmpty();
    }

    @Test
    void durationsReadAsWords() {
        assertThat(FineTuningRule.words(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(FineTuningRule.words(Duration.ofSeconds(200))).isEqualTo("3 min 20 s");
        assertThat(FineTuningRule.words(Duration.ofMinutes(41))).isEqualTo("41 min");
        assertThat(FineTuningRule.words(Duration.ofMinutes(190))).isEqualTo("3 h 10 min");
        assertThat(FineTuningRule.words(Duration.ofHours(2))).isEqualTo("2 h");
    }
}
