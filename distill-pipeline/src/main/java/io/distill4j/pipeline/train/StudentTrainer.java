package io.distill4j.pipeline.train;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentModel;

/**
 * Trains a classification student on the teacher's cached logits with {@link DistillationLoss}: AdamW
 * with linear warm-up and linear decay of the learning rate, gradient clipping by global norm,
 * length-bucketed batches (texts of similar length share a batch, so little is padding), validation
 * after every epoch with early stopping, the best epoch's weights restored at the end, progress events
 * with an ETA, and cancellation between batches. Everything random (batch order, dropout through the
 * model's seed) follows {@link Config#seed()}.
 *
 * <pre>{@code
 * StudentTrainer.Result result = new StudentTrainer(StudentTrainer.Config.builder().epochs(20).build())
 *         .train(model, train, validation, progress -> {}, () -> false);
 * }</pre>
 */
public final class StudentTrainer {

    private final Config config;

    public StudentTrainer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Trains {@code model} in place.
     *
     * @param train token ids (unpadded rows), hard labels ({@link DistillationLoss#NO_LABEL} for none) and
     *     the teacher's logits per example
     * @param validation the same for the validation split; scored by accuracy against its hard labels
     *     (or, where a row has none, against the teacher's argmax)
     * @throws DistillationCancelledException if {@code cancelled} turns true
     */
    public Result train(StudentModel model, EncodedSplit train, EncodedSplit validation, Consumer<Progress> progress,
            BooleanSupplier cancelled) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Random random = new Random(this.config.seed());
        int batchesPerEpoch = (train.size() + this.config.batchSize() - 1) / this.config.batchSize();
        int totalSteps = Math.max(1, batchesPerEpoch * this.config.epochs());
        Tracker learningRate = schedule(this.config.learningRate(), (int) Math.round(totalSteps * this.config.warmupShare()),
                totalSteps);
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(DistillationLoss.builder()
                .temperature(this.config.temperature()).alpha(this.config.alpha()).build())
                // DJL's own clipping is off (< 0): its PyTorch kernel clamps from above only. The gradients
                // are clipped by their global norm before each step instead.
                .optOptimizer(Optimizer.adamW().optLearningRateTracker(learningRate)
                        .optWeightDecays(this.config.weightDecay()).optClipGrad(-1f).build())
                .optDevices(new Device[] {Device.cpu()});
        List<EpochRecord> history = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        float[][] bestWeights = null;
        long start = System.nanoTime();
        int step = 0;
        try (Trainer trainer = model.newTrainer(trainingConfig)) {
            for (int epoch = 1; epoch <= this.config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                double lossSum = 0;
                List<int[]> batches = bucketedBatches(train.lengths(), this.config.batchSize(), random);
                for (int[] batch : batches) {
                    if (cancelled.getAsBoolean()) {
                        throw new DistillationCancelledException(null, "Cancelled in training, epoch " + epoch
                                + ", step " + step + " of " + totalSteps);
                    }
                    try (NDManager scope = trainer.getManager().newSubManager()) {
                        NDList inputs = train.inputs(scope, batch);
                        NDList labels = train.labels(scope, batch);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList predictions = trainer.forward(inputs, labels);
                            NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                            lossSum += loss.getFloat() * batch.length;
                            collector.backward(loss);
                        }
                        clipGradientNorm(gradients(model.block(), scope), this.config.clipGradient());
                        trainer.step();
                    }
                    step++;
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    // step >= 1 here: the time per step so far times the steps left.
                    Optional<Duration> eta = Optional.of(
                            Duration.ofMillis((long) (elapsed / step * (totalSteps - step) * 1000)));
                    progress.accept(new Progress(epoch, step, totalSteps, Double.NaN, Double.NaN, eta));
                }
                double trainLoss = lossSum / train.size();
                double score = accuracy(model, validation);
                history.add(new EpochRecord(epoch, trainLoss, score, learningRate.getNewValue(step),
                        Duration.ofNanos(System.nanoTime() - epochStart)));
                progress.accept(new Progress(epoch, step, totalSteps, trainLoss, score, Optional.empty()));
                if (score > best) {
                    best = score;
                    bestEpoch = epoch;
                    bestWeights = snapshot(model);
                }
                else if (epoch - bestEpoch >= this.config.patience()) {
                    break;
                }
            }
        }
        if (bestWeights != null) {
            restore(model, bestWeights);
        }
        return new Result(bestEpoch, history.size(), best, history, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Accuracy of {@code model} on {@code split}, in batches of the configured size. */
    public double accuracy(StudentModel model, EncodedSplit split) {
        int correct = 0;
        for (int from = 0; from < split.size(); from += this.config.batchSize()) {
            int to = Math.min(split.size(), from + this.config.batchSize());
            int[] batch = new int[to - from];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = from + i;
            }
            long[][][] padded = split.padded(batch);
            float[][] logits = model.predict(padded[0], padded[1]);
            for (int i = 0; i < batch.length; i++) {
                if (argmax(logits[i]) == split.target(batch[i])) {
                    correct++;
                }
            }
        }
        return split.size() == 0 ? Double.NaN : (double) correct / split.size();
    }

    /**
     * Batches of indices: shuffled, then sorted by length within windows of 50 batches, cut into batches
     * and the batches shuffled, so each batch holds texts of similar length while the order stays random.
     */
    static List<int[]> bucketedBatches(int[] lengths, int batchSize, Random random) {
        int[] order = new int[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int window = batchSize * 50;
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += window) {
            int to = Math.min(order.length, from + window);
            Integer[] slice = new Integer[to - from];
            for (int i = from; i < to; i++) {
                slice[i - from] = order[i];
            }
            Arrays.sort(slice, (a, b) -> Integer.compare(lengths[a], lengths[b]));
            for (int b = 0; b < slice.length; b += batchSize) {
                int end = Math.min(slice.length, b + batchSize);
                int[] batch = new int[end - b];
                for (int i = b; i < end; i++) {
                    batch[i - b] = slice[i];
                }
                batches.add(batch);
            }
        }
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int[] swap = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, swap);
        }
        return batches;
    }

