package io.distill4j.pipeline.tune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.report.DistillationReport;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.LayeredBlock;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.StudentShape;
import io.distill4j.pipeline.student.TeacherEncoder;
import io.distill4j.pipeline.train.IntermediateTraining;
import io.distill4j.pipeline.vocab.VocabularyPruning;

/**
 * The students a spec allows and the search space around them: a fixed {@link StudentSpec} gives one
 * shape, {@link StudentSpec#auto()} the ladder of sizes the auto-tuner climbs. Each shape builds its
 * {@link StudentConfig} once the vocabulary (after pruning) and the output width are known; which shapes a
 * spec allows is the {@link Architecture}s' answer. A fixed student trains with its
 * {@link StudentSpec.Training pinned settings}, or the defaults here; a shape that starts from the teacher's
 * weights searches {@link #PRETRAINED_LEARNING_RATES}, the others {@link #LEARNING_RATES}.
 *
 * <p>Intermediate-layer distillation (the teacher's hidden states and attention, see
 * {@link StudentSpec.IntermediateDistillation}) is decided here once per job: on by default for a fixed
 * {@link StudentSpec.Transformer} or {@link StudentSpec.TeacherLayers} student when the teacher's BERT-family
 * ONNX encoder can be read, off by default in the auto search (it adds a teacher forward pass to every
 * training step of every trial; {@code DistillerBenchmark} measures what it costs and gains). Asked for
 * explicitly without a readable encoder, the job fails naming the field; on by default only, it is skipped
 * and each Transformer candidate's settings (hence the report) say why.
 */
public final class StudentCatalog {

    /** Temperatures searched (Hinton et al. use 1 to 20; small students do best at low ones). */
    static final float[] TEMPERATURES = {1f, 2f, 4f};

    /** Weights of the distillation term searched. */
    static final float[] ALPHAS = {0.5f, 0.7f, 0.9f};

    /** Peak learning rates searched. */
    static final float[] LEARNING_RATES = {1e-3f, 3e-3f, 1e-2f};

    /**
     * Peak learning rates searched for a student that starts from the teacher's weights: fine-tuning rates,
     * as for BERT (Devlin et al. 2019 searched 2e-5 to 5e-5); the rates above would wreck the weights.
     */
    static final float[] PRETRAINED_LEARNING_RATES = {3e-5f, 1e-4f, 3e-4f};

    static final float DEFAULT_PRETRAINED_LEARNING_RATE = 1e-4f;

    /** The defaults a fixed student trains with when nothing is tuned. */
    static final float DEFAULT_TEMPERATURE = 2f;

    static final float DEFAULT_ALPHA = 0.5f;

    static final float DEFAULT_LEARNING_RATE = 3e-3f;

    /** The key of a Transformer shape's {@link Candidate#studentSettings()} that says whether and how it learns the teacher's internals. */
    public static final String INTERMEDIATE_DISTILLATION = DistillationReport.INTERMEDIATE_DISTILLATION;

    private final Map<String, StudentShape> shapes = new LinkedHashMap<>();

    private final boolean tuned;

    private final boolean pruneVocabulary;

    private final StudentSpec spec;

    private final IntermediatePlan intermediate;

    private final Optional<StudentSpec.Training> training;

    private final int epochs;

    private StudentCatalog(List<StudentShape> shapes, boolean tuned, StudentSpec spec, int maxEpochs,
            IntermediatePlan intermediate) {
        shapes.forEach(shape -> this.shapes.put(shape.label(), shape));
        this.tuned = tuned;
        this.spec = spec;
        this.intermediate = intermediate;
        this.pruneVocabulary = spec.pruneVocabulary();
        this.training = spec.training();
        OptionalInt pinned = this.training.map(StudentSpec.Training::epochs).orElse(OptionalInt.empty());
        if (pinned.isPresent() && pinned.getAsInt() > maxEpochs) {
            throw new IllegalArgumentException("student.training.epochs must be at most the distiller's maxEpochs "
                    + maxEpochs + ", was " + pinned.getAsInt());
        }
        this.epochs = pinned.orElse(maxEpochs);
        int warmup = this.training.map(StudentSpec.Training::hardLabelWarmupEpochs).orElse(0);
        if (warmup >= this.epochs) {
            throw new IllegalArgumentException("student.training.hardLabelWarmupEpochs must be less than the epochs "
                    + "trained, " + this.epochs + (pinned.isPresent() ? "" : " (the distiller's maxEpochs)") + ", was "
                    + warmup);
        }
    }

