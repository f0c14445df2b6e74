package io.distill4j.pipeline.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.student.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.student.BertEncoderWeights;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.TextCnnConfig;
import io.distill4j.pipeline.student.TransformerConfig;
import io.distill4j.pipeline.tune.Candidate;
import io.distill4j.pipeline.vocab.VocabularyPruning;

/**
 * The students a spec allows and the search space around them: a fixed {@link StudentSpec} gives one
 * shape, {@link StudentSpec#auto()} the ladder of sizes the auto-tuner climbs. Each shape builds its
 * {@link StudentConfig} once the vocabulary (after pruning) and the output width are known. A fixed
 * student trains with its {@link StudentSpec.Training pinned settings}, or the defaults here.
 */
final class StudentCatalog {

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

    private final Map<String, Shape> shapes = new LinkedHashMap<>();

    private final boolean tuned;

    private final boolean pruneVocabulary;

    private final Optional<StudentSpec.Training> training;

    private final int epochs;

    private StudentCatalog(List<Shape> shapes, boolean tuned, StudentSpec spec, int maxEpochs) {
        shapes.forEach(shape -> this.shapes.put(shape.label(), shape));
        this.tuned = tuned;
        this.pruneVocabulary = spec.pruneVocabulary();
        this.training = spec.training();
        OptionalInt pinned = this.training.map(StudentSpec.Training::epochs).orElse(OptionalInt.empty());
        if (pinned.isPresent() && pinned.getAsInt() > maxEpochs) {
            throw new IllegalArgumentException("student.training.epochs must be at most the distiller's maxEpochs "
                    + maxEpochs + ", was " + pinned.getAsInt());
        }
        this.epochs = pinned.orElse(maxEpochs);
    }

    /** The shapes for a spec whose teacher is not an ONNX encoder; see {@link #of(StudentSpec, int, int, Optional)}. */
    static StudentCatalog of(StudentSpec spec, int maxSequenceLength, int maxEpochs) {
        return of(spec, maxSequenceLength, maxEpochs, Optional.empty());
    }

    /**
     * The shapes for a spec.
     * @param maxSequenceLength the longest input, which sizes a Transformer's position table
     * @param maxEpochs the distiller's maximum epochs: those of the final training unless the spec pins fewer
     * @param teacherEncoder the teacher's ONNX encoder file, which {@link StudentSpec.TeacherLayers} starts from
     * @throws IllegalArgumentException if the spec pins more epochs than {@code maxEpochs}, or asks for teacher
     * layers without an encoder teacher or for more layers than it has
     * @throws io.distill4j.api.exception.ModelLoadException if the encoder is not of the BERT family
     */
    static StudentCatalog of(StudentSpec spec, int maxSequenceLength, int maxEpochs, Optional<Path> teacherEncoder) {
        if (spec instanceof StudentSpec.TeacherLayers layers) {
            Path encoder = teacherEncoder.orElseThrow(() -> new IllegalArgumentException("student.teacherLayers needs "
                    + "an ONNX encoder teacher of the BERT family (all-MiniLM-L6-v2, for one); give "
                    + "TeacherSpec.onnxEncoder or choose another student"));
            return new StudentCatalog(List.of(teacherLayers(encoder, layers.layers(), layers.intermediateSize(),
                    maxSequenceLength)), false, spec, maxEpochs);
        }
        if (spec instanceof StudentSpec.Auto) {
            return new StudentCatalog(List.of(bag(64, 256), bag(128, 256), cnn(128, 128, List.of(2, 3, 4)),
                    transformer(2, 128, 4, 256, maxSequenceLength)), true, spec, maxEpochs);
        }
        if (spec instanceof StudentSpec.BagOfEmbeddings bag) {
            return new StudentCatalog(List.of(bag(bag.embeddingSize(), bag.hiddenSize())), false, spec, maxEpochs);
        }
        if (spec instanceof StudentSpec.TextCnn cnn) {
            return new StudentCatalog(List.of(cnn(cnn.embeddingSize(), cnn.filters(), cnn.kernelSizes())), false,
                    spec, maxEpochs);
        }
        StudentSpec.Transformer transformer = (StudentSpec.Transformer) spec;
        return new StudentCatalog(List.of(transformer(transformer.layers(), transformer.hiddenSize(),
                transformer.heads(), transformer.intermediateSize(), maxSequenceLength)), false, spec, maxEpochs);
    }

    /** Whether the search space has more than one point (the spec is {@code auto}). */
    boolean tuned() {
        return this.tuned;
    }

    boolean pruneVocabulary() {
        return this.pruneVocabulary;
    }