    /**
     * Scales {@code gradients} in place so that their global L2 norm (the norm of all their elements
     * taken together) is at most {@code maxNorm}, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}:
     * every gradient is multiplied by {@code min(1, maxNorm / (norm + 1e-6))}. Direction is kept and
     * negative components are scaled like positive ones.
     *
     * @return the global norm before clipping
     */
    static float clipGradientNorm(List<NDArray> gradients, float maxNorm) {
        if (gradients.isEmpty()) {
            return 0f;
        }
        float total;
        try (NDManager scope = gradients.get(0).getManager().newSubManager()) {
            // Intermediate results land in scope (freed here); the gradients go back to their manager.
            scope.tempAttachAll(gradients.toArray(new NDArray[0]));
            NDList norms = new NDList(gradients.size());
            for (NDArray gradient : gradients) {
                norms.add(gradient.norm());
            }
            total = NDArrays.stack(norms).norm().getFloat();
        }
        float scale = maxNorm / (total + 1e-6f);
        if (scale < 1f) {
            for (NDArray gradient : gradients) {
                gradient.muli(scale);
            }
        }
        return total;
    }

    /**
     * The gradients of the block's trainable parameters. Each is a view of the parameter's gradient
     * (writing to it changes the gradient); the views are attached to {@code scope}, which frees them.
     */
    private static List<NDArray> gradients(Block block, NDManager scope) {
        List<NDArray> gradients = new ArrayList<>();
        for (Parameter parameter : block.getParameters().values()) {
            if (parameter.requiresGradient()) {
                NDArray gradient = parameter.getArray().getGradient();
                gradient.attach(scope);
                gradients.add(gradient);
            }
        }
        return gradients;
    }

    /** Linear warm-up from 0 to {@code peak} over {@code warmup} updates, then linear decay to 0 at {@code total}. */
    static Tracker schedule(float peak, int warmup, int total) {
        return numUpdate -> {
            if (warmup > 0 && numUpdate < warmup) {
                return peak * (numUpdate + 1) / warmup;
            }
            int decaySteps = Math.max(1, total - warmup);
            float remaining = Math.max(0, total - numUpdate) / (float) decaySteps;
            return Math.max(peak * remaining, peak * 1e-3f);
        };
    }

