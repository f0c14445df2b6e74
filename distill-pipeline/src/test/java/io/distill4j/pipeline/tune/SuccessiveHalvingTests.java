package io.distill4j.pipeline.tune;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.report.TrialRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuccessiveHalvingTests {

    /** A model that knows whether it was closed. */
    static final class Model implements AutoCloseable {

        final Candidate candidate;

        final int epochs;

        boolean closed;

        Model(Candidate candidate, int epochs) {
            this.candidate = candidate;
            this.epochs = epochs;
        }

        @Override
        public void close() {
            this.closed = true;
        }
    }

    private static List<Candidate> candidates(int n) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Candidate("s" + i, Map.of("size", Integer.toString(i)), 2f, 0.5f, 1e-3f * (i + 1)));
        }
        return out;
    }

    /** Candidate i scores i/100 + epochs/1000: the later candidates are better, more epochs help a little. */
    private static double score(Candidate candidate, int epochs) {
        return Integer.parseInt(candidate.studentSettings().get("size")) / 100.0 + epochs / 1000.0;
    }

    @Test
    void planFillsTheTrialBudgetAcrossRungs() {
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofHours(1), System::nanoTime);
        List<SuccessiveHalving.Rung> plan = search.plan(100);
        assertThat(plan).extracting(SuccessiveHalving.Rung::epochs).containsExactly(1, 3, 9);
        assertThat(plan.stream().mapToInt(SuccessiveHalving.Rung::candidates).sum()).isLessThanOrEqualTo(16);
        // 11 + 3 + 1 = 15 trials; 12 starting candidates would need 12 + 4 + 1 = 17.
        assertThat(plan).extracting(SuccessiveHalving.Rung::candidates).containsExactly(11, 3, 1);
    }

    @Test
    void oneTrialTrainsOneCandidateForTheFullEpochs() {
        SuccessiveHalving search = new SuccessiveHalving(3, 12, 1, Duration.ofHours(1), System::nanoTime);
        assertThat(search.plan(20)).containsExactly(new SuccessiveHalving.Rung(0, 1, 12));
    }

    @Test
    void fewCandidatesGiveFewerRungs() {
        SuccessiveHalving search = new SuccessiveHalving(3, 12, 100, Duration.ofHours(1), System::nanoTime);
        assertThat(search.plan(2)).containsExactly(new SuccessiveHalving.Rung(0, 2, 12));
        assertThat(search.plan(3)).extracting(SuccessiveHalving.Rung::candidates).containsExactly(3, 1);
    }

    @Test
    void theBestCandidatesArePromotedAndTheWinnerIsKeptOpen() {
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofHours(1), System::nanoTime);
        List<Model> built = new ArrayList<>();
        List<TrialRecord> seen = new ArrayList<>();
        SuccessiveHalving.Outcome<Model> outcome = search.run(candidates(12), (candidate, epochs, stop) -> {
            Model model = new Model(candidate, epochs);
            built.add(model);
            return new SuccessiveHalving.TrialRun<>(model, score(candidate, epochs), true);
        }, () -> false, seen::add);
        // Rung 0 trains candidates 0..10 for 1 epoch; 10, 9, 8 go on for 3 epochs; 10 for 9 epochs.
        assertThat(outcome.trials()).hasSize(15).isEqualTo(seen);
        assertThat(outcome.trials().subList(11, 14)).extracting(t -> t.hyperParameters().get("student"))
                .containsExactly("s10", "s9", "s8");
        assertThat(outcome.trials().get(14).hyperParameters().get("student")).isEqualTo("s10");
        assertThat(outcome.trials().get(14).epochs()).isEqualTo(9);
        Model winner = outcome.model().orElseThrow();
        assertThat(winner.candidate.student()).isEqualTo("s10");
        assertThat(winner.epochs).isEqualTo(9);
        assertThat(winner.closed).isFalse();
        assertThat(built).filteredOn(m -> m != winner).allMatch(m -> m.closed);
        assertThat(outcome.score()).isEqualTo(score(winner.candidate, 9));
        assertThat(outcome.stoppedByBudget()).isFalse();
    }

    @Test
    void eachTrialIsNumberedInRunOrderAndCarriesItsCandidatesSettings() {
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofHours(1), System::nanoTime);
        List<Candidate> candidates = candidates(12);
        SuccessiveHalving.Outcome<Model> outcome = search.run(candidates, (candidate, epochs, stop) ->
                new SuccessiveHalving.TrialRun<>(new Model(candidate, epochs), score(candidate, epochs), true),
                () -> false, t -> { });
        assertThat(outcome.trials()).extracting(TrialRecord::id).containsExactly("1", "2", "3", "4", "5", "6", "7",
                "8", "9", "10", "11", "12", "13", "14", "15");
        TrialRecord first = outcome.trials().get(0);
        assertThat(first.hyperParameters()).isEqualTo(candidates.get(0).describe());
        assertThat(first.status()).isEqualTo(TrialRecord.Status.COMPLETED);
        assertThat(first.validationScore()).isEqualTo(score(candidates.get(0), 1));
        assertThat(first.reason()).isEmpty();
        assertThat(outcome.trials().get(outcome.trial() - 1).hyperParameters())
                .isEqualTo(outcome.candidate().orElseThrow().describe());
    }

    @Test
    void aFailedTrialIsRecordedAndTheSearchGoesOn() {
        SuccessiveHalving search = new SuccessiveHalving(3, 3, 4, Duration.ofHours(1), System::nanoTime);
        SuccessiveHalving.Outcome<Model> outcome = search.run(candidates(3), (candidate, epochs, stop) -> {
            if (candidate.student().equals("s2")) {
                throw new IllegalStateException("loss is NaN");
            }
            return new SuccessiveHalving.TrialRun<>(new Model(candidate, epochs), score(candidate, epochs), true);
        }, () -> false, t -> { });
        assertThat(outcome.trials()).filteredOn(t -> t.status() == TrialRecord.Status.FAILED).singleElement()
                .satisfies(t -> assertThat(t.reason()).hasValueSatisfying(r -> assertThat(r).contains("loss is NaN")));
        assertThat(outcome.model().orElseThrow().candidate.student()).isEqualTo("s1");
    }

    @Test
    void whenTheTimeRunsOutTheBestModelSoFarIsKept() {
        AtomicLong now = new AtomicLong();
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofSeconds(10), now::get);
        List<Model> built = new ArrayList<>();
        SuccessiveHalving.Outcome<Model> outcome = search.run(candidates(12), (candidate, epochs, stop) -> {
            now.addAndGet(Duration.ofSeconds(4).toNanos());
            Model model = new Model(candidate, epochs);
            built.add(model);
            return new SuccessiveHalving.TrialRun<>(model, score(candidate, epochs), !stop.getAsBoolean());
        }, () -> false, t -> { });
        // Each rung's share is 10/3 s: rung 0 runs one trial (to 4 s), rung 1 trains it on (to 8 s), and the
        // last rung's trial ends at 12 s, past the budget, as a partial run. It scores best, so it is kept.
        assertThat(outcome.trials()).extracting(TrialRecord::status).containsExactly(TrialRecord.Status.COMPLETED,
                TrialRecord.Status.COMPLETED, TrialRecord.Status.PRUNED);
        assertThat(outcome.trials()).extracting(TrialRecord::rung).containsExactly(0, 1, 2);
        assertThat(outcome.trials().get(2).reason()).hasValue("the time budget ran out during training");
        assertThat(outcome.stoppedByBudget()).isTrue();
        assertThat(outcome.model().orElseThrow().candidate.student()).isEqualTo("s0");
        assertThat(outcome.model().orElseThrow().epochs).isEqualTo(9);
        assertThat(outcome.trial()).isEqualTo(3);
        assertThat(built.get(1).closed).isTrue();
        assertThat(built.get(2).closed).isFalse();
    }

    @Test
    void aTrialTheBudgetStoppedLosesToACompletedOneThatScoresHigher() {
        AtomicLong now = new AtomicLong();
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofSeconds(10), now::get);
        List<Model> built = new ArrayList<>();
        SuccessiveHalving.Outcome<Model> outcome = search.run(candidates(12), (candidate, epochs, stop) -> {
            now.addAndGet(Duration.ofSeconds(4).toNanos());
            Model model = new Model(candidate, epochs);
            built.add(model);
            boolean completed = !stop.getAsBoolean();
            // Stopped early, the last trial is worse than the rung before it.
            return new SuccessiveHalving.TrialRun<>(model, completed ? score(candidate, epochs) : 0, completed);
        }, () -> false, t -> { });
        assertThat(outcome.trials()).last().extracting(TrialRecord::status)
                .isEqualTo(TrialRecord.Status.PRUNED);
        assertThat(outcome.model().orElseThrow().epochs).isEqualTo(3);
        assertThat(outcome.trial()).isEqualTo(2);
        assertThat(built.get(2).closed).isTrue();
    }

    @Test
    void aRungThatUsedItsShareOfTheTimePromotesFromTheTrialsItRan() {
        AtomicLong now = new AtomicLong();
        // 3 rungs in 90 s: rung 0 may start trials until 30 s, rung 1 until 60 s.
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofSeconds(90), now::get);
        SuccessiveHalving.Outcome<Model> outcome = search.run(candidates(12), (candidate, epochs, stop) -> {
            now.addAndGet(Duration.ofSeconds(epochs * 4L).toNanos());
            return new SuccessiveHalving.TrialRun<>(new Model(candidate, epochs), score(candidate, epochs),
                    !stop.getAsBoolean());
        }, () -> false, t -> { });
        // Rung 0: 1-epoch trials of 4 s start at 0..28 s (8 trials); rung 1: 3-epoch trials of 12 s start at
        // 32 and 44 s and the third at 56 s; rung 2 trains the best for 9 epochs, 68 s to 104 s, past 90 s.
        assertThat(outcome.trials()).filteredOn(t -> t.rung() == 0).hasSize(8);
        assertThat(outcome.trials()).filteredOn(t -> t.rung() == 1).extracting(t -> t.hyperParameters().get("student"))
                .containsExactly("s7", "s6", "s5");
        assertThat(outcome.trials()).filteredOn(t -> t.rung() == 2).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TrialRecord.Status.PRUNED));
        assertThat(outcome.model().orElseThrow().candidate.student()).isEqualTo("s7");
        assertThat(outcome.model().orElseThrow().epochs).isEqualTo(9);
    }

    @Test
    void cancellationStopsTheSearchAndClosesEveryModel() {
        AtomicBoolean cancelled = new AtomicBoolean();
        SuccessiveHalving search = new SuccessiveHalving(3, 9, 16, Duration.ofHours(1), System::nanoTime);
        List<Model> built = new ArrayList<>();
        assertThatThrownBy(() -> search.run(candidates(12), (candidate, epochs, stop) -> {
            Model model = new Model(candidate, epochs);
            built.add(model);
            if (built.size() == 3) {
                cancelled.set(true);
            }
            return new SuccessiveHalving.TrialRun<>(model, score(candidate, epochs), true);
        }, cancelled::get, t -> { })).isInstanceOf(DistillationCancelledException.class);
        assertThat(built).hasSize(3).allMatch(m -> m.closed);
    }

    @Test
    void settingsAreChecked() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SuccessiveHalving(1, 9, 16, Duration.ofHours(1),
                System::nanoTime)).withMessageContaining("eta");
        assertThatIllegalArgumentException().isThrownBy(() -> new SuccessiveHalving(3, 0, 16, Duration.ofHours(1),
                System::nanoTime)).withMessageContaining("maxEpochs");
        assertThatIllegalArgumentException().isThrownBy(() -> new SuccessiveHalving(3, 9, 0, Duration.ofHours(1),
                System::nanoTime)).withMessageContaining("maxTrials");
        assertThatIllegalArgumentException().isThrownBy(() -> new SuccessiveHalving(3, 9, 4, Duration.ofHours(1),
                System::nanoTime).plan(0)).withMessageContaining("candidate");
        assertThatIllegalArgumentException().isThrownBy(() -> new Candidate("s", Map.of(), 0f, 0.5f, 1e-3f))
                .withMessageContaining("temperature");
        assertThatIllegalArgumentException().isThrownBy(() -> new Candidate("s", Map.of(), 1f, 1.5f, 1e-3f))
                .withMessageContaining("alpha");
    }
}
