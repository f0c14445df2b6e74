package io.distill4j.pipeline.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

import io.distill4j.api.distill.Stage;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.report.EpochRecord;
import io.distill4j.pipeline.report.TrialRecord;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.train.Checkpoints;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.train.IntermediateTraining;
import io.distill4j.pipeline.train.Objective;
import io.distill4j.pipeline.train.StudentTrainer;
import io.distill4j.pipeline.train.TrainerConfig;
import io.distill4j.pipeline.train.TrainingResult;
import io.distill4j.pipeline.tune.Candidate;
import io.distill4j.pipeline.tune.StudentCatalog;
import io.distill4j.pipeline.tune.SuccessiveHalving;
import io.distill4j.pipeline.tune.TrialCheckpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Stage#TUNING} and {@link Stage#STUDENT}: finds and trains the student. With a tuned spec,
 * successive halving runs trials over the catalog's candidates within the budget (each a training run on
 * the cached soft targets, scored on validation) and keeps the best; with a fixed student, one run of the
 * spec's shape is the {@code STUDENT} stage. Each trial checkpoints every epoch under a key of what it
 * trains, so the same spec run again after a crash resumes there. A Transformer trial that learns the
 * teacher's internals (see {@link StudentCatalog}) reads the teacher's encoder into a frozen model for the
 * length of the trial and frees it after.
 *
 * <p>The stage's share of work done is counted in planned epochs, so a late rung's long trials weigh
 * what they take and the clock's time left follows the measured rate.
 */
final class SearchStage {

    private static final Logger logger = LoggerFactory.getLogger(SearchStage.class);

    /** Batch size of student training. */
    static final int BATCH_SIZE = 32;

    /** Epochs without progress before a trial that is not pinned stops early. */
    private static final int PATIENCE = 4;

    private final RunContext run;

    private final StudentCatalog catalog;

    private final StudentData data;

    private final TrialCheckpoints checkpoints;

    private final String validationMetric;

    private final List<TrialRecord> trials = new ArrayList<>();

    private final Map<Integer, List<EpochRecord>> histories = new LinkedHashMap<>();

    private double best = Double.NEGATIVE_INFINITY;

    private int plannedTrials;

    private long plannedEpochs;

    private long finishedEpochs;

    private int runningEpochs;

    /** The candidate of the trial that runs now, or ran last, for the progress line when it ends. */
    private Candidate runningCandidate;

    private SearchStage(RunContext run, StudentCatalog catalog, StudentData data, TrialCheckpoints checkpoints) {
        this.run = run;
        this.catalog = catalog;
        this.data = data;
        this.checkpoints = checkpoints;
        this.validationMetric = "val_" + (data.validationPairs().isPresent() || !run.embedding() ? run.metricName()
                : "cosine");
    }

    /** Runs the search, reporting through the run's clock; the caller owns the returned student. */
    static Searched run(RunContext run, StudentCatalog catalog, StudentData data, TrialCheckpoints checkpoints) {
        return new SearchStage(run, catalog, data, checkpoints).search();
    }

    private Searched search() {
        List<Candidate> candidates = this.run.embedding() ? this.catalog.embeddingCandidates(this.run.spec().seed())
                : this.catalog.candidates(this.run.spec().seed());
        int maxTrials = this.catalog.tuned() ? this.run.spec().budget().maxTrials() : 1;
        Duration budget = this.run.spec().budget().maxDuration();
        SuccessiveHalving search = new SuccessiveHalving(3, this.catalog.epochs(), maxTrials, budget, System::nanoTime);
        for (SuccessiveHalving.Rung rung : search.plan(candidates.size())) {
            this.plannedTrials += rung.candidates();
            this.plannedEpochs += (long) rung.candidates() * rung.epochs();
        }
        SuccessiveHalving.Outcome<StudentModel> outcome = search.run(candidates, this::trial,
                this.run.job()::isCancelRequested, this::finished);
        StudentModel model = outcome.model().orElseThrow(() -> this.run.failure("No student could be trained: "
                + outcome.trials().size() + " trials, the last " + (outcome.trials().isEmpty() ? "none"
                        : outcome.trials().get(outcome.trials().size() - 1))));
        Candidate chosen = outcome.candidate().orElseThrow();
        logger.info("Job {}: chose {} (trial {}, validation {})", this.run.id(), chosen, outcome.trial(),
                outcome.score());
        return new Searched(model, chosen, outcome.trial(), this.validationMetric, outcome.score(),
                model.parameterCount(), outcome.trials(), this.histories.getOrDefault(outcome.trial(), List.of()),
                outcome.stoppedByBudget(), this.catalog.tuned());
    }

    /** The {@link Stage#STUDENT} line after tuning: which trial won, and its validation score. */
    static void announce(RunContext run, Searched searched) {
        run.clock().report(1, 1, 1, Map.of(searched.metric(), searched.score()), String.format(Locale.ROOT,
                "student: %s, %s %.4f (trial %d)", searched.candidate(), searched.metric(), searched.score(),
                searched.trial()));
    }

