package io.distill4j.api.distill;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.distill4j.api.Checks;

/**
 * The student's architecture: chosen by auto-tuning ({@link #auto()}, the default) or fixed.
 *
 * <pre>{@code
 * StudentSpec.auto();                                   // tuning picks the architecture and its size
 * StudentSpec.teacherLayers(2);                         // the teacher's own encoder, cut to 2 of its layers
 * StudentSpec.teacherLayers(2).intermediateSize(512);   // ... with narrower feed-forward blocks
 * StudentSpec.transformer(4, 256, 4, 1024);             // layers, hidden size, heads, intermediate size
 * StudentSpec.textCnn(128, 100, 3, 4, 5);               // embedding size, filters per width, widths
 * StudentSpec.bagOfEmbeddings(128, 256).pruneVocabulary(false);
 * StudentSpec.bagOfEmbeddings(128, 256).training(StudentSpec.Training.of(3e-3f, 2f, 0.5f).epochs(9));
 * }</pre>
 *
 * <p>Every student reuses the teacher's tokenizer. With {@link #pruneVocabulary()} (the default, but for
 * {@link #teacherLayers(int)} in the embedding task) its
 * vocabulary is cut to the tokens that occur in the training data (plus the special tokens), which
 * shrinks the embedding table, often the bulk of a small student; unseen tokens map to {@code [UNK]}.
 * Sizes are bounded to catch typos before a job allocates anything; the bounds are constants here.
 *
 * <p>A fixed student trains with default settings (learning rate, temperature, alpha, the distiller's
 * maximum epochs) unless {@link Training} pins them; {@link #auto()} tunes them.
 *
 * <p>Transformer students ({@link #teacherLayers(int)}, {@link #transformer(int, int, int, int)}, and the
 * Transformer shapes {@link #auto()} tries) can also learn the teacher's hidden states and attention
 * ({@link IntermediateDistillation}). Unless set, it is on for the two fixed Transformer kinds when the
 * teacher is a BERT-family ONNX encoder (and skipped, as the report says, when it is not), and off in the
 * auto search, where it would cost every trial a teacher forward pass per step.
 */
