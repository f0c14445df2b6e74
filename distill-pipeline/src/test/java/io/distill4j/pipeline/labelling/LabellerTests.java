package io.distill4j.pipeline.labelling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.pipeline.testing.KeywordLabellingModel;

/**
 * Asking a labelling model for many texts: each distinct text once, answers kept, transient failures retried,
 * concurrency and budget held, a hard failure reported without losing what was answered.
 */
class LabellerTests {

    private static final LabelSet LABELS = LabelSet.of("card", "transfer", "other");

    private static final Map<String, String> KEYWORDS = Map.of("card", "card", "transfer", "transfer");

    private static final LabellingOptions OPTIONS = LabellingOptions.ofDefaults();

    private static final LabellingLimits FAST = LabellingLimits.builder().concurrency(4)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();

    private static List<String> texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(switch (i % 3) {
                case 0 -> "my card " + i + " is blocked";
                case 1 -> "the transfer " + i + " is late";
                default -> "hello " + i;
            });
        }
        return texts;
    }

    private static LabellingOutcome label(KeywordLabellingModel model, LabellingLimits limits, Path dir,
            List<String> texts, LabellingBudget budget) {
        try (ExchangeJournal journal = ExchangeJournal.open(dir, model.id(), LABELS, OPTIONS)) {
            return Labeller.of(model, limits).label("job-1", texts, LABELS, OPTIONS, journal, budget, () -> false,
                    (done, total, spent) -> { });
        }
    }

    @Test
    void eachDistinctTextIsAskedOnceAndASecondRunAsksNothing(@TempDir Path dir) {
        List<String> texts = new ArrayList<>(texts(30));
        texts.addAll(texts(10));
        KeywordLabellingModel model = KeywordLabellingModel.answering(KEYWORDS);
        LabellingOutcome first = label(model, FAST, dir, texts, LabellingBudget.UNLIMITED);
        assertThat(model.calls).hasValue(30);
        assertThat(first.asked()).isEqualTo(30);
        assertThat(first.fromJournal()).isZero();
        assertThat(first.answers()).hasSize(40).allSatisfy(answer -> assertThat(answer).isPresent());
        assertThat(first.answers().get(0).orElseThrow().probabilities()).containsExactly(1.0, 0.0, 0.0);
        assertThat(first.answers().get(31).orElseThrow()).isEqualTo(first.answers().get(1).orElseThrow());
        assertThat(first.spent().requests()).isEqualTo(30);

        KeywordLabellingModel again = KeywordLabellingModel.answering(KEYWORDS);
        LabellingOutcome second = label(again, FAST, dir, texts, LabellingBudget.UNLIMITED);
        assertThat(again.calls).hasValue(0);
        assertThat(second.fromJournal()).isEqualTo(30);
        assertThat(second.answers()).isEqualTo(first.answers());
        assertThat(second.spent().requests()).isZero();
        assertThat(second.journalled()).isEqualTo(first.spent());
    }

    @Test
    void transientFailuresAreRetriedAndCountedAsRequests(@TempDir Path dir) {
        KeywordLabellingModel model = new KeywordLabellingModel(KEYWORDS, 2, text -> false, text -> false, 0);
        LabellingOutcome outcome = label(model, FAST, dir, texts(12), LabellingBudget.UNLIMITED);
        assertThat(outcome.answers()).allSatisfy(answer -> assertThat(answer).isPresent());
        assertThat(outcome.retries()).isEqualTo(24);
        assertThat(model.calls).hasValue(36);
        assertThat(outcome.spent().requests()).isEqualTo(36);
    }

    @Test
    void aFailureThatOutlastsItsRetriesStopsTheAskingAndKeepsTheAnswersSoFar(@TempDir Path dir) {
        LabellingLimits twoTries = LabellingLimits.builder().concurrency(1).retryAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build();
        List<String> texts = List.of("my card is blocked", "the transfer is late", "hello");
        // Whichever text is asked third is refused for good.
        AtomicInteger asked = new AtomicInteger();
        KeywordLabellingModel flaky = new KeywordLabellingModel(KEYWORDS, 0, text -> false,
                text -> asked.incrementAndGet() == 3, 0);
        assertThatThrownBy(() -> label(flaky, twoTries, dir, texts, LabellingBudget.UNLIMITED))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("keywords:test failed (").hasMessageContaining("401 invalid API key")
                .hasMessageContaining("2 of 3 texts are answered and kept in");
        KeywordLabellingModel healthy = KeywordLabellingModel.answering(KEYWORDS);
        LabellingOutcome resumed = label(healthy, twoTries, dir, texts, LabellingBudget.UNLIMITED);
        assertThat(healthy.calls).hasValue(1);
        assertThat(resumed.fromJournal()).isEqualTo(2);
    }

    @Test
    void noMoreRequestsThanTheConcurrencyAreInFlight(@TempDir Path dir) {
        KeywordLabellingModel slow = new KeywordLabellingModel(KEYWORDS, 0, text -> false, text -> false, 20);
        label(slow, LabellingLimits.builder().concurrency(3).build(), dir, texts(24), LabellingBudget.UNLIMITED);
        assertThat(slow.maxInFlight.get()).isBetween(2, 3);
    }

    @Test
    void theBudgetStopsTheAskingAndTheRestIsAskedWhenItIsRaised(@TempDir Path dir) {
        KeywordLabellingModel model = KeywordLabellingModel.answering(KEYWORDS);
        LabellingOutcome capped = label(model, LabellingLimits.builder().concurrency(1).build(), dir, texts(20),
                new LabellingBudget(8, 0));
        assertThat(capped.budgetReached()).isTrue();
        assertThat(capped.asked()).isEqualTo(8);
        assertThat(capped.notAsked()).isEqualTo(12);
        assertThat(capped.answers().stream().filter(Optional::isPresent).count()).isEqualTo(8);
        assertThat(model.calls).hasValue(8);

        KeywordLabellingModel more = KeywordLabellingModel.answering(KEYWORDS);
        LabellingOutcome rest = label(more, FAST, dir, texts(20), LabellingBudget.UNLIMITED);
        assertThat(more.calls).hasValue(12);
        assertThat(rest.fromJournal()).isEqualTo(8);
        assertThat(rest.budgetReached()).isFalse();
    }

    @Test
    void answersOutsideTheSetAreKeptAsUnansweredAndNotAskedAgain(@TempDir Path dir) {
        KeywordLabellingModel model = new KeywordLabellingModel(KEYWORDS, 0, text -> text.startsWith("hello"),
                text -> false, 0);
        LabellingOutcome outcome = label(model, FAST, dir, texts(9), LabellingBudget.UNLIMITED);
        assertThat(outcome.answers().stream().map(Optional::orElseThrow).filter(answer -> !answer.answered()))
                .hasSize(3).allSatisfy(answer -> assertThat(answer.outOfSetAnswers()).isEqualTo(3));
        KeywordLabellingModel again = KeywordLabellingModel.answering(KEYWORDS);
        label(again, FAST, dir, texts(9), LabellingBudget.UNLIMITED);
        assertThat(again.calls).hasValue(0);
    }

    @Test
    void cancellingStopsTheAskingAndKeepsWhatWasAnswered(@TempDir Path dir) {
        KeywordLabellingModel slow = new KeywordLabellingModel(KEYWORDS, 0, text -> false, text -> false, 30);
        AtomicInteger answered = new AtomicInteger();
        try (ExchangeJournal journal = ExchangeJournal.open(dir, slow.id(), LABELS, OPTIONS)) {
            assertThatThrownBy(() -> Labeller.of(slow, LabellingLimits.builder().concurrency(1).build()).label(
                    "job-1", texts(50), LABELS, OPTIONS, journal, LabellingBudget.UNLIMITED, () -> answered.get() >= 3,
                    (done, total, spent) -> answered.set(done))).isInstanceOf(DistillationCancelledException.class)
                    .hasMessageContaining("Cancelled while labelling");
            assertThat(journal.size()).isBetween(3, 5);
        }
        assertThat(slow.calls.get()).isLessThan(10);
    }
}