    /** Trains one candidate for {@code epochs}; the search owns the returned model. */
    private SuccessiveHalving.TrialRun<StudentModel> trial(Candidate candidate, int epochs, BooleanSupplier stop) {
        EncodedSplit train = this.data.train();
        EncodedSplit validation = this.data.validation();
        StudentConfig config = this.catalog.config(candidate, this.data.vocabSize(), this.data.outputWidth(),
                this.run.embedding() ? StudentOutput.EMBEDDING : StudentOutput.LOGITS);
        StudentModel model = StudentModel.create(config.newBlock(), (int) this.run.spec().seed());
        this.runningEpochs = epochs;
        this.runningCandidate = candidate;
        int trial = this.trials.size() + 1;
        Optional<IntermediateTraining> intermediate = Optional.empty();
        try {
            this.catalog.initialize(candidate, model, this.data.pruning());
            TrainerConfig trainerConfig = trainerConfig(candidate, epochs);
            intermediate = this.catalog.intermediateTraining(candidate, model, this.data.pruning(),
                    this.data.teacherFolder());
            StudentTrainer trainer = new StudentTrainer(trainerConfig, intermediate);
            Checkpoints checkpoints = this.checkpoints.forTrial(candidate, config, trainerConfig, train, validation);
            OptionalInt resumedAt = checkpoints.savedEpoch();
            if (resumedAt.isPresent()) {
                String message = String.format(Locale.ROOT, "trial %d of %d: %s, resumed at epoch %d of %d", trial,
                        this.plannedTrials, candidate, resumedAt.getAsInt(), epochs);
                logger.info("Job {}: {} from {}", this.run.id(), message, checkpoints.file().orElseThrow());
                this.run.clock().report(this.trials.size(), this.plannedTrials, share(0), bestMetric(), message);
            }
            try {
                TrainingResult result = trainer.train(model, train, validation, p -> this.run.clock().progress(
                        this.trials.size(), this.plannedTrials, share((double) p.step() / p.totalSteps()),
                        bestMetric(), String.format(Locale.ROOT, "trial %d of %d: %s, epoch %d of %d", trial,
                                this.plannedTrials, candidate, p.epoch(), epochs)), stop, checkpoints);
                this.histories.put(trial, result.history());
                double score = this.data.validationPairs().isPresent() ? spearman(trainer, model)
                        : result.bestValidationScore();
                return new SuccessiveHalving.TrialRun<>(model, score, true);
            }
            catch (DistillationCancelledException ex) {
                if (this.run.job().isCancelRequested()) {
                    throw ex;
                }
                // The budget ran out mid-trial: the partly trained student still competes on its score.
                double score = this.data.validationPairs().isPresent() ? spearman(trainer, model)
                        : trainer.score(model, validation);
                return new SuccessiveHalving.TrialRun<>(model, score, false);
            }
        }
        catch (RuntimeException ex) {
            model.close();
            throw ex;
        }
        finally {
            // The frozen teacher lives for one trial only.
            intermediate.ifPresent(training -> training.teacher().close());
        }
    }

    /**
     * The trainer's settings for one trial: the candidate's learning rate, temperature and weight of the
     * distillation term and their schedule; pinned epochs train to the end, others stop after
     * {@value #PATIENCE} epochs without progress.
     */
    private TrainerConfig trainerConfig(Candidate candidate, int epochs) {
        return candidate.configure(TrainerConfig.builder()).epochs(epochs).batchSize(BATCH_SIZE)
            .warmupShare(0.05).weightDecay(0.01f).clipGradient(1f)
            .patience(this.catalog.epochsPinned() ? epochs : Math.min(epochs, PATIENCE))
            .seed(this.run.spec().seed())
            .objective(this.run.embedding() ? Objective.EMBEDDING_COSINE : Objective.CLASSIFICATION)
            .build();
    }

    /** Called by the search after each trial, whatever its end. */
    private void finished(TrialRecord trial) {
        this.trials.add(trial);
        this.finishedEpochs += this.runningEpochs;
        this.runningEpochs = 0;
        if (trial.status() == TrialRecord.Status.COMPLETED) {
            this.best = Math.max(this.best, trial.validationScore());
        }
        this.run.clock().report(this.trials.size(), Math.max(this.trials.size(), this.plannedTrials), share(0),
                bestMetric(), String.format(Locale.ROOT, "trial %s %s: %s -> %.4f", trial.id(), trial.status(),
                        this.runningCandidate, trial.validationScore()));
    }

    /** The stage's share done, in planned epochs, with {@code running} of the current trial done. */
    private double share(double running) {
        return this.plannedEpochs == 0 ? 1
                : (this.finishedEpochs + running * this.runningEpochs) / (double) this.plannedEpochs;
    }

    private Map<String, Double> bestMetric() {
        return Double.isFinite(this.best) ? Map.of("best_" + this.validationMetric, this.best) : Map.of();
    }

    /** Spearman of the student's cosine similarities with the gold scores of the validation pairs. */
    private double spearman(StudentTrainer trainer, StudentModel model) {
        float[][] vectors = trainer.predict(model, this.data.validation());
        return PairSimilarity.spearman(this.data.validationPairs().orElseThrow(), row -> vectors[row]);
    }
}