public sealed interface StudentSpec
        permits StudentSpec.Auto, StudentSpec.TeacherLayers, StudentSpec.Transformer, StudentSpec.TextCnn,
        StudentSpec.BagOfEmbeddings {

    /** Largest {@link Transformer#layers()}. */
    int MAX_LAYERS = 24;

    /** Largest hidden, embedding or intermediate size. */
    int MAX_WIDTH = 8192;

    /** Smallest hidden or embedding size. */
    int MIN_WIDTH = 8;

    /** Whether the vocabulary is pruned to the tokens of the training data. */
    boolean pruneVocabulary();

    /** A copy with vocabulary pruning on or off. */
    StudentSpec pruneVocabulary(boolean prune);

    /**
     * Whether the vocabulary is pruned in a job of {@code task}: {@link #pruneVocabulary()}, except for
     * {@link TeacherLayers} without an explicit setting, which prunes for classification and not for
     * embeddings.
     */
    default boolean pruneVocabulary(DistillationTask task) {
        return pruneVocabulary();
    }

    /**
     * The intermediate-layer distillation asked for; empty: the default (see the interface comment). Always
     * empty for the students without Transformer layers.
     */
    default Optional<IntermediateDistillation> intermediateDistillation() {
        return Optional.empty();
    }

    /**
     * The training settings pinned on a fixed student; empty when they are not pinned (the distiller's
     * defaults apply) and always for {@link #auto()} (tuning chooses them).
     */
    default Optional<Training> training() {
        return Optional.empty();
    }

    /** Auto-tuning chooses the architecture and its size within the {@link Budget}. */
    static Auto auto() {
        return new Auto(true, Optional.empty());
    }

    /**
     * A Transformer with the teacher's own width, heads and feed-forward size, started from {@code layers}
     * of the teacher's layers (spread evenly, the last one included) and its embeddings, then distilled:
     * the student begins as the teacher with layers left out, so it needs far less data and training than
     * one started from random weights (Sanh et al. 2019). The teacher must be an ONNX encoder of the BERT
     * family (all-MiniLM-L6-v2, for one); a job with any other teacher fails with a message saying so.
     * Unless set, vocabulary pruning is on for classification, where it keeps the cut student small (the
     * embedding table is a large share of it), and off for embeddings: there the teacher's embedding rows
     * carry the meaning of tokens the training data never shows, which a pruned table would map to
     * {@code [UNK]}. An explicit {@link #pruneVocabulary(boolean)} wins.
     * @param layers encoder layers, 1 to the teacher's layers (at most {@value #MAX_LAYERS})
     */
    static TeacherLayers teacherLayers(int layers) {
        return new TeacherLayers(layers, OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A small Transformer encoder (BERT-style, mean-pooled) with the given shape.
     * @param layers encoder layers, 1 to {@value #MAX_LAYERS}
     * @param hiddenSize width of every layer; a multiple of {@code heads}
     * @param heads attention heads, 1 to 64
     * @param intermediateSize width of each feed-forward block
     */
    static Transformer transformer(int layers, int hiddenSize, int heads, int intermediateSize) {
        return new Transformer(layers, hiddenSize, heads, intermediateSize, true);
    }

    /**
     * A TextCNN (Kim 2014): token embeddings, one convolution per kernel width, max-pooling over time.
     * @param embeddingSize width of the token embeddings
     * @param filters convolution filters per kernel width, 1 to 4096
     * @param kernelSizes kernel widths in tokens, 1 to 16 each, 1 to 8 widths
     */
    static TextCnn textCnn(int embeddingSize, int filters, int... kernelSizes) {
        Checks.notNull(kernelSizes, "student.kernelSizes");
        List<Integer> sizes = new ArrayList<>(kernelSizes.length);
        for (int k : kernelSizes) {
            sizes.add(k);
        }
        return new TextCnn(embeddingSize, filters, sizes, true);
    }

    /**
     * A bag of embeddings: mean of token embeddings, then one hidden layer (the fastest student).
     * @param embeddingSize width of the token embeddings
     * @param hiddenSize width of the hidden layer
     */
    static BagOfEmbeddings bagOfEmbeddings(int embeddingSize, int hiddenSize) {
        return new BagOfEmbeddings(embeddingSize, hiddenSize, true);
    }

    /**
     * Auto-tuning chooses the student.
     * @param intermediateDistillation applies to the Transformer shapes tried; empty: off
     */
    record Auto(boolean pruneVocabulary, Optional<IntermediateDistillation> intermediateDistillation)
            implements StudentSpec {

        public Auto {
            Checks.notNull(intermediateDistillation, "student.intermediateDistillation");
        }

        @Override
        public Auto pruneVocabulary(boolean prune) {
            return new Auto(prune, this.intermediateDistillation);
        }

        /** A copy whose Transformer shapes train with these settings. */
        public Auto intermediateDistillation(IntermediateDistillation settings) {
            return new Auto(this.pruneVocabulary,
                    Optional.of(Checks.notNull(settings, "student.intermediateDistillation")));
        }

        @Override
        public String toString() {
            return "auto" + this.intermediateDistillation.map(d -> "(" + d + ")").orElse("");
        }
    }

    /**
     * The teacher's encoder cut to fewer layers; see {@link StudentSpec#teacherLayers(int)}.
     * @param layers encoder layers taken from the teacher
     * @param intermediateSize the width of each feed-forward block; empty: the teacher's. Narrower keeps each
     *     layer's strongest units (by weight magnitude), a faster student that training then recovers
     * @param vocabularyPruning whether the vocabulary is pruned; empty: the task's default (see
     *     {@link StudentSpec#teacherLayers(int)})
     * @param intermediateDistillation empty: on when the teacher's encoder can be read
     */
    record TeacherLayers(int layers, OptionalInt intermediateSize, Optional<Boolean> vocabularyPruning,
            Optional<Training> training, Optional<IntermediateDistillation> intermediateDistillation)
            implements StudentSpec {

        public TeacherLayers {
            Checks.inRange(layers, 1, MAX_LAYERS, "student.layers");
            Checks.notNull(intermediateSize, "student.intermediateSize");
            if (intermediateSize.isPresent()) {
                Checks.inRange(intermediateSize.getAsInt(), MIN_WIDTH, MAX_WIDTH, "student.intermediateSize");
            }
            Checks.notNull(vocabularyPruning, "student.pruneVocabulary");
            Checks.notNull(training, "student.training");
            Checks.notNull(intermediateDistillation, "student.intermediateDistillation");
        }

        /** The explicit setting, else the embedding task's default (off); see {@link #pruneVocabulary(DistillationTask)}. */
        @Override
        public boolean pruneVocabulary() {
            return this.vocabularyPruning.orElse(false);
        }

        /** The explicit setting, else on for classification and off for embeddings. */
        @Override
        public boolean pruneVocabulary(DistillationTask task) {
            return this.vocabularyPruning.orElse(task == DistillationTask.TEXT_CLASSIFICATION);
        }

        @Override
        public TeacherLayers pruneVocabulary(boolean prune) {
            return new TeacherLayers(this.layers, this.intermediateSize, Optional.of(prune), this.training,
                    this.intermediateDistillation);
        }

        /**
         * A copy whose feed-forward blocks are {@code units} wide, at most the teacher's (a job checks it):
         * e.g. 512 of all-MiniLM-L6-v2's 1536 makes each layer about 1.8 times faster.
         */
        public TeacherLayers intermediateSize(int units) {
            return new TeacherLayers(this.layers, OptionalInt.of(units), this.vocabularyPruning, this.training,
                    this.intermediateDistillation);
        }

        /** A copy that trains with these settings. */
        public TeacherLayers training(Training settings) {
            return new TeacherLayers(this.layers, this.intermediateSize, this.vocabularyPruning,
                    Optional.of(Checks.notNull(settings, "student.training")), this.intermediateDistillation);
        }

        /** A copy with these intermediate-layer distillation settings. */
        public TeacherLayers intermediateDistillation(IntermediateDistillation settings) {
            return new TeacherLayers(this.layers, this.intermediateSize, this.vocabularyPruning, this.training,
                    Optional.of(Checks.notNull(settings, "student.intermediateDistillation")));
        }

        @Override
        public String toString() {
            return "teacherLayers(layers=" + this.layers + (this.intermediateSize.isPresent() ? ", intermediateSize="
                    + this.intermediateSize.getAsInt() : "") + describe(this.training)
                    + this.intermediateDistillation.map(d -> ", " + d).orElse("") + ")";
        }
    }

    /**
     * A Transformer encoder; see {@link StudentSpec#transformer(int, int, int, int)}.
     * @param intermediateDistillation empty: on when the teacher is a BERT-family ONNX encoder
     */
    record Transformer(int layers, int hiddenSize, int heads, int intermediateSize, boolean pruneVocabulary,
            Optional<Training> training, Optional<IntermediateDistillation> intermediateDistillation)
            implements StudentSpec {

        public Transformer {
            Checks.notNull(training, "student.training");
            Checks.notNull(intermediateDistillation, "student.intermediateDistillation");
            Checks.inRange(layers, 1, MAX_LAYERS, "student.layers");
            Checks.inRange(hiddenSize, MIN_WIDTH, MAX_WIDTH, "student.hiddenSize");
            Checks.inRange(heads, 1, 64, "student.heads");
            Checks.inRange(intermediateSize, MIN_WIDTH, MAX_WIDTH, "student.intermediateSize");
            if (hiddenSize % heads != 0) {
                throw new IllegalArgumentException("student.hiddenSize must be a multiple of student.heads, was "
                        + hiddenSize + " with " + heads + " heads");
            }
        }

        /** A Transformer whose training settings are not pinned. */
        public Transformer(int layers, int hiddenSize, int heads, int intermediateSize, boolean pruneVocabulary) {
            this(layers, hiddenSize, heads, intermediateSize, pruneVocabulary, Optional.empty());
        }

        /** A Transformer with the default intermediate-layer distillation. */
        public Transformer(int layers, int hiddenSize, int heads, int intermediateSize, boolean pruneVocabulary,
                Optional<Training> training) {
            this(layers, hiddenSize, heads, intermediateSize, pruneVocabulary, training, Optional.empty());
        }

        @Override
        public Transformer pruneVocabulary(boolean prune) {
            return new Transformer(this.layers, this.hiddenSize, this.heads, this.intermediateSize, prune,
                    this.training, this.intermediateDistillation);
        }

        /** A copy that trains with these settings. */
        public Transformer training(Training settings) {
            return new Transformer(this.layers, this.hiddenSize, this.heads, this.intermediateSize,
                    this.pruneVocabulary, Optional.of(Checks.notNull(settings, "student.training")),
                    this.intermediateDistillation);
        }

        /** A copy with these intermediate-layer distillation settings. */
        public Transformer intermediateDistillation(IntermediateDistillation settings) {
            return new Transformer(this.layers, this.hiddenSize, this.heads, this.intermediateSize,
                    this.pruneVocabulary, this.training,
                    Optional.of(Checks.notNull(settings, "student.intermediateDistillation")));
        }

        @Override
        public String toString() {
            return "transformer(layers=" + this.layers + ", hiddenSize=" + this.hiddenSize + ", heads=" + this.heads
                    + ", intermediateSize=" + this.intermediateSize + describe(this.training)
                    + this.intermediateDistillation.map(d -> ", " + d).orElse("") + ")";
        }
    }

    /** A TextCNN; see {@link StudentSpec#textCnn(int, int, int...)}. */
    record TextCnn(int embeddingSize, int filters, List<Integer> kernelSizes, boolean pruneVocabulary,
            Optional<Training> training) implements StudentSpec {

        public TextCnn {
            Checks.notNull(training, "student.training");
            Checks.inRange(embeddingSize, MIN_WIDTH, MAX_WIDTH, "student.embeddingSize");
            Checks.inRange(filters, 1, 4096, "student.filters");
            Checks.notNull(kernelSizes, "student.kernelSizes");
            Checks.inRange(kernelSizes.size(), 1, 8, "student.kernelSizes.size");
            for (int i = 0; i < kernelSizes.size(); i++) {
                Checks.inRange(Checks.notNull(kernelSizes.get(i), "student.kernelSizes[" + i + "]"), 1, 16,
                        "student.kernelSizes[" + i + "]");
            }
            kernelSizes = List.copyOf(kernelSizes);
        }

        /** A TextCNN whose training settings are not pinned. */
        public TextCnn(int embeddingSize, int filters, List<Integer> kernelSizes, boolean pruneVocabulary) {
            this(embeddingSize, filters, kernelSizes, pruneVocabulary, Optional.empty());
        }

        @Override
        public TextCnn pruneVocabulary(boolean prune) {
            return new TextCnn(this.embeddingSize, this.filters, this.kernelSizes, prune, this.training);
        }

        /** A copy that trains with these settings. */
        public TextCnn training(Training settings) {
            return new TextCnn(this.embeddingSize, this.filters, this.kernelSizes, this.pruneVocabulary,
                    Optional.of(Checks.notNull(settings, "student.training")));
        }

        @Override
        public String toString() {
            return "textCnn(embeddingSize=" + this.embeddingSize + ", filters=" + this.filters + ", kernelSizes="
                    + this.kernelSizes + describe(this.training) + ")";
        }
    }

    /** A bag of embeddings; see {@link StudentSpec#bagOfEmbeddings(int, int)}. */
    record BagOfEmbeddings(int embeddingSize, int hiddenSize, boolean pruneVocabulary, Optional<Training> training)
            implements StudentSpec {

        public BagOfEmbeddings {
            Checks.inRange(embeddingSize, MIN_WIDTH, MAX_WIDTH, "student.embeddingSize");
            Checks.inRange(hiddenSize, 1, MAX_WIDTH, "student.hiddenSize");
            Checks.notNull(training, "student.training");
        }

        /** A bag of embeddings whose training settings are not pinned. */
        public BagOfEmbeddings(int embeddingSize, int hiddenSize, boolean pruneVocabulary) {
            this(embeddingSize, hiddenSize, pruneVocabulary, Optional.empty());
        }

        @Override
        public BagOfEmbeddings pruneVocabulary(boolean prune) {
            return new BagOfEmbeddings(this.embeddingSize, this.hiddenSize, prune, this.training);
        }

        /** A copy that trains with these settings. */
        public BagOfEmbeddings training(Training settings) {
            return new BagOfEmbeddings(this.embeddingSize, this.hiddenSize, this.pruneVocabulary,
                    Optional.of(Checks.notNull(settings, "student.training")));
        }

        @Override
        public String toString() {
            return "bagOfEmbeddings(embeddingSize=" + this.embeddingSize + ", hiddenSize=" + this.hiddenSize
                    + describe(this.training) + ")";
        }
    }

    /**
     * Training settings pinned on a fixed student, in place of the defaults: the peak learning rate, the
     * distillation temperature and weight, optionally the number of epochs, and the distillation schedule.
     * With {@code alpha = 0} the student learns from the hard labels only (the teacher's soft targets are not
     * used), which, with everything else equal, measures what distillation adds.
     *
     * <pre>{@code
     * StudentSpec.bagOfEmbeddings(128, 256).training(StudentSpec.Training.of(3e-3f, 2f, 0.5f).epochs(9));
     * StudentSpec.bagOfEmbeddings(128, 256).training(StudentSpec.Training.of(3e-3f, 2f, 0f)); // hard labels only
     * StudentSpec.bagOfEmbeddings(128, 256).training(StudentSpec.Training.of(3e-3f, 4f, 0.5f).epochs(9)
     *     .temperatureAnnealing(true).hardLabelWarmupEpochs(2));
     * }</pre>
     *
     * <p><b>Schedule</b> (classification only: the embedding objectives have no temperature or alpha, and a
     * spec that pins a schedule for {@link DistillationTask#TEXT_EMBEDDING} is refused). With
     * {@code temperatureAnnealing}, the temperature falls linearly with the epoch index from {@code temperature}
     * at the first epoch to 1 at the last one trained (a single epoch keeps {@code temperature}). The first
     * {@code hardLabelWarmupEpochs} epochs train on the hard labels only ({@code alpha = 0}), then
     * {@code alpha} applies; warm-up needs labelled data.
     *
     * <p>Rows without a hard label (augmented copies, for example) teach nothing when {@code alpha = 0} and
     * in warm-up epochs. The epochs are also bounded by the distiller's maximum, which a job checks when it
     * starts, as it checks that the warm-up is shorter than the epochs trained.
     *
     * @param learningRate peak learning rate, in (0, {@value #MAX_LEARNING_RATE}]
     * @param temperature distillation temperature T, in (0, {@value #MAX_TEMPERATURE}]; with annealing, that
     *     of the first epoch
     * @param alpha weight of the teacher's soft targets, in [0, 1]; {@code 1 - alpha} weighs the hard labels
     * @param epochs how many epochs the student trains, 1 to {@value #MAX_EPOCHS}; empty: the distiller's
     *     maximum epochs
     * @param temperatureAnnealing whether the temperature falls linearly to 1 over the epochs; default off
     * @param hardLabelWarmupEpochs how many first epochs train on the hard labels only, 0 (the default) to
     *     fewer than {@code epochs}
     */
    record Training(float learningRate, float temperature, float alpha, OptionalInt epochs,
            boolean temperatureAnnealing, int hardLabelWarmupEpochs) {

        /** Largest {@link #learningRate()}. */
        public static final float MAX_LEARNING_RATE = 1f;

        /** Largest {@link #temperature()}. */
        public static final float MAX_TEMPERATURE = 100f;

        /** Largest {@link #epochs()}. */
        public static final int MAX_EPOCHS = 1000;

        public Training {
            if (!(learningRate > 0 && learningRate <= MAX_LEARNING_RATE)) {
                throw new IllegalArgumentException("student.training.learningRate must be in (0, " + MAX_LEARNING_RATE
                        + "], was " + learningRate);
            }
            if (!(temperature > 0 && temperature <= MAX_TEMPERATURE)) {
                throw new IllegalArgumentException("student.training.temperature must be in (0, " + MAX_TEMPERATURE
                        + "], was " + temperature);
            }
            Checks.probability(alpha, "student.training.alpha");
            Checks.notNull(epochs, "student.training.epochs");
            if (epochs.isPresent()) {
                Checks.inRange(epochs.getAsInt(), 1, MAX_EPOCHS, "student.training.epochs");
            }
            Checks.inRange(hardLabelWarmupEpochs, 0, MAX_EPOCHS - 1, "student.training.hardLabelWarmupEpochs");
            if (epochs.isPresent() && hardLabelWarmupEpochs >= epochs.getAsInt()) {
                throw new IllegalArgumentException("student.training.hardLabelWarmupEpochs must be less than "
                        + "student.training.epochs " + epochs.getAsInt() + ", was " + hardLabelWarmupEpochs);
            }
        }

        /** These settings without a schedule (constant temperature, no warm-up). */
        public Training(float learningRate, float temperature, float alpha, OptionalInt epochs) {
            this(learningRate, temperature, alpha, epochs, false, 0);
        }

        /**
         * These settings for the distiller's maximum epochs, without a schedule.
         * @param learningRate peak learning rate, e.g. {@code 3e-3f}
         * @param temperature distillation temperature, e.g. {@code 2f}
         * @param alpha weight of the soft targets, {@code 0} for hard labels only
         */
        public static Training of(float learningRate, float temperature, float alpha) {
            return new Training(learningRate, temperature, alpha, OptionalInt.empty());
        }

        /** A copy that trains exactly {@code epochs} epochs (early stopping may still end it sooner). */
        public Training epochs(int epochs) {
            return new Training(this.learningRate, this.temperature, this.alpha, OptionalInt.of(epochs),
                    this.temperatureAnnealing, this.hardLabelWarmupEpochs);
        }

        /** A copy whose temperature falls linearly from {@link #temperature()} to 1 over the epochs, or stays. */
        public Training temperatureAnnealing(boolean anneal) {
            return new Training(this.learningRate, this.temperature, this.alpha, this.epochs, anneal,
                    this.hardLabelWarmupEpochs);
        }

        /** A copy whose first {@code epochs} epochs train on the hard labels only. */
        public Training hardLabelWarmupEpochs(int epochs) {
            return new Training(this.learningRate, this.temperature, this.alpha, this.epochs,
                    this.temperatureAnnealing, epochs);
        }

        /** Whether the settings change the temperature or alpha from one epoch to the next. */
        public boolean scheduled() {
            return this.temperatureAnnealing || this.hardLabelWarmupEpochs > 0;
        }

        /** Every setting by name; the schedule only where it is not the default. */
        @Override
        public String toString() {
            return "training(learningRate=" + this.learningRate + ", temperature=" + this.temperature + ", alpha="
                    + this.alpha + (this.epochs.isPresent() ? ", epochs=" + this.epochs.getAsInt() : "")
                    + (this.temperatureAnnealing ? ", temperatureAnnealing=true" : "")
                    + (this.hardLabelWarmupEpochs > 0 ? ", hardLabelWarmupEpochs=" + this.hardLabelWarmupEpochs : "")
                    + ")";
        }
    }

    /**
     * Intermediate-layer distillation (TinyBERT, MiniLM): besides the teacher's output, a Transformer student
     * learns the teacher's hidden states (a mean squared error through a learned projection when the widths
     * differ, dropped at export) and its attention distributions (a KL divergence), student layer {@code i}
     * of {@code M} from teacher layer {@code round(i * N / M)} of {@code N} and the embeddings from the
     * embeddings. The loss is {@code output + hiddenWeight * hidden + attentionWeight * attention}. It needs a
     * teacher of the BERT family as an ONNX encoder, whose forward pass then runs at every training step.
     *
     * <pre>{@code
     * StudentSpec.teacherLayers(2).intermediateDistillation(StudentSpec.IntermediateDistillation.on());
     * StudentSpec.transformer(4, 256, 4, 1024).intermediateDistillation(StudentSpec.IntermediateDistillation.of(1f, 0.5f));
     * StudentSpec.teacherLayers(2).intermediateDistillation(StudentSpec.IntermediateDistillation.off());
     * }</pre>
     *
     * @param enabled whether the student learns the teacher's internals
     * @param hiddenWeight weight of the hidden-state term, in [0, {@value #MAX_WEIGHT}]
     * @param attentionWeight weight of the attention term, in [0, {@value #MAX_WEIGHT}]
     */
    record IntermediateDistillation(boolean enabled, float hiddenWeight, float attentionWeight) {

        /** Largest weight of a term. */
        public static final float MAX_WEIGHT = 1000f;

        /** The default weight of each term, TinyBERT's (every term weighs as much as the output loss). */
        public static final float DEFAULT_WEIGHT = 1f;

        public IntermediateDistillation {
            Checks.inRange(hiddenWeight, 0, MAX_WEIGHT, "student.intermediateDistillation.hiddenWeight");
            Checks.inRange(attentionWeight, 0, MAX_WEIGHT, "student.intermediateDistillation.attentionWeight");
        }

        /** On, with the default weights. */
        public static IntermediateDistillation on() {
            return of(DEFAULT_WEIGHT, DEFAULT_WEIGHT);
        }

        /** On, with these weights. */
        public static IntermediateDistillation of(float hiddenWeight, float attentionWeight) {
            return new IntermediateDistillation(true, hiddenWeight, attentionWeight);
        }

        /** Off: the student learns the teacher's output only. */
        public static IntermediateDistillation off() {
            return new IntermediateDistillation(false, DEFAULT_WEIGHT, DEFAULT_WEIGHT);
        }

        @Override
        public String toString() {
            return this.enabled ? "intermediateDistillation(hiddenWeight=" + this.hiddenWeight + ", attentionWeight="
                    + this.attentionWeight + ")" : "intermediateDistillation(off)";
        }
    }

    private static String describe(Optional<Training> training) {
        return training.map(t -> ", " + t).orElse("");
    }
}