    /** Epochs of the final training (the last rung): those the spec pins, else the distiller's maximum. */
    int epochs() {
        return this.epochs;
    }

    /**
     * Whether the spec pins the epochs: the student then trains exactly {@link #epochs()} epochs, without
     * early stopping (the best epoch's weights are still the ones kept).
     */
    boolean epochsPinned() {
        return this.training.map(t -> t.epochs().isPresent()).orElse(false);
    }

    /** Parameters of the largest shape, before vocabulary pruning (an upper bound for the memory planner). */
    long largestParameterCount(int vocabSize, int outputSize, StudentOutput output) {
        return this.shapes.values().stream()
                .mapToLong(shape -> shape.factory().build(vocabSize, outputSize, output).parameterCount()).max()
                .orElse(0);
    }

    /** The config of the shape a candidate names. */
    StudentConfig config(Candidate candidate, int vocabSize, int outputSize, StudentOutput output) {
        Shape shape = this.shapes.get(candidate.student());
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
    void initialize(Candidate candidate, StudentModel model, Optional<VocabularyPruning> pruning) {
        Shape shape = this.shapes.get(candidate.student());
        if (shape != null && shape.initializer() != null) {
            shape.initializer().initialize(model, pruning);
        }
    }

    /**
     * The candidates in the order the tuner should try them: each shape once with the default
     * hyper-parameters first (so even a short search compares sizes), then the rest of the grid in a
     * seeded random order. A catalog that is not tuned has one candidate, with the spec's pinned
     * training settings if it has them.
     */
    List<Candidate> candidates(long seed) {
        List<Candidate> first = new ArrayList<>();
        List<Candidate> rest = new ArrayList<>();
        for (Shape shape : this.shapes.values()) {
            first.add(new Candidate(shape.label(), shape.settings(),
                    this.training.map(StudentSpec.Training::temperature).orElse(DEFAULT_TEMPERATURE),
                    this.training.map(StudentSpec.Training::alpha).orElse(DEFAULT_ALPHA),
                    this.training.map(StudentSpec.Training::learningRate).orElse(shape.defaultLearningRate())));
            if (!this.tuned) {
                continue;
            }
            for (float t : TEMPERATURES) {
                for (float a : ALPHAS) {
                    for (float lr : shape.learningRates()) {
                        if (t != DEFAULT_TEMPERATURE || a != DEFAULT_ALPHA || lr != shape.defaultLearningRate()) {
                            rest.add(new Candidate(shape.label(), shape.settings(), t, a, lr));
                        }
                    }
                }
            }
        }
        java.util.Collections.shuffle(rest, new Random(seed));
        first.addAll(rest);
        return first;
    }

    /**
     * The candidates of the embedding task, where only the learning rate is searched (temperature and
     * alpha do not enter the embedding losses; they stay at 1): each shape with the default learning rate
     * first, then the other rates in a seeded random order. A catalog that is not tuned has one candidate,
     * with the spec's pinned learning rate if it has one.
     */
    List<Candidate> embeddingCandidates(long seed) {
        List<Candidate> first = new ArrayList<>();
        List<Candidate> rest = new ArrayList<>();
        for (Shape shape : this.shapes.values()) {
            first.add(new Candidate(shape.label(), shape.settings(), 1f, 1f,
                    this.training.map(StudentSpec.Training::learningRate).orElse(shape.defaultLearningRate())));
            if (!this.tuned) {
                continue;
            }
            for (float lr : shape.learningRates()) {
                if (lr != shape.defaultLearningRate()) {
                    rest.add(new Candidate(shape.label(), shape.settings(), 1f, 1f, lr));
                }
            }
        }
        java.util.Collections.shuffle(rest, new Random(seed));
        first.addAll(rest);
        return first;
    }

    private static Shape bag(int embeddingDim, int hidden) {
        return new Shape(BagOfEmbeddingsConfig.ARCHITECTURE + "/" + embeddingDim + "x" + hidden,
                Map.of("embeddingDim", Integer.toString(embeddingDim), "hiddenSizes", Integer.toString(hidden)),
                (vocab, out, output) -> BagOfEmbeddingsConfig.builder().vocabSize(vocab).embeddingDim(embeddingDim)
                        .hiddenSizes(hidden).outputSize(out).output(output).build());
    }

    private static Shape cnn(int embeddingDim, int filters, List<Integer> kernelSizes) {
        String kernels = kernelSizes.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        return new Shape(TextCnnConfig.ARCHITECTURE + "/" + embeddingDim + "x" + filters + "k" + kernels.replace(",", ""),
                Map.of("embeddingDim", Integer.toString(embeddingDim), "filters", Integer.toString(filters),
                        "kernelSizes", kernels),
                (vocab, out, output) -> TextCnnConfig.builder().vocabSize(vocab).embeddingDim(embeddingDim)
                        .filters(filters).kernelSizes(kernelSizes).outputSize(out).output(output).build());
    }

    private static Shape transformer(int layers, int hidden, int heads, int intermediate, int maxPositions) {
        return new Shape(TransformerConfig.ARCHITECTURE + "/" + layers + "x" + hidden,
                Map.of("layers", Integer.toString(layers), "hiddenSize", Integer.toString(hidden), "heads",
                        Integer.toString(heads), "intermediateSize", Integer.toString(intermediate)),
                (vocab, out, output) -> TransformerConfig.builder().vocabSize(vocab).maxPositions(maxPositions)
                        .hiddenSize(hidden).layers(layers).heads(heads).intermediateSize(intermediate).outputSize(out)
                        .output(output).build());
    }

    /**
     * The teacher's encoder cut to {@code layers} of its layers ({@link BertEncoderWeights#spreadLayers}),
     * its feed-forward blocks narrowed to {@code intermediateSize} if given. Only the shape is kept here;
     * each trial reads the weights again, so they are not held in memory between trials.
     */
    private static Shape teacherLayers(Path encoder, int layers, OptionalInt intermediateSize, int maxSequenceLength) {
        BertEncoderWeights teacher = BertEncoderWeights.read(encoder);
        if (layers > teacher.layers()) {
            throw new IllegalArgumentException("student.layers must be at most the teacher's " + teacher.layers()
                    + " layers, was " + layers);
        }
        if (intermediateSize.orElse(0) > teacher.intermediateSize()) {
            throw new IllegalArgumentException("student.intermediateSize must be at most the teacher's "
                    + teacher.intermediateSize() + ", was " + intermediateSize.getAsInt());
        }
        int[] chosen = BertEncoderWeights.spreadLayers(layers, teacher.layers());
        int maxPositions = Math.min(maxSequenceLength, teacher.maxPositions());
        TransformerConfig template = teacher.studentConfig(layers, intermediateSize.orElse(teacher.intermediateSize()),
                1, maxPositions, 1, StudentOutput.EMBEDDING);
        String teacherLayers = Arrays.stream(chosen).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(","));
        String narrowed = intermediateSize.isPresent() ? "-ffn" + template.intermediateSize() : "";
        return new Shape(TransformerConfig.ARCHITECTURE + "/" + layers + "x" + template.hiddenSize() + narrowed
                + "-teacher-layers-" + teacherLayers.replace(",", "-"),
                Map.of("layers", Integer.toString(layers), "hiddenSize", Integer.toString(template.hiddenSize()), "heads",
                        Integer.toString(template.heads()), "intermediateSize",
                        Integer.toString(template.intermediateSize()), "teacherLayers", teacherLayers),
                (vocab, out, output) -> new TransformerConfig(vocab, maxPositions, template.hiddenSize(), layers,
                        template.heads(), template.intermediateSize(), out, output, template.activation(),
                        template.dropout(), template.layerNormEpsilon(), template.pooling()),
                (model, pruning) -> BertEncoderWeights.read(encoder).initialize(model, chosen,
                        pruning.map(VocabularyPruning::keptIds).orElse(null)));
    }

    /** Builds a config once the vocabulary and output are known. */
    @FunctionalInterface
    interface Factory {

        StudentConfig build(int vocabSize, int outputSize, StudentOutput output);
    }

    /** Sets a new model's starting weights. */
    @FunctionalInterface
    interface Initializer {

        void initialize(StudentModel model, Optional<VocabularyPruning> pruning);
    }

    /**
     * One size of one architecture, with its starting weights when they are not random ({@code null}); a
     * student with starting weights searches {@link #PRETRAINED_LEARNING_RATES}, the others
     * {@link #LEARNING_RATES}.
     */
    record Shape(String label, Map<String, String> settings, Factory factory, Initializer initializer) {

        Shape(String label, Map<String, String> settings, Factory factory) {
            this(label, settings, factory, null);
        }

        float defaultLearningRate() {
            return this.initializer == null ? DEFAULT_LEARNING_RATE : DEFAULT_PRETRAINED_LEARNING_RATE;
        }

        float[] learningRates() {
            return this.initializer == null ? LEARNING_RATES : PRETRAINED_LEARNING_RATES;
        }
    }
}
