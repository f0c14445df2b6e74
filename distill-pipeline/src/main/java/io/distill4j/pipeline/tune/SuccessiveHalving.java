package io.distill4j.pipeline.tune;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.report.TrialRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Successive halving (Jamieson and Talwalkar 2016) over student candidates: every candidate of the first
 * rung trains for a few epochs, the best {@code 1/eta} of them go on to the next rung with {@code eta}
 * times the epochs, and so on up to the full epochs; the best trial overall wins. The trial budget counts
 * every trial of every rung. Time: each rung gets an equal share of the budget (the rungs train about as
 * many epochs in all); a rung that used its share starts no more trials and promotes the best of those
 * it ran, so a slow machine still reaches the long trials; the whole budget running out stops the search
 * between or inside trials (the best model so far is kept, trained as far as it got).
 *
 * <pre>{@code
 * SuccessiveHalving.Outcome<StudentModel> outcome = new SuccessiveHalving(3, 12, 16, Duration.ofMinutes(10), System::nanoTime)
 *         .run(candidates, (candidate, epochs, stop) -> trainAndScore(candidate, epochs, stop), () -> false, trial -> {});
 * }</pre>
 *
 * <p>Each trial trains from scratch, so a trial's score depends only on its candidate, its epochs and
 * the seed, not on the order trials run in. Models are {@link AutoCloseable}: the search closes every
 * model except the winner's, which the caller owns and closes.
 */
public final class SuccessiveHalving {

    private static final Logger logger = LoggerFactory.getLogger(SuccessiveHalving.class);

    /** The most rungs; three keep the shortest trials long enough to rank students. */
    public static final int MAX_RUNGS = 3;

    private final int eta;

    private final int maxEpochs;

    private final int maxTrials;

    private final Duration budget;

    private final LongSupplier nanoTime;

    /**
     * @param eta the reduction factor, {@code >= 2}: each rung keeps {@code 1/eta} of the candidates
     * @param maxEpochs epochs of the last rung, {@code >= 1}
     * @param maxTrials the most trials over all rungs, {@code >= 1}
     * @param budget the time the search may take
     * @param nanoTime the clock ({@code System::nanoTime})
     */
    public SuccessiveHalving(int eta, int maxEpochs, int maxTrials, Duration budget, LongSupplier nanoTime) {
        if (eta < 2) {
            throw new IllegalArgumentException("eta must be >= 2, was " + eta);
        }
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("maxEpochs must be >= 1, was " + maxEpochs);
        }
        if (maxTrials < 1) {
            throw new IllegalArgumentException("maxTrials must be >= 1, was " + maxTrials);
        }
        this.eta = eta;
        this.maxEpochs = maxEpochs;
        this.maxTrials = maxTrials;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The rungs for {@code available} candidates: the most starting candidates whose trials over all
     * rungs fit in the trial budget.
     */
    public List<Rung> plan(int available) {
        if (available < 1) {
            throw new IllegalArgumentException("at least one candidate is needed, got " + available);
        }
        List<Rung> best = List.of(new Rung(0, 1, this.maxEpochs));
        for (int n = 1; n <= available; n++) {
            List<Rung> rungs = rungsFor(n);
            if (rungs.stream().mapToInt(Rung::candidates).sum() > this.maxTrials) {
                break;
            }
            best = rungs;
        }
        return best;
    }

    private List<Rung> rungsFor(int n) {
        int count = 1;
        long size = this.eta;
        while (count < MAX_RUNGS && size <= n) {
            count++;
            size *= this.eta;
        }
        List<Rung> rungs = new ArrayList<>();
        long divisor = 1;
        for (int k = 0; k < count; k++) {
            long down = 1;
            for (int i = k; i < count - 1; i++) {
                down *= this.eta;
            }
            int epochs = (int) Math.max(1, Math.round((double) this.maxEpochs / down));
            rungs.add(new Rung(k, (int) Math.max(1, n / divisor), epochs));
            divisor *= this.eta;
        }
        return rungs;
    }

