package io.distill4j.pipeline.teacher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.memory.ResidentMemory;
import io.distill4j.pipeline.report.TeacherChoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * An encoder teacher of a classification job that chooses between its frozen head and fine-tuning
 * ({@link FineTuningPolicy}). The frozen teacher ({@link OnnxEncoderTeacher}) always runs first: one
 * encoder pass, the head fitted, its soft targets cached. Under {@link FineTuningPolicy#AUTO}, unless
 * {@link FineTuningRule#skipProbe} says the comparison is pointless, {@link FineTuningProbe} then
 * fine-tunes briefly on a class-stratified subsample (the pooled vectors of the subsample come from the
 * same encoder pass), and {@link FineTuningRule#decide} chooses; when it chooses fine-tuning, the frozen
 * outcome is closed and a {@link FineTunedTeacher} with the default {@link FineTuning} teaches (the probe
 * left nothing behind for it: it trains from the encoder). Either way the outcome carries the
 * {@link TeacherChoice}, which a progress milestone states too.
 *
 * <p>The figures are kept in the teacher repository as {@code .probe-<fitted teacher>.json}, so a later job
 * with the same encoder, data and settings chooses from them again, under its own budget, without a
 * probe; only a probe that stopped early, whose reason no longer holds under the new budget, runs again.
 * Embedding jobs and {@link FineTuningPolicy#NEVER} run the frozen teacher exactly as it is (NEVER's
 * outcome says so).
 */
final class AutoFineTuning implements Teacher {

    private static final Logger logger = LoggerFactory.getLogger(AutoFineTuning.class);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final TeacherSpec base;

    private final FineTuningPolicy policy;

    private final OnnxEncoderTeacher frozen;

    private final Pooling pooling;

    /**
     * @param base the spec fine-tuned when fine-tuning is chosen: an {@link TeacherSpec.OnnxEncoder} or a
     *        {@link TeacherSpec.RepositoryModel}, whose policy applies
     * @param frozen the frozen teacher of the same encoder
     * @param pooling the encoder's pooling
     */
    AutoFineTuning(TeacherSpec base, OnnxEncoderTeacher frozen, Pooling pooling) {
        this.base = base;
        this.policy = base instanceof TeacherSpec.OnnxEncoder encoder ? encoder.fineTuningPolicy()
                : ((TeacherSpec.RepositoryModel) base).fineTuningPolicy();
        this.frozen = frozen;
        this.pooling = pooling;
    }

    @Override
    public TeacherOutcome run(TeacherContext context) {
        if (context.embedding()) {
            return this.frozen.run(context);
        }
        Duration budget = context.spec().budget().maxDuration();
        List<TextExample> validation = context.validation().examples().stream().filter(TextExample::isLabeled)
                .filter(e -> context.labels().contains(e.label().orElseThrow())).toList();
        boolean precomputed = context.spec().teacherOutputs().isPresent();
        if (this.policy == FineTuningPolicy.NEVER || precomputed) {
            Capture capture = new Capture(List.of());
            TeacherOutcome outcome = this.frozen.watched(capture).run(context);
            TeacherChoice choice = new TeacherChoice(false, precomputed ? "kept the frozen head: the encoder's "
                    + "outputs were computed elsewhere (teacher.outputs_path), and a fine-tuned teacher would have "
                    + "to run on every text again" : "kept the frozen head: the fine-tuning policy is NEVER",
                    capture.accuracy(), validation.size(), Double.NaN, Double.NaN, 0, 0, 0, Duration.ZERO,
                    Optional.empty(), budget);
            return announced(context, outcome, choice);
        }
        Path record = EngineTeacher.teachersRepository(context).resolve(".probe-" + this.frozen.fittedName(context)
                + ".json");
        Optional<ProbeFigures> recorded = read(record).filter(figures -> reusable(figures, budget));
        if (recorded.isPresent()) {
            TeacherChoice choice = FineTuningRule.decide(recorded.get(), budget);
            if (choice.fineTuned()) {
                announce(context, choice, 0);
                return fineTuned().run(context).withChoice(choice);
            }
            return announced(context, this.frozen.run(context), choice);
        }
        long seed = context.spec().seed();
        List<TextExample> train = StratifiedSample.of(context.train().examples(),
                FineTuningRule.PROBE_TRAIN_EXAMPLES, seed);
        List<TextExample> probeValidation = StratifiedSample.of(validation, FineTuningRule.PROBE_VALIDATION_EXAMPLES,
                seed);
        boolean mayProbe = FineTuningRule.skipProbe(0, validation.size()).isEmpty();
        List<TextExample> needed = new ArrayList<>();
        if (mayProbe) {
            needed.addAll(train);
            needed.addAll(probeValidation);
        }
        Capture capture = new Capture(needed);
        TeacherOutcome outcome = this.frozen.watched(capture).run(context);
        ProbeFigures figures;
        try {
            figures = measure(context, capture, train, probeValidation, validation.size(), budget);
        }
        catch (RuntimeException ex) {
            outcome.close();
            throw ex;
        }
        write(record, figures);
        TeacherChoice choice = FineTuningRule.decide(figures, budget);
        if (!choice.fineTuned()) {
            return announced(context, outcome, choice);
        }
        outcome.close();
        announce(context, choice, 0);
        return fineTuned().run(context).withChoice(choice);
    }

    @Override
    public Optional<Path> encoderFile(DistillerConfig config) {
        return this.frozen.encoderFile(config);
    }

    @Override
    public Pooling encoderPooling(DistillerConfig config) {
        return this.pooling;
    }

    /** The figures: the frozen head's alone when no probe is needed, else the probe's too. */
    private ProbeFigures measure(TeacherContext context, Capture capture, List<TextExample> train,
            List<TextExample> validation, int validationExamples, Duration budget) {
        double accuracy = capture.accuracy();
        if (FineTuningRule.skipProbe(accuracy, validationExamples).isPresent() || capture.fit == null) {
            return ProbeFigures.withoutProbe(accuracy, validationExamples);
        }
        int trainExamples = (int) context.train().examples().stream().filter(TextExample::isLabeled).count();
        int softTargetTexts = PooledTexts.distinctTexts(new ArrayList<>(EngineTeacher.splits(context).values())).size();
        FineTuningProbe.Scope scope = new FineTuningProbe.Scope(trainExamples, softTargetTexts,
                capture.fit.textsPerSecond());
        Optional<Duration> least = FineTuningRule.lowerBound(FineTuning.ofDefaults().epochs(), trainExamples,
                softTargetTexts, scope.textsPerSecond());
        if (least.isPresent() && least.get().compareTo(budget) > 0) {
            return new ProbeFigures(accuracy, validationExamples, Double.NaN, Double.NaN, 0, 0, 0, Duration.ZERO,
                    least, Optional.of("fine-tuning estimated over the budget before any probe"));
        }
        ProbeFigures figures = FineTuningProbe.run(context, this.base.name(), this.frozen.model(),
                this.frozen.tokenizer(), this.pooling, train, validation, capture.fit, scope, budget);
        // The probe's DJL model, trainer and optimizer are closed: give their memory back before going on.
        System.gc();
        ResidentMemory.trimNativeHeap().ifPresent(line -> logger.info("Job {}: fine-tuning probe closed; {}",
                context.jobId(), line));
        return figures;
    }

    /** The teacher fine-tuned with the default settings, as {@code TeacherSpec.fineTuned(base)} asks. */
    private Teacher fineTuned() {
        return new FineTunedTeacher(TeacherSpec.fineTuned(this.base));
    }

    /** Whether recorded figures still decide: a probe stopped early is run again when its reason is gone. */
    static boolean reusable(ProbeFigures figures, Duration budget) {
        if (figures.probeStopped().isEmpty()) {
            return true;
        }
        return figures.estimatedFineTuning().filter(estimate -> estimate.compareTo(budget) > 0).isPresent();
    }

    private static TeacherOutcome announced(TeacherContext context, TeacherOutcome outcome, TeacherChoice choice) {
        announce(context, choice, outcome.onlineEngine().map(engine -> engine.loadedModels().size()).orElse(0));
        return outcome.withChoice(choice);
    }

    /** The choice as a milestone; {@code loadedModels} keeps the stage's last count of teacher models loaded. */
    private static void announce(TeacherContext context, TeacherChoice choice, int loadedModels) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("teacher_fine_tuned", choice.fineTuned() ? 1.0 : 0.0);
        metrics.put("teacher_frozen_val_accuracy", choice.frozenAccuracy());
        if (choice.probeSteps() > 0) {
            metrics.put("teacher_probe_val_accuracy", choice.probeAccuracy());
            metrics.put("teacher_probe_frozen_val_accuracy", choice.equalDataFrozenAccuracy());
        }
        metrics.put("teacher_models_loaded", (double) loadedModels);
        context.progress().milestone(0, -1, 1, metrics, "teacher: " + choice.reason());
    }

    private static Optional<ProbeFigures> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(file.toFile(), ProbeFigures.class));
        }
        catch (RuntimeException ex) {
            logger.warn("Ignoring the unreadable fine-tuning figures {}: {}", file, ex.toString());
            return Optional.empty();
        }
    }

    /** Records the figures (a temporary file, then renamed); a failure is logged, not thrown. */
    private static void write(Path file, ProbeFigures figures) {
        try {
            AtomicFiles.write(file, out -> MAPPER.writeValue(out, figures));
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not record the fine-tuning figures in {}: {}", file, ex.toString());
        }
    }

    /** Keeps what the frozen fit measured. */
    private static final class Capture implements FrozenFitWatcher {

        private final List<TextExample> needed;

        private FrozenFit fit;

        Capture(List<TextExample> needed) {
            this.needed = needed;
        }

        @Override
        public List<TextExample> needed() {
            return this.needed;
        }

        @Override
        public void fitted(FrozenFit fit) {
            this.fit = fit;
        }

        /** The frozen head's validation accuracy; NaN when the teacher ran from the cache alone. */
        double accuracy() {
            return this.fit == null ? Double.NaN : this.fit.validationAccuracy();
        }
    }
}