    /** The shapes for a spec whose teacher is not an ONNX encoder; see {@link #of(StudentSpec, int, int, Optional)}. */
    static StudentCatalog of(StudentSpec spec, int maxSequenceLength, int maxEpochs) {
        return of(spec, maxSequenceLength, maxEpochs, Optional.empty());
    }

    /**
     * The shapes for a spec.
     * @param maxSequenceLength the longest input, which sizes a Transformer's position table
     * @param maxEpochs the distiller's maximum epochs: those of the final training unless the spec pins fewer
     * @param teacherEncoder the teacher's ONNX encoder and its pooling, which {@link StudentSpec.TeacherLayers}
     *     starts from
     * @throws IllegalArgumentException if the spec pins more epochs than {@code maxEpochs} or a hard-label
     * warm-up as long as the epochs trained, or asks for teacher
     * layers without an encoder teacher or for more layers than it has
     * @throws io.distill4j.api.exception.ModelLoadException if the encoder is not of the BERT family
     * @throws io.distill4j.api.exception.InvalidInputException naming {@code student.intermediateDistillation}
     *     if it was asked for and the teacher has no readable BERT-family ONNX encoder
     */
    public static StudentCatalog of(StudentSpec spec, int maxSequenceLength, int maxEpochs, Optional<TeacherEncoder> teacherEncoder) {
        List<StudentShape> shapes = Architecture.shapes(spec, maxSequenceLength, teacherEncoder);
        return new StudentCatalog(shapes, shapes.size() > 1, spec, maxEpochs,
                IntermediatePlan.of(spec, teacherEncoder.map(TeacherEncoder::file), maxSequenceLength));
    }

    /** Whether the search space has more than one point (the spec is {@code auto}). */
    public boolean tuned() {
        return this.tuned;
    }

    public boolean pruneVocabulary() {
        return this.pruneVocabulary;
    }

    /** Whether the vocabulary is pruned in a job of {@code task} ({@link StudentSpec#pruneVocabulary(DistillationTask)}). */
    public boolean pruneVocabulary(DistillationTask task) {
        return this.spec.pruneVocabulary(task);
    }

    /**
     * The teacher's internals for a trial's student when it learns them (a Transformer shape with
     * intermediate-layer distillation on), with the trainer settings; empty otherwise. The caller closes the
     * teacher's internals after the trial.
     * @param pruning the vocabulary pruning the student's ids went through: the teacher gets its own ids back
     * @param teacherFolder the version folder of the teacher that made the soft targets, if it is a model: a
     *     teacher fine-tuned in the JVM is read from there as fine-tuned
     */
    public Optional<IntermediateTraining> intermediateTraining(Candidate candidate, StudentModel model,
            Optional<VocabularyPruning> pruning, Optional<Path> teacherFolder) {
        if (!this.intermediate.enabled() || !(model.block() instanceof LayeredBlock)
                || !this.shapes.containsKey(candidate.student())) {
            return Optional.empty();
        }
        return Optional.of(this.intermediate.open(pruning.map(VocabularyPruning::keptIds).orElse(null), teacherFolder));
    }

    /** Epochs of the final training (the last rung): those the spec pins, else the distiller's maximum. */
    public int epochs() {
        return this.epochs;
    }

    /**
     * Whether the spec pins the epochs: the student then trains exactly {@link #epochs()} epochs, without
     * early stopping (the best epoch's weights are still the ones kept).
     */
    public boolean epochsPinned() {
        return this.training.map(t -> t.epochs().isPresent()).orElse(false);
    }

    /** Parameters of the largest shape, before vocabulary pruning (an upper bound for the memory planner). */
    public long largestParameterCount(int vocabSize, int outputSize, StudentOutput output) {
        return this.shapes.values().stream()
                .mapToLong(shape -> shape.factory().build(vocabSize, outputSize, output).parameterCount()).max()
                .orElse(0);
    }

    /** The config of the shape a candidate names. */
    public StudentConfig config(Candidate candidate, int vocabSize, int outputSize, StudentOutput output) {
        StudentShape shape = this.shapes.get(candidate.student());
        if (shape == null) {
            throw new IllegalArgumentException("unknown student '" + candidate.student() + "'; known: "
                    + this.shapes.keySet());
        }
        return shape.factory().build(vocabSize, outputSize, output);
    }

