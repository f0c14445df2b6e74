package io.distill4j.spring.grpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Quoting;
import io.distill4j.api.distill.QualityGate;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.distill.v1.Data;
import io.distill4j.api.grpc.distill.v1.FineTuned;
import io.distill4j.api.grpc.distill.v1.Job;
import io.distill4j.api.grpc.distill.v1.Llm;
import io.distill4j.api.grpc.distill.v1.ModelFigures;
import io.distill4j.api.grpc.distill.v1.OnnxModel;
import io.distill4j.api.grpc.distill.v1.RepositoryModel;
import io.distill4j.api.grpc.distill.v1.Result;
import io.distill4j.api.grpc.distill.v1.Student;
import io.distill4j.api.grpc.distill.v1.Teacher;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;

/**
 * Converts between the distillation service's messages and the API's records. Every path in a request
 * is a path on the server: it must lie under one of the allowed roots (after resolving {@code ..} and
 * relative paths against the first root), or the request is refused with the field named, so that a
 * client cannot make the server read or write anywhere else.
 */
public final class DistillationMessages {

    private final List<Path> roots;

    /** @param roots the folders whose files a request may name; the first resolves relative paths */
    public DistillationMessages(List<Path> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("at least one allowed root is needed for request paths");
        }
        this.roots = roots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
    }

    /**
     * The API spec of a request's spec.
     * @throws InvalidInputException naming the field: a missing teacher or train file, a path outside the
     * roots, or a value the API's own checks refuse
     */
    public DistillationSpec toSpec(io.distill4j.api.grpc.distill.v1.DistillationSpec message) {
        try {
            DistillationSpec.Builder spec = DistillationSpec.builder().teacher(teacher(message.getTeacher()))
                .data(data(message.getData())).student(student(message.getStudent()));
            if (!message.getName().isEmpty()) {
                spec.name(message.getName());
            }
            switch (message.getTask()) {
                case TEXT_EMBEDDING -> spec.task(DistillationTask.TEXT_EMBEDDING);
                case TEXT_CLASSIFICATION -> spec.task(DistillationTask.TEXT_CLASSIFICATION);
                default -> { }
            }
            if (message.hasBudget()) {
                Budget defaults = Budget.ofDefaults();
                spec.budget(Budget.of(message.getBudget().getMaxSeconds() > 0
                        ? Duration.ofSeconds(message.getBudget().getMaxSeconds()) : defaults.maxDuration(),
                        message.getBudget().getMaxTrials() > 0 ? message.getBudget().getMaxTrials()
                                : defaults.maxTrials()));
            }
            for (io.distill4j.api.grpc.distill.v1.QualityGate gate : message.getGatesList()) {
                spec.gate(gate.getRelativeToTeacher() ? QualityGate.relativeToTeacher(gate.getThreshold())
                        : QualityGate.minimum(gate.getMetric(), gate.getThreshold()));
            }
            if (!message.getRegister().isEmpty()) {
                spec.register(message.getRegister());
            }
            if (message.getSeed() != 0) {
                spec.seed(message.getSeed());
            }
            if (!message.getTeacher().getOutputsPath().isEmpty()) {
                spec.teacherOutputs(path("spec.teacher.outputs_path", message.getTeacher().getOutputsPath()));
            }
            switch (message.getMemoryMode()) {
                case STAGED -> spec.memoryMode(MemoryMode.STAGED);
                case ONLINE -> spec.memoryMode(MemoryMode.ONLINE);
                case AUTO -> spec.memoryMode(MemoryMode.AUTO);
                default -> { }
            }
            return spec.build();
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidInputException(null, "spec", String.valueOf(ex.getMessage()));
        }
    }

    private TeacherSpec teacher(Teacher teacher) {
        return switch (teacher.getKindCase()) {
            case ONNX_CLASSIFIER -> {
                if (teacher.getOnnxClassifier().getPoolingValue() != 0) {
                    throw new InvalidInputException(null, "spec.teacher.onnx_classifier.pooling",
                            "applies to onnx_encoder only; a classifier's output is already logits");
                }
                if (teacher.getOnnxClassifier().getFineTuningPolicyValue() != 0) {
                    throw new InvalidInputException(null, "spec.teacher.onnx_classifier.fine_tuning_policy",
                            "applies to onnx_encoder only; a classifier is run as it is");
                }
                yield TeacherSpec.onnxClassifier(path("spec.teacher.onnx_classifier.model_path",
                        teacher.getOnnxClassifier().getModelPath()), path("spec.teacher.onnx_classifier.tokenizer_path",
                        teacher.getOnnxClassifier().getTokenizerPath())).labels(
                                teacher.getOnnxClassifier().getLabelsList());
            }
            case ONNX_ENCODER -> onnxEncoder("spec.teacher.onnx_encoder", teacher.getOnnxEncoder())
                    .fineTuningPolicy(policy("spec.teacher.onnx_encoder", teacher.getOnnxEncoder().getFineTuningPolicy()));
            case REPOSITORY_MODEL -> repositoryModel(teacher.getRepositoryModel()).fineTuningPolicy(policy(
                    "spec.teacher.repository_model", teacher.getRepositoryModel().getFineTuningPolicy()));
            case PRECOMPUTED_LOGITS -> TeacherSpec.precomputedLogits(path("spec.teacher.precomputed_logits.file_path",
                    teacher.getPrecomputedLogits().getFilePath()), path(
                            "spec.teacher.precomputed_logits.tokenizer_path",
                            teacher.getPrecomputedLogits().getTokenizerPath()))
                    .labels(teacher.getPrecomputedLogits().getLabelsList());
            case FINE_TUNED -> fineTuned(teacher.getFineTuned());
            case LLM -> llm(teacher.getLlm());
            case KIND_NOT_SET -> throw new InvalidInputException(null, "spec.teacher", "is required: onnx_classifier, "
                    + "onnx_encoder, repository_model, precomputed_logits, fine_tuned or llm");
        };
    }

    private TeacherSpec llm(Llm llm) {
        String field = "spec.teacher.llm";
        List<LabelDefinition> labels = new ArrayList<>(llm.getLabelsCount());
        for (int i = 0; i < llm.getLabelsCount(); i++) {
            Llm.Label label = llm.getLabels(i);
            try {
                labels.add(LabelDefinition.of(label.getName(), label.getDescription(), label.getExamplesList()));
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidInputException(null, field + ".labels[" + i + "]", ex.getMessage());
            }
        }
        try {
            LabellingOptions options = LabellingOptions.ofDefaults();
            if (!llm.getPromptTemplate().isEmpty()) {
                options = options.promptTemplate(llm.getPromptTemplate());
            }
            if (llm.getSamples() != 0) {
                options = options.samples(llm.getSamples());
            }
            if (llm.hasTemperature()) {
                options = options.temperature(llm.getTemperature());
            }
            if (llm.hasLogProbabilities()) {
                options = options.logProbabilities(llm.getLogProbabilities());
            }
            if (llm.getAttempts() != 0) {
                options = options.attempts(llm.getAttempts());
            }
            TeacherSpec.Llm spec = TeacherSpec.llm(llm.getModel(), LabelSet.of(labels),
                    path(field + ".tokenizer_path", llm.getTokenizerPath())).options(options)
                    .budget(new LabellingBudget(llm.getMaxRequests(), llm.getMaxTokens()));
            if (llm.hasLabelSmoothing()) {
                spec = spec.labelSmoothing(llm.getLabelSmoothing());
            }
            return llm.hasEncoder() ? spec.encoder(teacher(llm.getEncoder())) : spec;
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidInputException(null, field, ex.getMessage());
        }
    }

    private TeacherSpec.OnnxEncoder onnxEncoder(String field, OnnxModel encoder) {
        return TeacherSpec.onnxEncoder(path(field + ".model_path", encoder.getModelPath()),
                path(field + ".tokenizer_path", encoder.getTokenizerPath()), pooling(field, encoder.getPooling()));
    }

    private static TeacherSpec.RepositoryModel repositoryModel(RepositoryModel model) {
        return model.getVersion() > 0 ? TeacherSpec.repositoryModel(model.getName(), model.getVersion())
                : TeacherSpec.repositoryModel(model.getName());
    }

    private TeacherSpec fineTuned(FineTuned fineTuned) {
        if (fineTuned.getOnnxEncoder().getFineTuningPolicyValue() != 0) {
            throw new InvalidInputException(null, "spec.teacher.fine_tuned.onnx_encoder.fine_tuning_policy",
                    "applies to an encoder teacher; a fine_tuned teacher always fine-tunes");
        }
        if (fineTuned.getRepositoryModel().getFineTuningPolicyValue() != 0) {
            throw new InvalidInputException(null, "spec.teacher.fine_tuned.repository_model.fine_tuning_policy",
                    "applies to an encoder teacher; a fine_tuned teacher always fine-tunes");
        }
        TeacherSpec base = switch (fineTuned.getBaseCase()) {
            case ONNX_ENCODER -> onnxEncoder("spec.teacher.fine_tuned.onnx_encoder", fineTuned.getOnnxEncoder());
            case REPOSITORY_MODEL -> repositoryModel(fineTuned.getRepositoryModel());
            case BASE_NOT_SET -> throw new InvalidInputException(null, "spec.teacher.fine_tuned",
                    "needs a base: onnx_encoder or repository_model");
        };
        FineTuning.Builder settings = FineTuning.builder();
        io.distill4j.api.grpc.distill.v1.FineTuning given = fineTuned.getSettings();
        if (given.hasEpochs()) {
            settings.epochs(given.getEpochs());
        }
        if (given.hasLearningRate()) {
            settings.learningRate(given.getLearningRate());
        }
        if (given.hasBatchSize()) {
            settings.batchSize(given.getBatchSize());
        }
        if (given.hasWarmupShare()) {
            settings.warmupShare(given.getWarmupShare());
        }
        if (given.hasWeightDecay()) {
            settings.weightDecay(given.getWeightDecay());
        }
        if (given.hasClipGradient()) {
            settings.clipGradient(given.getClipGradient());
        }
        if (given.hasLayerDecay()) {
            settings.layerDecay(given.getLayerDecay());
        }
        if (given.hasPatience()) {
            settings.patience(given.getPatience());
        }
        if (given.hasMaxSequenceLength()) {
            settings.maxSequenceLength(given.getMaxSequenceLength());
        }
        if (given.hasDropout()) {
            settings.dropout(given.getDropout());
        }
        if (given.hasSeed()) {
            settings.seed(given.getSeed());
        }
        TeacherSpec.FineTuned spec = TeacherSpec.fineTuned(base, settings.build());
        return fineTuned.getRegister().isEmpty() ? spec : spec.register(fineTuned.getRegister());
    }

    private DataSpec data(Data data) {
        if (data.getTrainPath().isEmpty()) {
            throw new InvalidInputException(null, "spec.data.train_path", "is required");
        }
        Path train = path("spec.data.train_path", data.getTrainPath());
        DataSpec spec = switch (data.getFormat()) {
            case CSV -> DataSpec.csv(train);
            case TSV -> DataSpec.tsv(train);
            case JSON_LINES -> DataSpec.jsonLines(train);
            default -> DataSpec.of(train);
        };
        if (!data.getValidationPath().isEmpty()) {
            spec = spec.validation(path("spec.data.validation_path", data.getValidationPath()));
        }
        if (!data.getTestPath().isEmpty()) {
            spec = spec.test(path("spec.data.test_path", data.getTestPath()));
        }
        if (!data.getTextColumn().isEmpty()) {
            String column = data.getTextColumn();
            spec = column.startsWith("#") ? spec.textColumn(index("spec.data.text_column", column))
                    : spec.textColumn(column);
        }
        if (!data.getTextPairColumn().isEmpty()) {
            String column = data.getTextPairColumn();
            spec = column.startsWith("#") ? spec.textPairColumn(index("spec.data.text_pair_column", column))
                    : spec.textPairColumn(column);
        }
        if (data.getUnlabeled()) {
            if (!data.getLabelColumn().isEmpty()) {
                throw new InvalidInputException(null, "spec.data.unlabeled", "cannot be set with spec.data.label_column ("
                        + data.getLabelColumn() + ")");
            }
            spec = spec.unlabeled();
        }
        if (!data.getLabelColumn().isEmpty()) {
            String column = data.getLabelColumn();
            spec = column.startsWith("#") ? spec.labelColumn(index("spec.data.label_column", column))
                    : spec.labelColumn(column);
        }
        if (data.hasHeader()) {
            spec = spec.header(data.getHeader());
        }
        if (data.hasMaxBadRowShare()) {
            spec = spec.maxBadRowShare(data.getMaxBadRowShare());
        }
        return spec.quoting(quoting(data.getQuoting()));
    }

    private static FineTuningPolicy policy(String field, OnnxModel.FineTuningPolicy policy) {
        return switch (policy) {
            case FINE_TUNING_POLICY_UNSPECIFIED, AUTO -> FineTuningPolicy.AUTO;
            case NEVER -> FineTuningPolicy.NEVER;
            case UNRECOGNIZED -> throw new InvalidInputException(null, field + ".fine_tuning_policy",
                    "must be AUTO or NEVER");
        };
    }

    private static Pooling pooling(String field, OnnxModel.Pooling pooling) {
        return switch (pooling) {
            case POOLING_UNSPECIFIED, MEAN -> Pooling.MEAN;
            case CLS -> Pooling.CLS;
            case UNRECOGNIZED -> throw new InvalidInputException(null, field + ".pooling", "must be MEAN or CLS");
        };
    }

    private static Quoting quoting(Data.Quoting quoting) {
        return switch (quoting) {
            case QUOTING_UNSPECIFIED, AUTO -> Quoting.AUTO;
            case RFC_4180 -> Quoting.RFC_4180;
            case NONE -> Quoting.NONE;
            case UNRECOGNIZED -> throw new InvalidInputException(null, "spec.data.quoting", "must be AUTO, RFC_4180 or "
                    + "NONE");
        };
    }

    private static StudentSpec student(Student student) {
        Optional<StudentSpec.Training> training = student.hasTraining() ? Optional.of(training(student.getTraining()))
                : Optional.empty();
        StudentSpec spec = switch (student.getKindCase()) {
            case TEACHER_LAYERS -> {
                StudentSpec.TeacherLayers layers = StudentSpec.teacherLayers(student.getTeacherLayers().getLayers());
                StudentSpec.TeacherLayers sized = student.getTeacherLayers().getIntermediateSize() > 0
                        ? layers.intermediateSize(student.getTeacherLayers().getIntermediateSize()) : layers;
                yield training.<StudentSpec>map(sized::training).orElse(sized);
            }
            case TRANSFORMER -> {
                StudentSpec.Transformer transformer = StudentSpec.transformer(student.getTransformer().getLayers(),
                        student.getTransformer().getHiddenSize(), student.getTransformer().getHeads(),
                        student.getTransformer().getIntermediateSize());
                yield training.<StudentSpec>map(transformer::training).orElse(transformer);
            }
            case TEXT_CNN -> {
                StudentSpec.TextCnn cnn = StudentSpec.textCnn(student.getTextCnn().getEmbeddingSize(),
                        student.getTextCnn().getFilters(),
                        student.getTextCnn().getKernelSizesList().stream().mapToInt(Integer::intValue).toArray());
                yield training.<StudentSpec>map(cnn::training).orElse(cnn);
            }
            case BAG_OF_EMBEDDINGS -> {
                StudentSpec.BagOfEmbeddings bag = StudentSpec.bagOfEmbeddings(
                        student.getBagOfEmbeddings().getEmbeddingSize(), student.getBagOfEmbeddings().getHiddenSize());
                yield training.<StudentSpec>map(bag::training).orElse(bag);
            }
            case AUTO, KIND_NOT_SET -> {
                if (training.isPresent()) {
                    throw new InvalidInputException(null, "spec.student.training", "applies to a fixed student only;"
                            + " the auto student tunes its training settings");
                }
                yield StudentSpec.auto();
            }
        };
        StudentSpec pruned = student.hasPruneVocabulary() ? spec.pruneVocabulary(student.getPruneVocabulary()) : spec;
        return student.hasIntermediateDistillation()
                ? intermediateDistillation(pruned, student.getIntermediateDistillation()) : pruned;
    }

    /** The pinned training settings of a message; learning rate, temperature and alpha are required. */
    private static StudentSpec.Training training(io.distill4j.api.grpc.distill.v1.Training message) {
        if (!message.hasLearningRate() || !message.hasTemperature() || !message.hasAlpha()) {
            String missing = !message.hasLearningRate() ? "learning_rate"
                    : !message.hasTemperature() ? "temperature" : "alpha";
            throw new InvalidInputException(null, "spec.student.training." + missing, "is required when the training"
                    + " settings are pinned");
        }
        OptionalInt epochs = message.hasEpochs() ? OptionalInt.of(message.getEpochs()) : OptionalInt.empty();
        return new StudentSpec.Training(message.getLearningRate(), message.getTemperature(), message.getAlpha(),
                epochs, message.getTemperatureAnnealing(), message.getHardLabelWarmupEpochs());
    }

    /** The student with the message's intermediate-layer distillation; unset weights are the default. */
    private static StudentSpec intermediateDistillation(StudentSpec spec,
            io.distill4j.api.grpc.distill.v1.IntermediateDistillation message) {
        float hidden = message.hasHiddenWeight() ? message.getHiddenWeight()
                : StudentSpec.IntermediateDistillation.DEFAULT_WEIGHT;
        float attention = message.hasAttentionWeight() ? message.getAttentionWeight()
                : StudentSpec.IntermediateDistillation.DEFAULT_WEIGHT;
        StudentSpec.IntermediateDistillation settings = new StudentSpec.IntermediateDistillation(message.getEnabled(),
                hidden, attention);
        if (spec instanceof StudentSpec.TeacherLayers layers) {
            return layers.intermediateDistillation(settings);
        }
        if (spec instanceof StudentSpec.Transformer transformer) {
            return transformer.intermediateDistillation(settings);
        }
        if (spec instanceof StudentSpec.Auto auto) {
            return auto.intermediateDistillation(settings);
        }
        throw new InvalidInputException(null, "spec.student.intermediate_distillation", "applies to the teacher_layers, "
                + "transformer and auto students only, not to " + spec);
    }

    private static int index(String field, String column) {
        try {
            return Integer.parseInt(column.substring(1));
        }
        catch (NumberFormatException ex) {
            throw new InvalidInputException(null, field, "'#' must be followed by a 0-based column index, got '"
                    + column + "'");
        }
    }

    /** A request path resolved against the first root; refused unless it lies under one of the roots. */
    Path path(String field, String value) {
        if (value.isEmpty()) {
            throw new InvalidInputException(null, field, "is required");
        }
        Path resolved;
        try {
            resolved = this.roots.get(0).resolve(value).toAbsolutePath().normalize();
        }
        catch (java.nio.file.InvalidPathException ex) {
            throw new InvalidInputException(null, field, "is not a valid path: " + ex.getMessage());
        }
        // Textually under a root, and still under it once symbolic links are followed (a link inside a root
        // must not lead out of it).
        Path real = followLinks(resolved);
        for (Path root : this.roots) {
            if (resolved.startsWith(root) && real.startsWith(followLinks(root))) {
                return resolved;
            }
        }
        throw new InvalidInputException(null, field, "'" + value + "' is outside the folders this server reads "
                + "from " + this.roots);
    }

    /**
     * The path with every symbolic link of its existing part followed: the real path of its deepest existing
     * ancestor, with the rest (which does not exist yet) appended.
     */
    private static Path followLinks(Path path) {
        Path existing = path;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        }
        catch (java.io.IOException ex) {
            return path;
        }
    }

    /** A job as the service reports it: state, newest event, and the result or the error once it ended. */
    static Job job(DistillationJob job) {
        Job.Builder out = Job.newBuilder().setId(job.id()).setName(job.spec().name()).setState(state(job.state()))
            .setProgress(event(job.progress()));
        if (job.state() == JobState.SUCCEEDED || job.state() == JobState.FAILED) {
            try {
                DistillationResult result = job.await(Duration.ofSeconds(1));
                out.setResult(result(result));
            }
            catch (RuntimeException ex) {
                out.setError(String.valueOf(ex.getMessage()));
            }
        }
        return out.build();
    }

    static io.distill4j.api.grpc.distill.v1.ProgressEvent event(ProgressEvent event) {
        return io.distill4j.api.grpc.distill.v1.ProgressEvent.newBuilder().setJobId(event.jobId())
            .setState(state(event.state())).setStage(event.stage().name()).setStep(event.step())
            .setTotalSteps(event.totalSteps()).setFraction(event.fraction()).putAllMetrics(event.metrics())
            .setEtaSeconds(event.eta().map(Duration::toSeconds).orElse(-1L)).setMessage(event.message())
            .setTimeEpochMillis(event.time().toEpochMilli()).build();
    }

    static io.distill4j.api.grpc.distill.v1.JobState state(JobState state) {
        return io.distill4j.api.grpc.distill.v1.JobState.valueOf(state.name().toUpperCase(Locale.ROOT));
    }

    private static Result result(DistillationResult result) {
        Result.Builder out = Result.newBuilder().setMetric(result.metric()).setTeacher(figures(result.teacher()))
            .setStudentFp32(figures(result.studentFp32())).setStudentInt8(figures(result.studentInt8()))
            .putAllHyperParameters(result.hyperParameters()).setTrials(result.trials())
            .setGatesPassed(result.gatesPassed()).setReportPath(result.files().reportHtml().toString());
        result.registeredModel().ifPresent(out::setRegisteredModel);
        result.registeredVersion().ifPresent(out::setRegisteredVersion);
        return out.build();
    }

    private static ModelFigures figures(DistillationResult.ModelFigures figures) {
        return ModelFigures.newBuilder().setMetric(figures.metric()).setParameters(figures.parameters())
            .setFileBytes(figures.fileBytes()).setP50LatencyMillis(figures.p50LatencyMillis())
            .setThroughput(figures.throughput()).build();
    }
}
