package io.distill4j.api.labelling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The labelling values refuse what a model or a user could get wrong, naming the field and the limit. */
class LabellingTypesTests {

    @Test
    void aLabelSetNeedsTwoDistinctLabels() {
        assertThatIllegalArgumentException().isThrownBy(() -> LabelSet.of("only"))
                .withMessageContaining("labels must hold 2 to 1000 labels, was 1");
        assertThatIllegalArgumentException().isThrownBy(() -> LabelSet.of("a", "b", "a"))
                .withMessageContaining("'a' is given twice");
        assertThatIllegalArgumentException().isThrownBy(() -> LabelSet.of("a", " "))
                .withMessageContaining("labels.name");
        assertThatIllegalArgumentException().isThrownBy(() -> LabelSet.of("a", "two\nlines"))
                .withMessageContaining("one line");
        assertThat(LabelSet.of("a", "b").names()).containsExactly("a", "b");
        assertThat(LabelSet.of("a", "b").indexOf("b")).isEqualTo(1);
        assertThat(LabelSet.of("a", "b").indexOf("c")).isEqualTo(-1);
    }

    @Test
    void severalSamplesNeedATemperatureAndRaisingThemFromZeroSetsOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LabellingOptions(
                LabellingPrompts.DEFAULT_TEMPLATE, 0.0, 5, true, 3)).withMessageContaining("options.temperature");
        LabellingOptions five = LabellingOptions.ofDefaults().samples(5);
        assertThat(five.samples()).isEqualTo(5);
        assertThat(five.temperature()).isEqualTo(1.0);
        assertThat(five.temperature(0.7).temperature()).isEqualTo(0.7);
        assertThatIllegalArgumentException().isThrownBy(() -> LabellingOptions.ofDefaults().samples(21))
                .withMessageContaining("options.samples must be in [1, 20], was 21");
        assertThatIllegalArgumentException().isThrownBy(() -> LabellingOptions.ofDefaults().attempts(0))
                .withMessageContaining("options.attempts");
        assertThatIllegalArgumentException().isThrownBy(() -> LabellingOptions.ofDefaults().temperature(2.5))
                .withMessageContaining("options.temperature");
    }

    @Test
    void anAnswerHasADistributionExactlyWhenItIsInTheSet() {
        LabellingUsage usage = new LabellingUsage(1, 40, 5);
        assertThat(LabelledText.of(List.of(0.25, 0.75), TargetSource.SAMPLES, 0, usage).answered()).isTrue();
        assertThat(LabelledText.unanswered(3, usage).answered()).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> LabelledText.of(List.of(0.5, 0.6),
                TargetSource.SAMPLES, 0, usage)).withMessageContaining("sum to 1");
        assertThatIllegalArgumentException().isThrownBy(() -> LabelledText.of(List.of(),
                TargetSource.SINGLE_ANSWER, 0, usage)).withMessageContaining("empty exactly when source is NONE");
        assertThatIllegalArgumentException().isThrownBy(() -> LabelledText.of(List.of(1.2, -0.2),
                TargetSource.LOG_PROBABILITIES, 0, usage)).withMessageContaining("probabilities[0]");
    }

    @Test
    void usageAddsUpAndTheBudgetStopsAtEitherLimit() {
        LabellingUsage spent = new LabellingUsage(2, 100, 10).plus(new LabellingUsage(1, 50, 5));
        assertThat(spent).isEqualTo(new LabellingUsage(3, 150, 15));
        assertThat(spent.totalTokens()).isEqualTo(165);
        assertThat(new LabellingBudget(3, 0).exhaustedBy(spent)).isTrue();
        assertThat(new LabellingBudget(4, 0).exhaustedBy(spent)).isFalse();
        assertThat(new LabellingBudget(0, 165).exhaustedBy(spent)).isTrue();
        assertThat(LabellingBudget.UNLIMITED.exhaustedBy(spent)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> new LabellingBudget(-1, 0))
                .withMessageContaining("budget.maxRequests");
        LabellingResult result = new LabellingResult(List.of(LabelledText.unanswered(1, spent),
                LabelledText.unanswered(0, new LabellingUsage(1, 1, 1))));
        assertThat(result.usage()).isEqualTo(new LabellingUsage(4, 151, 16));
    }

    @Test
    void aRequestNeedsTextsThatAreNotBlankAndRendersEachPrompt() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LabellingRequest(List.of(), LabelSet.of("a", "b"),
                LabellingOptions.ofDefaults())).withMessageContaining("texts");
        assertThatIllegalArgumentException().isThrownBy(() -> LabellingRequest.of(" ", LabelSet.of("a", "b"),
                LabellingOptions.ofDefaults())).withMessageContaining("texts[0]");
        LabellingRequest request = LabellingRequest.of("hello", LabelSet.of("a", "b"),
                LabellingOptions.ofDefaults().promptTemplate("{labels}|{text}"));
        assertThat(request.prompt(0)).isEqualTo("- a\n- b|hello");
    }

    @Test
    void theMostProbableLabelIsTheFirstOnTiesAndAnUnansweredTextHasNone() {
        LabellingUsage usage = new LabellingUsage(1, 10, 2);
        assertThat(LabelledText.of(List.of(0.2, 0.5, 0.3), TargetSource.SAMPLES, 0, usage).mostProbable()).isEqualTo(1);
        assertThat(LabelledText.of(List.of(0.5, 0.5), TargetSource.SAMPLES, 0, usage).mostProbable()).isZero();
        assertThatIllegalStateException().isThrownBy(() -> LabelledText.unanswered(3, usage).mostProbable());
    }
}