    /**
     * Gives a model just created for {@code candidate} its starting weights where its shape has them (the
     * teacher's layers); leaves the random ones otherwise.
     * @param pruning the vocabulary pruning the student's token ids went through, if any
     */
    public void initialize(Candidate candidate, StudentModel model, Optional<VocabularyPruning> pruning) {
        StudentShape shape = this.shapes.get(candidate.student());
        if (shape != null && shape.initializer() != null) {
            shape.initializer().initialize(model, pruning.map(VocabularyPruning::keptIds).orElse(null));
        }
    }

    /**
     * The candidates in the order the tuner should try them: each shape once with the default
     * hyper-parameters first (so even a short search compares sizes), then the rest of the grid in a
     * seeded random order. A catalog that is not tuned has one candidate, with the spec's pinned
     * training settings if it has them, its distillation schedule included; the searched candidates keep a
     * constant temperature and no warm-up.
     */
    public List<Candidate> candidates(long seed) {
        List<Candidate> first = new ArrayList<>();
        List<Candidate> rest = new ArrayList<>();
        for (StudentShape shape : this.shapes.values()) {
            first.add(new Candidate(shape.label(), settings(shape),
                    this.training.map(StudentSpec.Training::temperature).orElse(DEFAULT_TEMPERATURE),
                    this.training.map(StudentSpec.Training::alpha).orElse(DEFAULT_ALPHA),
                    this.training.map(StudentSpec.Training::learningRate).orElse(defaultLearningRate(shape)),
                    this.training.map(StudentSpec.Training::temperatureAnnealing).orElse(false),
                    this.training.map(StudentSpec.Training::hardLabelWarmupEpochs).orElse(0)));
            if (!this.tuned) {
                continue;
            }
            for (float t : TEMPERATURES) {
                for (float a : ALPHAS) {
                    for (float lr : learningRates(shape)) {
                        if (t != DEFAULT_TEMPERATURE || a != DEFAULT_ALPHA || lr != defaultLearningRate(shape)) {
                            rest.add(new Candidate(shape.label(), settings(shape), t, a, lr));
                        }
                    }
                }
            }
        }
        Collections.shuffle(rest, new Random(seed));
        first.addAll(rest);
        return first;
    }

    /**
     * The candidates of the embedding task, where only the learning rate is searched (temperature and
     * alpha do not enter the embedding losses; they stay at 1): each shape with the default learning rate
     * first, then the other rates in a seeded random order. A catalog that is not tuned has one candidate,
     * with the spec's pinned learning rate if it has one.
     */
    public List<Candidate> embeddingCandidates(long seed) {
        List<Candidate> first = new ArrayList<>();
        List<Candidate> rest = new ArrayList<>();
        for (StudentShape shape : this.shapes.values()) {
            first.add(new Candidate(shape.label(), settings(shape), 1f, 1f,
                    this.training.map(StudentSpec.Training::learningRate).orElse(defaultLearningRate(shape))));
            if (!this.tuned) {
                continue;
            }
            for (float lr : learningRates(shape)) {
                if (lr != defaultLearningRate(shape)) {
                    rest.add(new Candidate(shape.label(), settings(shape), 1f, 1f, lr));
                }
            }
        }
        Collections.shuffle(rest, new Random(seed));
        first.addAll(rest);
        return first;
    }

    /**
     * A shape's settings, and for a Transformer shape whether it learns the teacher's internals: {@code on}
     * with the weights and the layer mapping, or {@code off} with the reason.
     */
    private Map<String, String> settings(StudentShape shape) {
        OptionalInt layers = IntermediatePlan.studentLayers(shape);
        if (layers.isEmpty()) {
            return shape.settings();
        }
        Map<String, String> settings = new LinkedHashMap<>(shape.settings());
        settings.putAll(this.intermediate.describe(layers.getAsInt()));
        return settings;
    }

    private static float defaultLearningRate(StudentShape shape) {
        return shape.pretrained() ? DEFAULT_PRETRAINED_LEARNING_RATE : DEFAULT_LEARNING_RATE;
    }

    private static float[] learningRates(StudentShape shape) {
        return shape.pretrained() ? PRETRAINED_LEARNING_RATES : LEARNING_RATES;
    }
}
