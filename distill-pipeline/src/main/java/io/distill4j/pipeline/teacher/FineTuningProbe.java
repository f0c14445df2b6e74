package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.NonTransientException;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.finetune.FineTuneInputs;
import io.distill4j.pipeline.finetune.FineTuneProgress;
import io.distill4j.pipeline.finetune.FineTuner;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.train.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe of {@link AutoFineTuning}: a short fine-tuning ({@link FineTuner#probe}, default
 * {@link FineTuning} settings, the spec's seed) on a class-stratified training subsample, scored on a
 * validation subsample, beside a frozen head fitted on the same subsample's pooled vectors (computed in the
 * frozen teacher's encoder pass). From the probe's speed it estimates the whole fine-tuning's time
 * ({@link FineTuningRule#estimate}). It stops early, keeping the figures it has, when it runs past
 * {@link FineTuningRule#PROBE_BUDGET_SHARE} of the budget, or when after {@value #STEPS_TO_ESTIMATE} steps
 * the estimate is already over the budget (the frozen head is kept then, whatever the probe would score).
 * An encoder or a task that cannot be fine-tuned (not a BERT-family export, past the memory limit, a single
 * class) ends the probe with that reason. Nothing is written: no checkpoint, no export; DJL's resources are closed on return.
 */
final class FineTuningProbe {

    private static final Logger logger = LoggerFactory.getLogger(FineTuningProbe.class);

    /** Steps after which the probe's speed is trusted for the estimate. */
    static final int STEPS_TO_ESTIMATE = 3;

    /** Share of the teacher stage's progress the probe is shown at. */
    private static final double PROGRESS_SHARE = 0.95;

    private FineTuningProbe() {
    }

    /**
     * What the whole fine-tuning would cover, for the estimate.
     *
     * @param trainExamples the labelled training examples it fine-tunes on
     * @param softTargetTexts the texts of the splits its soft-target pass runs over
     * @param textsPerSecond the frozen encoder's measured speed, texts per second
     */
    record Scope(int trainExamples, int softTargetTexts, double textsPerSecond) {
    }

    /**
     * Runs the probe.
     *
     * @param fit the frozen fit, whose pooled vectors hold every text of both subsamples
     * @throws DistillationCancelledException if the job was cancelled
     */
    static ProbeFigures run(TeacherContext context, String baseName, Path encoder, Path tokenizer, Pooling pooling,
            List<TextExample> train, List<TextExample> validation, FrozenFit fit, Scope scope, Duration budget) {
        List<String> labels = context.labels();
        HeadTrainer.Result equalData = OnnxEncoderTeacher.headTrainer(context.spec().seed()).fit(
                fit.pooled().vectors(train), indexes(train, labels), fit.pooled().vectors(validation),
                indexes(validation, labels), labels);
        FineTuning settings = FineTuning.ofDefaults();
        long seed = context.spec().seed();
        Duration cap = Duration.ofNanos((long) (budget.toNanos() * FineTuningRule.PROBE_BUDGET_SHARE));
        Watch watch = new Watch(settings, scope, budget, cap, context.cancelled());
        Optional<String> stopped = Optional.empty();
        double accuracy = Double.NaN;
        try {
            FineTuneInputs inputs = new FineTuneInputs(context.jobId(), baseName, encoder, tokenizer,
                    pooling == Pooling.CLS ? TransformerConfig.Pooling.CLS : TransformerConfig.Pooling.MEAN, labels,
                    TextDataset.of("probe-train", train), TextDataset.of("probe-validation", validation), settings,
                    seed, context.config().maxSequenceLength(), context.config().memoryLimitBytes(),
                    context.config().threads());
            TrainingResult result = FineTuner.probe(inputs, progress -> watch.progress(progress, context), watch);
            accuracy = result.bestValidationScore();
        }
        catch (DistillationCancelledException ex) {
            if (context.cancelled().getAsBoolean() || watch.reason == null) {
                throw ex;
            }
            stopped = Optional.of(watch.reason);
        }
        catch (NonTransientException | IllegalArgumentException ex) {
            logger.warn("Job {}: the fine-tuning probe of {} failed, the frozen head is kept: {}", context.jobId(),
                    baseName, ex.getMessage());
            stopped = Optional.of("the encoder could not be fine-tuned: " + ex.getMessage());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - watch.started);
        return new ProbeFigures(fit.validationAccuracy(), validation.size(), equalData.validationAccuracy(), accuracy,
                train.size(), validation.size(), watch.steps, elapsed, watch.estimate(), stopped);
    }

    private static int[] indexes(List<TextExample> examples, List<String> labels) {
        return examples.stream().mapToInt(e -> labels.indexOf(e.label().orElseThrow())).toArray();
    }

    /** Follows the probe's steps and speed, and says when it must stop. */
    private static final class Watch implements BooleanSupplier {

        private final FineTuning settings;

        private final Scope scope;

        private final Duration budget;

        private final long deadline;

        private final Duration cap;

        private final BooleanSupplier jobCancelled;

        private final long started = System.nanoTime();

        private int steps;

        private double stepsPerSecond = Double.NaN;

        private String reason;

        Watch(FineTuning settings, Scope scope, Duration budget, Duration cap, BooleanSupplier jobCancelled) {
            this.settings = settings;
            this.scope = scope;
            this.budget = budget;
            this.cap = cap;
            this.deadline = this.started + cap.toNanos();
            this.jobCancelled = jobCancelled;
        }

        void progress(FineTuneProgress progress, TeacherContext context) {
            String line = "teacher: probe: " + progress.line();
            if (progress.epochEnd()) {
                context.progress().milestone(progress.step(), progress.totalSteps(), PROGRESS_SHARE, Map.of(
                        "teacher_probe_val_accuracy", progress.validationAccuracy()), line);
                return;
            }
            this.steps = progress.step();
            this.stepsPerSecond = progress.stepsPerSecond();
            context.progress().update(progress.step(), progress.totalSteps(), PROGRESS_SHARE, Map.of(
                    "teacher_probe_steps_per_second", progress.stepsPerSecond()), line);
        }

        Optional<Duration> estimate() {
            return FineTuningRule.estimate(this.settings.epochs(), this.scope.trainExamples(),
                    this.settings.batchSize(), this.stepsPerSecond, this.scope.softTargetTexts(),
                    this.scope.textsPerSecond());
        }

        @Override
        public boolean getAsBoolean() {
            if (this.jobCancelled.getAsBoolean()) {
                return true;
            }
            if (this.steps >= STEPS_TO_ESTIMATE) {
                Optional<Duration> estimate = estimate();
                if (estimate.isPresent() && estimate.get().compareTo(this.budget) > 0) {
                    this.reason = "fine-tuning estimated over the budget";
                    return true;
                }
            }
            if (System.nanoTime() > this.deadline) {
                this.reason = String.format(Locale.ROOT, "the probe ran past its %s limit (a tenth of the budget) "
                        + "after %,d steps", FineTuningRule.words(this.cap), this.steps);
                return true;
            }
            return false;
        }
    }
}