    /**
     * Runs the search.
     *
     * @param candidates in order of preference: the first {@code n} of the plan are trained
     * @param runner trains one candidate for some epochs
     * @param cancelled the job's cancellation; checked between trials and passed into each
     * @param onTrial told of every trial when it ends; its id is its number, from 1, in the order run, and
     *     its hyper-parameters are its candidate's {@link Candidate#describe()}; a trial the time budget
     *     stopped is {@link TrialRecord.Status#PRUNED}
     * @return the winner and every trial
     * @throws DistillationCancelledException if {@code cancelled} turns true
     */
    public <M extends AutoCloseable> Outcome<M> run(List<Candidate> candidates, TrialRunner<M> runner,
            BooleanSupplier cancelled, Consumer<TrialRecord> onTrial) {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(cancelled, "cancelled");
        Objects.requireNonNull(onTrial, "onTrial");
        List<Rung> rungs = plan(Objects.requireNonNull(candidates, "candidates").size());
        long begin = this.nanoTime.getAsLong();
        long deadline = begin + this.budget.toNanos();
        BooleanSupplier outOfTime = () -> this.nanoTime.getAsLong() - deadline >= 0;
        List<TrialRecord> trials = new ArrayList<>();
        Scored<M> best = null;
        Scored<M> partial = null;
        List<Candidate> current = new ArrayList<>(candidates.subList(0, rungs.get(0).candidates()));
        boolean stopped = false;
        try {
            for (Rung rung : rungs) {
                List<Scored<Candidate>> ranked = new ArrayList<>();
                // Each rung trains about as many epochs in all as the others, so each gets an equal share
                // of the time: a rung past its share stops starting trials and promotes from those done.
                long rungDeadline = begin + this.budget.toNanos() / rungs.size() * (rung.index() + 1);
                for (Candidate candidate : current) {
                    if (rung.index() < rungs.size() - 1 && !ranked.isEmpty()
                            && this.nanoTime.getAsLong() - rungDeadline >= 0) {
                        logger.info("Rung {} used its share of the time budget after {} of {} trials; promoting",
                                rung.index(), ranked.size(), current.size());
                        break;
                    }
                    if (cancelled.getAsBoolean()) {
                        throw new DistillationCancelledException(null, "Cancelled while tuning, after " + trials.size()
                                + " trials");
                    }
                    if (outOfTime.getAsBoolean()) {
                        stopped = true;
                        break;
                    }
                    int id = trials.size() + 1;
                    long start = this.nanoTime.getAsLong();
                    TrialRun<M> run;
                    try {
                        run = runner.run(candidate, rung.epochs(), () -> cancelled.getAsBoolean() || outOfTime.getAsBoolean());
                    }
                    catch (DistillationCancelledException ex) {
                        if (cancelled.getAsBoolean()) {
                            throw ex;
                        }
                        record(trials, onTrial, TrialRecord.pruned(Integer.toString(id), rung.index(),
                                candidate.describe(), rung.epochs(), Double.NaN, elapsed(start),
                                "the time budget ran out"));
                        stopped = true;
                        break;
                    }
                    catch (RuntimeException ex) {
                        logger.warn("Trial {} ({}) failed", id, candidate, ex);
                        record(trials, onTrial, TrialRecord.failed(Integer.toString(id), rung.index(),
                                candidate.describe(), rung.epochs(), elapsed(start), reason(ex)));
                        continue;
                    }
                    boolean finished = run.completed() && Double.isFinite(run.score());
                    String trialId = Integer.toString(id);
                    record(trials, onTrial, finished
                            ? TrialRecord.completed(trialId, rung.index(), candidate.describe(), rung.epochs(),
                                    run.score(), elapsed(start))
                            : TrialRecord.pruned(trialId, rung.index(), candidate.describe(), rung.epochs(),
                                    run.score(), elapsed(start), "the time budget ran out during training"));
                    Scored<M> scored = new Scored<>(run.model(), run.score(), id, candidate);
                    if (!finished) {
                        partial = keepBetter(partial, scored);
                        stopped = true;
                        break;
                    }
                    ranked.add(new Scored<>(candidate, run.score(), id, candidate));
                    best = keepBetter(best, scored);
                }
                if (stopped || ranked.isEmpty()) {
                    break;
                }
                int keep = rung.index() + 1 < rungs.size() ? rungs.get(rung.index() + 1).candidates() : 0;
                ranked.sort(Comparator.comparingDouble((Scored<Candidate> s) -> s.score()).reversed()
                        .thenComparingInt(Scored::trial));
                current = new ArrayList<>();
                for (int i = 0; i < Math.min(keep, ranked.size()); i++) {
                    current.add(ranked.get(i).value());
                }
            }
        }
        catch (RuntimeException ex) {
            closeQuietly(best);
            closeQuietly(partial);
            throw ex;
        }
        // A trial the budget stopped competes on its validation score like the others: it is scored on the
        // weights it reached, which are the ones it would be exported with.
        if (partial != null) {
            best = keepBetter(best, partial);
        }
        return new Outcome<>(Optional.ofNullable(best).map(Scored::value),
                Optional.ofNullable(best).map(Scored::candidate), best == null ? Double.NaN : best.score(),
                best == null ? 0 : best.trial(), trials, stopped, rungs);
    }