    private static float[][] snapshot(StudentModel model) {
        ParameterList parameters = model.block().getParameters();
        float[][] copy = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            copy[i] = parameters.get(i).getValue().getArray().toFloatArray();
        }
        return copy;
    }

    private static void restore(StudentModel model, float[][] weights) {
        ParameterList parameters = model.block().getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).getValue().getArray().set(FloatBuffer.wrap(weights[i]));
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Training examples, tokenized: token ids without padding, hard labels and the teacher's logits.
     *
     * @param ids one row of token ids per example (unpadded, at least one id)
     * @param hardLabels the label index per example, {@link DistillationLoss#NO_LABEL} where there is none
     * @param teacher the teacher's logits, one row per example
     */
    public record EncodedSplit(long[][] ids, long[] hardLabels, SoftTargets teacher) {

        public EncodedSplit {
            Objects.requireNonNull(ids, "ids");
            Objects.requireNonNull(hardLabels, "hardLabels");
            Objects.requireNonNull(teacher, "teacher");
            if (ids.length != hardLabels.length || ids.length != teacher.rows()) {
                throw new IllegalArgumentException("ids, hardLabels and teacher must have one row per example: "
                        + ids.length + ", " + hardLabels.length + " and " + teacher.rows());
            }
            for (int i = 0; i < ids.length; i++) {
                if (ids[i].length == 0) {
                    throw new IllegalArgumentException("ids: example " + i + " has no token");
                }
            }
        }

        public int size() {
            return this.ids.length;
        }

        int[] lengths() {
            int[] lengths = new int[this.ids.length];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = this.ids[i].length;
            }
            return lengths;
        }

        /** The class an example should get: its hard label, or the teacher's argmax. */
        int target(int index) {
            return this.hardLabels[index] != DistillationLoss.NO_LABEL ? (int) this.hardLabels[index]
                    : argmax(this.teacher.row(index));
        }

        /** {ids, mask} padded to the longest row of the batch. */
        long[][][] padded(int[] batch) {
            int length = 0;
            for (int index : batch) {
                length = Math.max(length, this.ids[index].length);
            }
            long[][] ids = new long[batch.length][length];
            long[][] mask = new long[batch.length][length];
            for (int i = 0; i < batch.length; i++) {
                long[] row = this.ids[batch[i]];
                System.arraycopy(row, 0, ids[i], 0, row.length);
                Arrays.fill(mask[i], 0, row.length, 1);
            }
            return new long[][][] {ids, mask};
        }

        NDList inputs(NDManager manager, int[] batch) {
            long[][][] padded = padded(batch);
            Shape shape = new Shape(batch.length, padded[0][0].length);
            return new NDList(manager.create(flatten(padded[0]), shape), manager.create(flatten(padded[1]), shape));
        }

        NDList labels(NDManager manager, int[] batch) {
            float[] logits = new float[batch.length * this.teacher.width()];
            this.teacher.rows(batch, logits);
            long[] hard = new long[batch.length];
            for (int i = 0; i < batch.length; i++) {
                hard[i] = this.hardLabels[batch[i]];
            }
            return new NDList(manager.create(logits, new Shape(batch.length, this.teacher.width())),
                    manager.create(hard));
        }

        private static long[] flatten(long[][] rows) {
            long[] flat = new long[rows.length * rows[0].length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
            }
            return flat;
        }
    }

    /**
     * Training progress: after every batch (loss and score NaN) and after every epoch (with the
     * epoch's mean training loss and validation score).
     */
    public record Progress(int epoch, int step, int totalSteps, double trainLoss, double validationScore,
            Optional<Duration> eta) {
    }

    /** One epoch. */
    public record EpochRecord(int epoch, double trainLoss, double validationScore, float learningRate,
            Duration duration) {
    }

    /**
     * The outcome: the model holds the best epoch's weights.
     *
     * @param bestEpoch the epoch whose weights were kept (1-based)
     * @param epochs the epochs run (early stopping may end before the maximum)
     * @param bestValidationScore the best epoch's validation accuracy
     * @param history every epoch
     * @param elapsed wall-clock time
     */
    public record Result(int bestEpoch, int epochs, double bestValidationScore, List<EpochRecord> history,
            Duration elapsed) {

        public Result {
            history = List.copyOf(history);
        }
    }

    /**
     * Training settings.
     *
     * @param epochs most passes over the training split
     * @param batchSize examples per step
     * @param learningRate peak learning rate
     * @param warmupShare share of all steps spent warming up
     * @param weightDecay AdamW's decoupled weight decay
     * @param clipGradient the largest global L2 norm of the gradients: before each step, all gradients
     *     together are scaled by {@code min(1, clipGradient / (norm + 1e-6))}, as PyTorch's
     *     {@code clip_grad_norm_}; {@code Float.POSITIVE_INFINITY} turns clipping off
     * @param temperature distillation temperature T
     * @param alpha weight of the distillation term (1 - alpha weighs the hard labels)
     * @param patience epochs without a better validation score before stopping
     * @param seed seed of the batch order
     */
    public record Config(int epochs, int batchSize, float learningRate, double warmupShare, float weightDecay,
            float clipGradient, float temperature, float alpha, int patience, long seed) {

        public Config {
            positive("epochs", epochs);
            positive("batchSize", batchSize);
            positive("patience", patience);
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
            }
            if (!(warmupShare >= 0 && warmupShare < 1)) {
                throw new IllegalArgumentException("warmupShare must be in [0, 1), was " + warmupShare);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must be >= 0, was " + weightDecay);
            }
            if (!(clipGradient > 0)) {
                throw new IllegalArgumentException("clipGradient must be > 0, was " + clipGradient);
            }
        }

        /** 10 epochs, batch 32, learning rate 2e-3, 10 % warm-up, decay 0.01, clip 1, T = 2, alpha 0.5, patience 3, seed 42. */
        public static Config ofDefaults() {
            return new Config(10, 32, 2e-3f, 0.1, 0.01f, 1f, 2f, 0.5f, 3, 42);
        }

        private static void positive(String field, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be >= 1, was " + value);
            }
        }
    }
}
