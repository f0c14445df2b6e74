package io.distill4j.pipeline.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.Tensor;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.QualityGate;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.quant.AccuracyGate;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.memory.ResidentMemory;
import io.distill4j.pipeline.registry.ModelRegistrar;
import io.distill4j.pipeline.registry.RegistrationRequest;
import io.distill4j.pipeline.report.StageRecord;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.speed.SpeedProbe;
import io.distill4j.pipeline.teacher.Teacher;
import io.distill4j.pipeline.teacher.TeacherContext;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.teacher.TeacherProgress;
import io.distill4j.pipeline.train.Checkpoints;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.train.Objective;
import io.distill4j.pipeline.train.PyTorchRuntime;
import io.distill4j.pipeline.train.StudentTrainer;
import io.distill4j.pipeline.train.TrainerConfig;
import io.distill4j.pipeline.train.TrainingEpoch;
import io.distill4j.pipeline.train.TrainingResult;
import io.distill4j.pipeline.tune.Candidate;
import io.distill4j.pipeline.tune.SuccessiveHalving;
import io.distill4j.pipeline.tune.TrialRecord;
import io.distill4j.pipeline.vocab.TokenizerVocabulary;
import io.distill4j.pipeline.vocab.VocabularyPruning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One distillation job from spec to result, stage after stage (see {@link Stage}): each stage reports
 * progress through the job, is timed, and records the process's resident memory before, after and at
 * its peak. The teacher lives in its own engine, which is closed — sessions, options, tokenizers —
 * before the first student is built unless the spec asks for {@link MemoryMode#ONLINE}.
 *
 * <p>Runs on the distiller's worker thread; one instance runs once.
 */
final class DistillationRun {

    private static final Logger logger = LoggerFactory.getLogger(DistillationRun.class);

    /** Share of the whole job each stage stands for, for the progress fraction. */
    private static final Map<Stage, Double> WEIGHTS = new EnumMap<>(Map.of(Stage.PREPARE_DATA, 0.03, Stage.TEACHER,
            0.30, Stage.TUNING, 0.50, Stage.STUDENT, 0.02, Stage.EXPORT, 0.03, Stage.QUANTIZE, 0.07,
            Stage.COMPATIBILITY, 0.02, Stage.REPORT, 0.02, Stage.REGISTER, 0.01));

    /** Texts of the validation split the export is compared on, and the INT8 gate judged on. */
    private static final int CHECK_TEXTS = 128;

    /** Largest difference between the trained student and its ONNX export, on logits. */
    static final double PARITY_TOLERANCE = 1e-4;

    /** Smallest mean cosine between the INT8 and the fp32 embedding student on the check texts. */
    private static final double INT8_MIN_COSINE = 0.99;

    /** Batch size of student training. */
    private static final int BATCH_SIZE = 32;

    private final PipelineJob job;

    private final DistillationSpec spec;

    private final DistillerConfig config;

    private final Path output;

    private final TrialCheckpoints trialCheckpoints;

    private final Map<Stage, StageRecord> stages = new EnumMap<>(Stage.class);

    private final long jobStart = System.nanoTime();

    private Stage stage = Stage.PREPARE_DATA;

    private long stageStart;

    private OptionalLong stageRssBefore = OptionalLong.empty();

    private double doneWeight;

    private long lastProgress;

    DistillationRun(PipelineJob job, DistillerConfig config, Path output) {
        this.job = job;
        this.spec = job.spec();
        this.config = config;
        this.output = output;
        this.trialCheckpoints = TrialCheckpoints.under(config.workDirectory());
    }

    /** The stage running now, for a failure's message. */
    Stage stage() {
        return this.stage;
    }

    /** Deletes the trials' checkpoints; called once the job has succeeded (they are for crash recovery). */
    void deleteCheckpoints() {
        this.trialCheckpoints.deleteAll();
    }

    DistillationResult run() {
        Teacher teacherKind = Teacher.forSpec(this.spec.teacher());
        StudentCatalog catalog = StudentCatalog.of(this.spec.student(), this.config.maxSequenceLength(),
                this.config.maxEpochs(), teacherKind.encoderFile(this.config));
        createDirectories(this.output);
        PyTorchRuntime.engine(this.config.trainingThreads(), 1);

        begin(Stage.PREPARE_DATA);
        PreparedData data = PreparedData.read(this.spec.data(), this.spec.augmentation(), this.spec.seed(),
                this.spec.task(), this.job.id());
        if (!embedding() && data.labels().size() < 2) {
            throw new DistillationException(this.job.id(), "data: a classification needs at least two labels in the "
                    + "training data, found " + data.labels(), null);
        }
        report(0, -1, 1, Map.of(), String.format(Locale.ROOT, "data: train %d (+%d augmented), validation %d, test %s, "
                + "%s", data.train().size(), data.transfer().size() - data.train().size(), data.validation().size(),
                data.test().map(t -> Integer.toString(t.size())).orElse("none"), embedding()
                        ? "texts" + data.validationPairs().map(p -> ", " + p.size() + " scored validation pairs").orElse("")
                        : data.labels().size() + " labels"));
        end();

        begin(Stage.TEACHER);
        TeacherOutcome teacher = teacherKind.run(new TeacherContext(this.job.id(), this.spec, this.config,
                data.train(), data.transfer(), data.validation(), data.test(), data.labels(),
                SoftTargetCache.inDirectory(this.config.cacheDirectory().resolve("soft-targets")),
                (vocabSize, width) -> catalog.largestParameterCount(vocabSize, width, studentOutput()),
                teacherProgress(), this.job::isCancelRequested));
        end();

        try (teacher;
                TextTokenizer tokenizer = TextTokenizer.open("student", teacher.tokenizer(),
                this.config.maxSequenceLength());
                SoftTargets trainTargets = teacher.open("train");
                SoftTargets validationTargets = teacher.open("validation");
                SoftTargets testTargets = data.test().isPresent() ? teacher.open("test") : null) {
            Labels labels = new Labels(data.labels());
            EncodedSplit train = encode(tokenizer, data.transfer(), trainTargets, labels);
            EncodedSplit validation = encode(tokenizer, data.validation(), validationTargets, labels);
            EncodedSplit test = testTargets == null ? validation
                    : encode(tokenizer, data.test().get(), testTargets, labels);
            TokenizerVocabulary tokenizerVocabulary = TokenizerVocabulary.read(teacher.tokenizer());
            Optional<VocabularyPruning> pruning = Optional.empty();
            int vocabSize = tokenizerVocabulary.size();
            if (catalog.pruneVocabulary()) {
                VocabularyPruning pruned = VocabularyPruning.fit(train.ids(), tokenizerVocabulary.size(),
                        tokenizerVocabulary.unknownId(), tokenizerVocabulary.specialIds());
                train = pruned(train, pruned);
                validation = pruned(validation, pruned);
                test = pruned(test, pruned);
                vocabSize = pruned.prunedVocabSize();
                pruning = Optional.of(pruned);
                logger.info("Job {}: vocabulary {}", this.job.id(), pruned.summary());
            }
            TextDataset scored = data.test().orElse(data.validation());
            Optional<PreparedData.ScoredPairs> scoredPairs = data.test().isPresent() ? data.testPairs()
                    : data.validationPairs();
            double teacherMetric = teacherMetric(test, scoredPairs);
            double teacherValidation = teacherMetric(validation, data.validationPairs());
            logger.info("Job {}: teacher {} {} on {}, {} on validation", this.job.id(), metricName(), teacherMetric,
                    scored.name(), teacherValidation);

            Searched searched = searchStudent(catalog, train, validation, data.validationPairs(), vocabSize, pruning);
            try (StudentModel student = searched.model()) {
                begin(Stage.EXPORT);
                Path fp32File = this.output.resolve("student-fp32.onnx");
                ModelProto fp32 = export(student, data.labels(), teacher, pruning, fp32File);
                Path evaluation = this.output.resolve("evaluation");
                register(evaluation, "student-fp32", fp32File, teacher.tokenizer(), data.labels(), false);
                List<String> checkTexts = texts(data.validation(), CHECK_TEXTS);
                try (OnnxInferenceEngine engine = studentEngine(evaluation)) {
                    double parity = checkParity(engine, student, tokenizer, pruning, checkTexts);
                    report(1, 1, 1, Map.of("parity_max_abs_diff", parity), String.format(Locale.ROOT,
                            "exported %s: parity max |diff| %.2e", fp32File.getFileName(), parity));
                    end();
                    student.close();

                    begin(Stage.QUANTIZE);
                    Path int8File = this.output.resolve("student-int8.onnx");
                    QuantizationResult quantized = quantize(fp32, tokenizer, checkTexts);
                    quantized.writeTo(int8File);
                    Files.writeString(this.output.resolve("quantization.json"), quantized.toJson());
                    register(evaluation, "student-int8", int8File, teacher.tokenizer(), data.labels(), false);
                    report(1, 2, 0.5, Map.of(), "INT8: " + quantized.summary().lines().findFirst().orElse(""));
                    double fp32Metric = engineMetric(engine, "student-fp32", scored, labels, scoredPairs);
                    double int8Metric = engineMetric(engine, "student-int8", scored, labels, scoredPairs);
                    SpeedProbe.Figures fp32Speed = SpeedProbe.measure(engine, "student-fp32",
                            this.spec.task().taskType(), checkTexts);
                    SpeedProbe.Figures int8Speed = SpeedProbe.measure(engine, "student-int8",
                            this.spec.task().taskType(), checkTexts);
                    report(2, 2, 1, Map.of(metricName() + "_fp32", fp32Metric, metricName() + "_int8", int8Metric),
                            String.format(Locale.ROOT, "student %s fp32 %.4f, INT8 %.4f (teacher %.4f)", metricName(),
                                    fp32Metric, int8Metric, teacherMetric));
                    end();

                    begin(Stage.COMPATIBILITY);
                    ModelProto int8 = OnnxModelReader.ofDefaults().read(int8File);
                    CompatibilityReport cpu = CompatibilityChecker.check(int8, CompatibilityTarget.cpu());
                    CompatibilityReport cuda = CompatibilityChecker.check(int8, CompatibilityTarget.cuda());
                    if (cpu.verdict() == CompatibilityVerdict.INCOMPATIBLE) {
                        throw new DistillationException(this.job.id(), "The INT8 student is not compatible with the "
                                + "CPU provider: " + cpu.summary(), null);
                    }
                    Files.writeString(this.output.resolve("compatibility-cpu.json"), cpu.toJson());
                    Files.writeString(this.output.resolve("compatibility-cuda.json"), cuda.toJson());
                    report(1, 1, 1, Map.of(), "compatibility: CPU " + cpu.verdict().label() + ", CUDA "
                            + cuda.verdict().label());
                    end();

                    long studentParameters = searched.parameters();
                    DistillationResult.ModelFigures teacherFigures = teacher.model().map(
                            m -> new DistillationResult.ModelFigures(teacherMetric, m.parameters(), m.fileBytes(),
                                    m.speed().p50LatencyMillis(), m.speed().throughput()))
                            .orElseGet(() -> DistillationResult.ModelFigures.metricOnly(teacherMetric));
                    DistillationResult.ModelFigures fp32Figures = new DistillationResult.ModelFigures(fp32Metric,
                            studentParameters, Files.size(fp32File), fp32Speed.p50LatencyMillis(),
                            fp32Speed.throughput());
                    DistillationResult.ModelFigures int8Figures = new DistillationResult.ModelFigures(int8Metric,
                            studentParameters, Files.size(int8File), int8Speed.p50LatencyMillis(),
                            int8Speed.throughput());
                    List<DistillationResult.GateOutcome> gates = gates(teacherMetric, fp32Metric, int8Metric);
                    return finish(data, teacher, searched, teacherFigures, fp32Figures, int8Figures, gates, fp32File,
                            int8File, quantized, cpu, cuda);
                }
            }
        }
        catch (IOException ex) {
            throw new DistillationException(this.job.id(), "I/O error in " + this.stage + ": " + ex.getMessage(), ex);
        }
    }

    // --- student ---------------------------------------------------------------------------------------

    private Searched searchStudent(StudentCatalog catalog, EncodedSplit train,
            EncodedSplit validation, Optional<PreparedData.ScoredPairs> validationPairs, int vocabSize,
            Optional<VocabularyPruning> pruning) {
        int classes = train.teacher().width();
        List<Candidate> candidates = embedding() ? catalog.embeddingCandidates(this.spec.seed())
                : catalog.candidates(this.spec.seed());
        String validationMetric = "val_" + (validationPairs.isPresent() || !embedding() ? metricName() : "cosine");
        int maxTrials = catalog.tuned() ? this.spec.budget().maxTrials() : 1;
        Duration budget = this.spec.budget().maxDuration();
        SuccessiveHalving search = new SuccessiveHalving(3, catalog.epochs(), maxTrials, budget, System::nanoTime);
        List<SuccessiveHalving.Rung> plan = search.plan(candidates.size());
        int plannedTrials = plan.stream().mapToInt(SuccessiveHalving.Rung::candidates).sum();
        Stage searchStage = catalog.tuned() ? Stage.TUNING : Stage.STUDENT;
        if (!catalog.tuned()) {
            this.doneWeight += WEIGHTS.get(Stage.TUNING);
        }
        begin(searchStage);
        double[] best = {Double.NEGATIVE_INFINITY};
        List<TrialRecord> trials = new ArrayList<>();
        Map<Integer, List<TrainingEpoch>> histories = new LinkedHashMap<>();
        SuccessiveHalving.Outcome<StudentModel> outcome = search.run(candidates, (candidate, epochs, stop) -> {
            StudentConfig studentConfig = catalog.config(candidate, vocabSize, classes, studentOutput());
            StudentModel model = StudentModel.create(studentConfig.newBlock(), (int) this.spec.seed());
            try {
                catalog.initialize(candidate, model, pruning);
                // Pinned epochs train to the end; otherwise early stopping after a few epochs without progress.
                TrainerConfig trainerConfig = TrainerConfig.builder().epochs(epochs).batchSize(BATCH_SIZE)
                        .learningRate(candidate.learningRate()).warmupShare(0.05).weightDecay(0.01f).clipGradient(1f)
                        .temperature(candidate.temperature()).alpha(candidate.alpha())
                        .patience(catalog.epochsPinned() ? epochs : Math.min(epochs, 4)).seed(this.spec.seed())
                        .objective(embedding() ? Objective.EMBEDDING_COSINE : Objective.CLASSIFICATION).build();
                StudentTrainer trainer = new StudentTrainer(trainerConfig);
                int trial = trials.size() + 1;
                // Checkpoints keyed by what the trial trains: the same spec run again after a crash resumes here.
                Checkpoints checkpoints = this.trialCheckpoints.forTrial(candidate, studentConfig, trainerConfig, train,
                        validation);
                OptionalInt resumedAt = checkpoints.savedEpoch();
                if (resumedAt.isPresent()) {
                    String message = String.format(Locale.ROOT, "trial %d of %d: %s, resumed at epoch %d of %d", trial,
                            plannedTrials, candidate, resumedAt.getAsInt(), epochs);
                    logger.info("Job {}: {} from {}", this.job.id(), message, checkpoints.file().orElseThrow());
                    report(trials.size(), plannedTrials, (double) trials.size() / plannedTrials,
                            metrics(validationMetric, best[0]), message);
                }
                try {
                    TrainingResult result = trainer.train(model, train, validation, p -> throttled(trials.size(),
                            plannedTrials, (trials.size() + (double) p.step() / p.totalSteps()) / plannedTrials,
                            metrics(validationMetric, best[0]), String.format(Locale.ROOT,
                                    "trial %d of %d: %s, epoch %d of %d", trial,
                                    plannedTrials, candidate, p.epoch(), epochs)), stop, checkpoints);
                    histories.put(trial, result.history());
                    double score = validationPairs.isPresent()
                            ? spearman(trainer, model, validation, validationPairs.get()) : result.bestValidationScore();
                    return new SuccessiveHalving.TrialRun<>(model, score, true);
                }
                catch (DistillationCancelledException ex) {
                    if (this.job.isCancelRequested()) {
                        throw ex;
                    }
                    double score = validationPairs.isPresent()
                            ? spearman(trainer, model, validation, validationPairs.get()) : trainer.score(model, validation);
                    return new SuccessiveHalving.TrialRun<>(model, score, false);
                }
            }
            catch (RuntimeException ex) {
                model.close();
                throw ex;
            }
        }, this.job::isCancelRequested, trial -> {
            trials.add(trial);
            if (trial.status() == TrialRecord.Status.COMPLETED) {
                best[0] = Math.max(best[0], trial.score());
            }
            report(trials.size(), Math.max(trials.size(), plannedTrials), (double) trials.size() / plannedTrials,
                    metrics(validationMetric, best[0]), String.format(Locale.ROOT, "trial %d %s: %s -> %.4f", trial.id(),
                            trial.status(),
                            trial.candidate(), trial.score()));
        });
        StudentModel model = outcome.model().orElseThrow(() -> new DistillationException(this.job.id(),
                "No student could be trained: " + outcome.trials().size() + " trials, the last "
                        + (outcome.trials().isEmpty() ? "none" : outcome.trials().get(outcome.trials().size() - 1)),
                null));
        Candidate chosen = outcome.candidate().orElseThrow();
        end();
        if (catalog.tuned()) {
            begin(Stage.STUDENT);
            report(1, 1, 1, Map.of(validationMetric, outcome.score()), "student: " + chosen + ", " + validationMetric
                    + " " + String.format(Locale.ROOT, "%.4f", outcome.score()) + " (trial " + outcome.trial() + ")");
            end();
        }
        else {
            this.doneWeight += WEIGHTS.get(Stage.STUDENT);
        }
        logger.info("Job {}: chose {} (trial {}, validation {})", this.job.id(), chosen, outcome.trial(),
                outcome.score());
        return new Searched(model, chosen, outcome.trial(), model.parameterCount(), outcome.trials(),
                histories.getOrDefault(outcome.trial(), List.of()), outcome.stoppedByBudget(), catalog.tuned());
    }

    private static Map<String, Double> metrics(String validationMetric, double best) {
        return Double.isFinite(best) ? Map.of("best_" + validationMetric, best) : Map.of();
    }

    /** Spearman of the student's cosine similarities with the gold scores of the split's pairs. */
    private static double spearman(StudentTrainer trainer, StudentModel model, EncodedSplit split,
            PreparedData.ScoredPairs pairs) {
        float[][] vectors = trainer.predict(model, split);
        return PairSimilarity.spearman(pairs, row -> vectors[row]);
    }

    private static EncodedSplit pruned(EncodedSplit split, VocabularyPruning pruning) {
        return new EncodedSplit(pruning.apply(split.ids()), split.hardLabels(), split.teacher());
    }

    // --- export, quantization --------------------------------------------------------------------------

    private ModelProto export(StudentModel student, List<String> labels, TeacherOutcome teacher,
            Optional<VocabularyPruning> pruning, Path file) throws IOException {
        ExportOptions.Builder options = ExportOptions.builder().jobId(this.job.id()).labels(labels)
                .teacherHash(teacher.splits().get(0).key().hex());
        pruning.ifPresent(p -> options.vocabularyRemap(p.remap()));
        return StudentExporter.write(student, options.build(), file);
    }

    private double checkParity(OnnxInferenceEngine engine, StudentModel student, TextTokenizer tokenizer,
            Optional<VocabularyPruning> pruning, List<String> texts) {
        engine.load("student-fp32");
        List<float[]> served = embedding() ? engine.embed("student-fp32", texts) : engine.logits("student-fp32", texts);
        double worst = 0;
        int disagreements = 0;
        for (int i = 0; i < texts.size(); i++) {
            long[] tokenIds = tokenizer.encode(texts.get(i)).ids();
            long[] ids = pruning.map(p -> p.apply(new long[][] {tokenIds})[0]).orElse(tokenIds);
            long[] mask = new long[ids.length];
            java.util.Arrays.fill(mask, 1);
            float[] trained = student.predict(new long[][] {ids}, new long[][] {mask})[0];
            float[] exported = served.get(i);
            for (int c = 0; c < trained.length; c++) {
                worst = Math.max(worst, Math.abs(trained[c] - exported[c]));
            }
            disagreements += embedding() || argmax(trained) == argmax(exported) ? 0 : 1;
        }
        if (worst > PARITY_TOLERANCE || disagreements > 0) {
            throw new DistillationException(this.job.id(), String.format(Locale.ROOT, "The exported student differs "
                    + "from the trained one: max |diff| %.3e (limit %.0e), %d of %d predictions disagree", worst,
                    PARITY_TOLERANCE, disagreements, texts.size()), null);
        }
        return worst;
    }

    private QuantizationResult quantize(ModelProto fp32, TextTokenizer tokenizer, List<String> texts) {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += BATCH_SIZE) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH_SIZE));
            int length = 0;
            List<long[]> rows = new ArrayList<>();
            for (String text : batch) {
                long[] ids = tokenizer.encode(text).ids();
                rows.add(ids);
                length = Math.max(length, ids.length);
            }
            long[] ids = new long[batch.size() * length];
            long[] mask = new long[ids.length];
            for (int i = 0; i < rows.size(); i++) {
                long[] row = rows.get(i);
                System.arraycopy(row, 0, ids, i * length, row.length);
                java.util.Arrays.fill(mask, i * length, i * length + row.length, 1);
            }
            samples.add(Map.of("input_ids", Tensor.ofLongs(ids, batch.size(), length), "attention_mask",
                    Tensor.ofLongs(mask, batch.size(), length)));
        }
        AccuracyGate gate = embedding() ? AccuracyGate.embeddings(samples, INT8_MIN_COSINE)
                : AccuracyGate.classifier(samples, 0.98, 0.3);
        QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32, gate);
        if (!result.passed()) {
            throw new DistillationException(this.job.id(), "INT8 quantization did not pass its accuracy gate even "
                    + "with exclusions: " + result.summary(), null);
        }
        return result;
    }

    /**
     * The task's metric of a served model on the scored split: accuracy, or for the embedding task the
     * Spearman correlation on its scored pairs (NaN when it has none).
     */
    private double engineMetric(OnnxInferenceEngine engine, String model, TextDataset data, Labels labels,
            Optional<PreparedData.ScoredPairs> pairs) {
        if (engine.loadedModels().stream().noneMatch(d -> d.id().name().equals(model))) {
            engine.load(model);
        }
        if (embedding()) {
            if (pairs.isEmpty()) {
                return Double.NaN;
            }
            List<String> texts = texts(data, data.size());
            List<float[]> vectors = new ArrayList<>(texts.size());
            for (int from = 0; from < texts.size(); from += 256) {
                vectors.addAll(engine.embed(model, texts.subList(from, Math.min(texts.size(), from + 256))));
                if (this.job.isCancelRequested()) {
                    throw new DistillationCancelledException(this.job.id(), "Cancelled while evaluating " + model);
                }
            }
            return PairSimilarity.spearman(pairs.get(), vectors::get);
        }
        int correct = 0;
        int counted = 0;
        List<String> texts = new ArrayList<>();
        for (TextExample example : data) {
            texts.add(example.text());
        }
        for (int from = 0; from < texts.size(); from += 256) {
            List<float[]> logits = engine.logits(model, texts.subList(from, Math.min(texts.size(), from + 256)));
            for (int i = 0; i < logits.size(); i++) {
                TextExample example = data.examples().get(from + i);
                if (example.label().isPresent()) {
                    counted++;
                    correct += argmax(logits.get(i)) == labels.index(example.label().get()) ? 1 : 0;
                }
            }
            if (this.job.isCancelRequested()) {
                throw new DistillationCancelledException(this.job.id(), "Cancelled while evaluating " + model);
            }
        }
        return counted == 0 ? Double.NaN : (double) correct / counted;
    }

    private OnnxInferenceEngine studentEngine(Path repository) {
        return OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .session(SessionConfig.builder().intraOpThreads(this.config.threads()).interOpThreads(1).build())
                .build());
    }

    // --- gates, result --------------------------------------------------------------------------------

    private List<DistillationResult.GateOutcome> gates(double teacher, double fp32, double int8) {
        List<DistillationResult.GateOutcome> outcomes = new ArrayList<>();
        for (QualityGate gate : this.spec.gates()) {
            String metric = gate.metricFor(this.spec.task());
            double student = gate.afterInt8() ? int8 : fp32;
            if (!metric.equals(this.spec.task().primaryMetric())) {
                outcomes.add(new DistillationResult.GateOutcome(gate.describe(this.spec.task()) + " (metric '" + metric
                        + "' is not measured for " + this.spec.task() + ")", Double.NaN, gate.threshold(), false));
                continue;
            }
            double required = gate.relative() ? gate.threshold() * teacher : gate.threshold();
            outcomes.add(new DistillationResult.GateOutcome(gate.describe(this.spec.task()), student, required,
                    gate.passes(student, teacher)));
        }
        return outcomes;
    }

    private DistillationResult finish(PreparedData data, TeacherOutcome teacher, Searched searched,
            DistillationResult.ModelFigures teacherFigures, DistillationResult.ModelFigures fp32,
            DistillationResult.ModelFigures int8, List<DistillationResult.GateOutcome> gates, Path fp32File,
            Path int8File, QuantizationResult quantized, CompatibilityReport cpu, CompatibilityReport cuda)
            throws IOException {
        begin(Stage.REPORT);
        Path reportJson = this.output.resolve("report.json");
        Path reportHtml = this.output.resolve("report.html");
        Map<String, String> hyperParameters = new LinkedHashMap<>(searched.candidate().describe());
        hyperParameters.put("parameters", Long.toString(searched.parameters()));
        hyperParameters.put("epochs", Integer.toString(searched.trials().stream().filter(t -> t.id() == searched.trial())
                .findFirst().orElseThrow().epochs()));
        hyperParameters.put("maxEpochs", Integer.toString(this.config.maxEpochs()));
        hyperParameters.put("batchSize", Integer.toString(BATCH_SIZE));
        hyperParameters.put("memoryMode", teacher.mode().name());
        JobReport.write(reportJson, reportHtml, this.job, data, teacher, searched, teacherFigures, fp32, int8, gates,
                quantized, cpu, cuda, this.stages, hyperParameters);
        end();
        Optional<String> registered = Optional.empty();
        OptionalLong version = OptionalLong.empty();
        if (this.spec.register().isPresent()) {
            begin(Stage.REGISTER);
            Path repository = this.config.modelRepository().orElseThrow(() -> new DistillationException(this.job.id(),
                    "register: the distiller has no modelRepository to register '" + this.spec.register().get()
                            + "' in", null));
            long registeredVersion = register(repository, this.spec.register().get(), int8File, teacher.tokenizer(),
                    data.labels(), embedding());
            registered = this.spec.register();
            version = OptionalLong.of(registeredVersion);
            report(1, 1, 1, Map.of(), "registered " + registered.get() + " version " + registeredVersion);
            end();
        }
        teacher.close();
        Map<Stage, Duration> durations = new EnumMap<>(Stage.class);
        this.stages.forEach((s, r) -> durations.put(s, r.duration()));
        return new DistillationResult(this.job.id(), this.spec.task(), this.spec.task().primaryMetric(),
                teacherFigures, fp32, int8, new DistillationResult.Files(this.output, fp32File, int8File, reportJson,
                        reportHtml), registered, version, hyperParameters, searched.trials().size(), gates, durations,
                teacher.allCached());
    }

    /**
     * Registers an ONNX student as the next version of {@code name} in the repository at {@code root}; an
     * embedding student's vectors are L2-normalized by the engine when {@code normalize}.
     */
    private long register(Path root, String name, Path onnx, Path tokenizer, List<String> labels, boolean normalize)
            throws IOException {
        RegistrationRequest.Builder request = RegistrationRequest.builder(name, onnx, this.spec.task().taskType())
                .tokenizer(tokenizer).normalize(normalize);
        if (!embedding()) {
            request.labels(labels);
        }
        return ModelRegistrar.inDirectory(root).register(request
                .maxSequenceLength(this.config.maxSequenceLength())
                .description(this.spec.name() + " student of " + this.spec.teacher().name() + " (job " + this.job.id() + ")")
                .provenance("distill4j.job.id", this.job.id()).build()).id().version();
    }

    // --- progress, stages ------------------------------------------------------------------------------

    private void begin(Stage next) {
        this.stage = next;
        this.stageStart = System.nanoTime();
        ResidentMemory.resetPeak();
        this.stageRssBefore = ResidentMemory.currentBytes();
        report(0, -1, 0, Map.of(), next.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    private void end() {
        StageRecord record = StageRecord.of(this.stage, Duration.ofNanos(System.nanoTime() - this.stageStart),
                this.stageRssBefore, ResidentMemory.currentBytes(), ResidentMemory.peakBytes());
        this.stages.put(this.stage, record);
        this.doneWeight += WEIGHTS.get(this.stage);
        logger.info("Job {}: {} took {} ms, resident memory {} -> {} MiB, peak {} MiB", this.job.id(), this.stage,
                record.duration().toMillis(), record.rssBeforeBytes() >> 20, record.rssAfterBytes() >> 20,
                record.peakRssBytes() >> 20);
    }

    private void throttled(long step, long total, double stageFraction, Map<String, Double> metrics, String message) {
        long now = System.nanoTime();
        if (now - this.lastProgress < 500_000_000L) {
            return;
        }
        report(step, total, stageFraction, metrics, message);
    }

    private void report(long step, long total, double stageFraction, Map<String, Double> metrics, String message) {
        this.lastProgress = System.nanoTime();
        double fraction = Math.min(1, Math.max(0, this.doneWeight + WEIGHTS.get(this.stage)
                * Math.min(1, Math.max(0, stageFraction))));
        double elapsed = (System.nanoTime() - this.jobStart) / 1e9;
        Optional<Duration> eta = fraction >= 0.05 && fraction < 1
                ? Optional.of(Duration.ofSeconds((long) (elapsed / fraction * (1 - fraction))))
                : Optional.empty();
        long boundedStep = total >= 0 ? Math.min(step, total) : step;
        this.job.report(this.stage, Math.max(0, boundedStep), total, fraction, metrics, eta, message);
        if (this.job.isCancelRequested()) {
            throw new DistillationCancelledException(this.job.id(), "Cancelled in " + this.stage);
        }
    }

    /** The teacher's progress, as this job's events of the teacher stage. */
    private TeacherProgress teacherProgress() {
        return new TeacherProgress() {

            @Override
            public void update(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
                throttled(step, total, stageFraction, metrics, message);
            }

            @Override
            public void milestone(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
                report(step, total, stageFraction, metrics, message);
            }
        };
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private static EncodedSplit encode(TextTokenizer tokenizer, TextDataset data, SoftTargets teacher,
            Labels labels) {
        long[][] ids = new long[data.size()][];
        long[] hard = new long[data.size()];
        for (int i = 0; i < data.size(); i++) {
            TextExample example = data.examples().get(i);
            ids[i] = tokenizer.encode(example.text()).ids();
            hard[i] = example.label().map(l -> (long) labels.index(l)).orElse(DistillationLoss.NO_LABEL);
        }
        return new EncodedSplit(ids, hard, teacher);
    }

    /**
     * The teacher's metric on a split, from its cached rows: accuracy, or for the embedding task the
     * Spearman correlation on the split's scored pairs (NaN without them).
     */
    private double teacherMetric(EncodedSplit split, Optional<PreparedData.ScoredPairs> pairs) {
        if (embedding()) {
            return pairs.map(p -> PairSimilarity.spearman(p, split.teacher()::row)).orElse(Double.NaN);
        }
        int correct = 0;
        int counted = 0;
        for (int i = 0; i < split.size(); i++) {
            if (split.hardLabels()[i] == DistillationLoss.NO_LABEL) {
                continue;
            }
            counted++;
            correct += argmax(split.teacher().row(i)) == split.hardLabels()[i] ? 1 : 0;
        }
        return counted == 0 ? Double.NaN : (double) correct / counted;
    }

    private static List<String> texts(TextDataset data, int limit) {
        List<String> texts = new ArrayList<>();
        for (TextExample example : data) {
            if (texts.size() == limit) {
                break;
            }
            texts.add(example.text());
        }
        return texts;
    }

    private boolean embedding() {
        return this.spec.task() == DistillationTask.TEXT_EMBEDDING;
    }

    private String metricName() {
        return this.spec.task().primaryMetric();
    }

    private StudentOutput studentOutput() {
        return embedding() ? StudentOutput.EMBEDDING : StudentOutput.LOGITS;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Label to logit column. */
    private record Labels(List<String> names) {

        int index(String label) {
            int index = this.names.indexOf(label);
            if (index < 0) {
                throw new IllegalArgumentException("unknown label '" + label + "'");
            }
            return index;
        }
    }

    /** What the search produced. */
    record Searched(StudentModel model, Candidate candidate, int trial, long parameters, List<TrialRecord> trials,
            List<TrainingEpoch> history, boolean stoppedByBudget, boolean tuned) {
    }
}