    private static <M extends AutoCloseable> Scored<M> keepBetter(Scored<M> kept, Scored<M> challenger) {
        if (kept == null || challenger.score() > kept.score()) {
            closeQuietly(kept);
            return challenger;
        }
        closeQuietly(challenger);
        return kept;
    }

    private static void record(List<TrialRecord> trials, Consumer<TrialRecord> onTrial, TrialRecord trial) {
        trials.add(trial);
        logger.info("Trial {} (rung {}, {} epochs) {}: {} -> {} in {} s", trial.id(), trial.rung(), trial.epochs(),
                trial.status(), trial.hyperParameters(), trial.validationScore(), trial.duration().toSeconds());
        onTrial.accept(trial);
    }

    /** Why a trial failed, for its record: the exception's message, or {@code "failed"} when it has none. */
    private static String reason(RuntimeException ex) {
        String message = String.valueOf(ex.getMessage());
        return message.isBlank() ? "failed" : message;
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(this.nanoTime.getAsLong() - start);
    }

    private static void closeQuietly(Scored<? extends AutoCloseable> scored) {
        if (scored == null || scored.value() == null) {
            return;
        }
        try {
            scored.value().close();
        }
        catch (Exception ex) {
            logger.warn("Closing a tuning model failed", ex);
        }
    }

    /**
     * One rung of the plan.
     *
     * @param index from 0
     * @param candidates how many candidates train in it
     * @param epochs epochs per trial
     */
    public record Rung(int index, int candidates, int epochs) {
    }

    /** Trains one candidate. */
    @FunctionalInterface
    public interface TrialRunner<M extends AutoCloseable> {

        /**
         * @param candidate what to train
         * @param epochs for how many epochs
         * @param stop turns true when the job is cancelled or the time is up; a runner that sees it may
         *     return early with {@code completed = false} or throw {@link DistillationCancelledException}
         */
        TrialRun<M> run(Candidate candidate, int epochs, BooleanSupplier stop);
    }

    /**
     * What a trial produced.
     *
     * @param model the trained model, owned by the search from now on
     * @param score its validation score (higher is better)
     * @param completed whether it trained for all its epochs
     */
    public record TrialRun<M extends AutoCloseable>(M model, double score, boolean completed) {
    }

    private record Scored<T>(T value, double score, int trial, Candidate candidate) {
    }

    /**
     * The search's outcome.
     *
     * @param model the best model, the caller's to close; empty if no trial produced one
     * @param candidate its candidate
     * @param score its validation score
     * @param trial its trial number, the number in its {@link TrialRecord#id()}
     * @param trials every trial, in order
     * @param stoppedByBudget whether the time budget ended the search early
     * @param rungs the plan
     */
    public record Outcome<M>(Optional<M> model, Optional<Candidate> candidate, double score, int trial,
            List<TrialRecord> trials, boolean stoppedByBudget, List<Rung> rungs) {

        public Outcome {
            trials = List.copyOf(trials);
            rungs = List.copyOf(rungs);
        }
    }
}
