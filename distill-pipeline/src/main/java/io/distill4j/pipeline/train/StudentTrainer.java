package io.distill4j.pipeline.train;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;

/**
 * Trains a student on the teacher's cached rows: logits ({@link Objective#CLASSIFICATION}, with
 * {@link DistillationLoss}) or sentence embeddings ({@link Objective#EMBEDDING_MSE},
 * {@link Objective#EMBEDDING_COSINE}, with {@link EmbeddingDistillationLoss}).
 *
 * <ul>
 * <li><b>Optimizer.</b> DJL's AdamW, with a linear warm-up over {@link Config#warmupShare()} of all
 * steps and a linear decay to {@code 1e-3} of the peak at the last step.</li>
 * <li><b>Gradient clipping.</b> Before every step all gradients together are scaled to a global L2
 * norm of at most {@link Config#clipGradient()}, as PyTorch's {@code clip_grad_norm_} (positive and
 * negative components alike). DJL's own clipping is turned off: its PyTorch engine clamps from above
 * only.</li>
 * <li><b>Batches.</b> Length-bucketed: texts of similar length share a batch, so little is padding.</li>
 * <li><b>Validation</b> after every epoch, with early stopping after {@link Config#patience()} epochs
 * without a better score; the best epoch's weights are put back at the end. The score is accuracy for
 * classification and the mean cosine similarity to the teacher's embeddings for the embedding
 * objectives; higher is better for both.</li>
 * <li><b>Embeddings of another width.</b> When the teacher's embeddings are wider or narrower than the
 * student's output, the student is trained through a {@link ProjectionHead} to the teacher's width. The
 * head lives in a DJL model of its own for the duration of {@code train} and is freed afterwards: the
 * {@link StudentModel} keeps only the student, which is what gets exported. Validation scores the
 * projected output.</li>
 * <li><b>Progress and cancellation.</b> A {@link Progress} event after every step (with an ETA from
 * the time per step so far) and after every epoch (with the loss and score); {@code cancelled} is polled
 * before every step and ends the call with a {@link DistillationCancelledException}.</li>
 * <li><b>Checkpoints and resume.</b> With {@link Checkpoints#in(java.nio.file.Path)}, a checkpoint is
 * written after every epoch (atomically: a temporary file moved over the old one) holding the weights,
 * AdamW's moments and update count, the epoch and step, the best score, epoch and weights, the history
 * and a fingerprint (SHA-256 of the configuration, the student's configuration, the trained parameters'
 * names and shapes, and the data: sizes and contents). A call that finds a checkpoint resumes from it;
 * one with another fingerprint, or a damaged one, is refused with a {@link DistillationException} that
 * says why. A finished run's checkpoint gives its result back at once.</li>
 * <li><b>Determinism.</b> Each epoch's batch order and dropout come from {@code seed * 31 + epoch}
 * (PyTorch's random generator is reseeded at the start of every epoch), so a run stopped after epoch
 * k and resumed, in this or another process with a new {@link StudentModel}, ends with bit for bit the
 * weights of a run that was never stopped, on the same machine with the same PyTorch thread settings.
 * PyTorch's generator is process-wide: two trainings at once in one process disturb each other's
 * dropout.</li>
 * </ul>
 *
 * <pre>{@code
 * StudentTrainer trainer = new StudentTrainer(StudentTrainer.Config.builder().epochs(20).build());
 * StudentTrainer.Result result = trainer.train(model, train, validation, progress -> {}, () -> false,
 *         Checkpoints.in(Path.of("work/job-17/checkpoints")));
 * }</pre>
 *
 * <p>A trainer holds only its configuration and may be reused; {@code train} is not meant to run on
 * several threads at once (see determinism). The caller owns and closes the {@link StudentModel}; all
 * native memory {@code train} allocates (DJL trainer, projection head, optimizer state) is released
 * before it returns, by return or by exception.
 */
public final class StudentTrainer {

    private static final NDIndex EVERYTHING = new NDIndex("...");

    private final Config config;

    public StudentTrainer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Trains {@code model} in place, without checkpoints; see {@link #train(StudentModel, EncodedSplit,
     * EncodedSplit, Consumer, BooleanSupplier, Checkpoints)}.
     */
    public Result train(StudentModel model, EncodedSplit train, EncodedSplit validation, Consumer<Progress> progress,
            BooleanSupplier cancelled) {
        return train(model, train, validation, progress, cancelled, Checkpoints.none());
    }

    /**
     * Trains {@code model} in place and leaves it holding the best epoch's weights. With checkpoints, a
     * checkpoint is written after every epoch, and a checkpoint already in the directory is resumed: its
     * weights, optimizer state and history replace the model's, and training goes on with the epoch after
     * it (a finished run returns its result at once). The result is then the one of an uninterrupted run.
     *
     * @param model an open student whose output fits the objective: {@link StudentOutput#LOGITS}, one per
     *     class of the teacher, for classification; {@link StudentOutput#EMBEDDING}, of any width, for the
     *     embedding objectives. When resuming, a new model with the same configuration will do
     * @param train token ids (unpadded rows), hard labels ({@link DistillationLoss#NO_LABEL} for none;
     *     ignored by the embedding objectives) and the teacher's row per example (logits or embedding)
     * @param validation the same for the validation split; for classification scored by accuracy against
     *     its hard labels (or, where a row has none, against the teacher's argmax), for embeddings by the
     *     mean cosine similarity to the teacher's rows
     * @param progress receives an event after every step and after every epoch, on the calling thread
     * @param cancelled polled before every step
     * @param checkpoints where to write and resume checkpoints, or {@link Checkpoints#none()}
     * @throws DistillationCancelledException if {@code cancelled} turns true; the last checkpoint stays
     * @throws DistillationException if a checkpoint cannot be written, or the one found is damaged or
     *     belongs to another run (another fingerprint)
     * @throws IllegalArgumentException if the student does not fit the objective
     * @throws InvalidInputException if a split is empty or the splits' teacher rows differ in width
     */
    public Result train(StudentModel model, EncodedSplit train, EncodedSplit validation, Consumer<Progress> progress,
            BooleanSupplier cancelled, Checkpoints checkpoints) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancelled, "cancelled");
        Objects.requireNonNull(checkpoints, "checkpoints");
        requireFit(model, train, validation);
        Engine engine = PyTorchRuntime.engine();
        try (TrainedBlock trained = TrainedBlock.of(model, this.config, train.teacher().width())) {
            Block block = trained.block();
            Path checkpointFile = checkpoints.file().orElse(null);
            Map<String, String> components = (checkpointFile != null)
                    ? fingerprintComponents(model, block, train, validation) : Map.of();
            String fingerprint = (checkpointFile != null) ? fingerprint(components) : "";
            RunState state = new RunState();
            Map<String, float[][]> savedMoments = new HashMap<>();
            if (checkpointFile != null) {
                TrainingCheckpoint checkpoint = TrainingCheckpoint.read(checkpointFile);
                if (checkpoint != null) {
                    requireSameRun(checkpointFile, checkpoint, fingerprint, components);
                    state.resume(checkpoint, block, savedMoments);
                    if (checkpoint.finished()) {
                        return state.finish(block);
                    }
                }
            }
            int batchesPerEpoch = (train.size() + this.config.batchSize() - 1) / this.config.batchSize();
            int totalSteps = Math.max(1, batchesPerEpoch * this.config.epochs());
            Tracker learningRate = schedule(this.config.learningRate(),
                    (int) Math.round(totalSteps * this.config.warmupShare()), totalSteps);
            // DJL's own clipping is off (< 0): its PyTorch kernel clamps from above only. The gradients are
            // clipped by their global norm before each step instead. The update count continues a resumed run.
            CheckpointedAdamW optimizer = new CheckpointedAdamW(Optimizer.adamW().optLearningRateTracker(learningRate)
                    .optWeightDecays(this.config.weightDecay()).optClipGrad(-1f).optBeginNumUpdate(state.step),
                    savedMoments);
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss())
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            long callStart = System.nanoTime();
            long mark = callStart;
            int firstStep = state.step;
            // The trainer closes first, then the optimizer frees the moments DJL left unowned.
            try (CheckpointedAdamW owned = optimizer; Trainer trainer = trained.newTrainer(trainingConfig)) {
                for (int epoch = state.epoch + 1; epoch <= this.config.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    // Batch order and dropout depend only on (seed, epoch), so a resumed run repeats them.
                    long epochSeed = this.config.seed() * 31 + epoch;
                    Random random = new Random(epochSeed);
                    engine.setRandomSeed((int) (epochSeed ^ (epochSeed >>> 32)));
                    double lossSum = 0;
                    for (int[] batch : bucketedBatches(train.lengths(), this.config.batchSize(), random)) {
                        if (cancelled.getAsBoolean()) {
                            throw new DistillationCancelledException(null, "Cancelled in training, epoch " + epoch
                                    + ", step " + state.step + " of " + totalSteps);
                        }
                        try (NDManager scope = trainer.getManager().newSubManager()) {
                            NDList inputs = train.inputs(scope, batch);
                            NDList labels = train.labels(scope, batch, this.config.objective());
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList predictions = trainer.forward(inputs, labels);
                                NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                                lossSum += loss.getFloat() * batch.length;
                                collector.backward(loss);
                            }
                            clipGradientNorm(gradients(block, scope), this.config.clipGradient());
                            trainer.step();
                        }
                        state.step++;
                        // At least one step ran in this call: the time per step so far times the steps left.
                        double seconds = (System.nanoTime() - callStart) / 1e9;
                        Optional<Duration> eta = Optional.of(Duration.ofMillis(
                                (long) (seconds / (state.step - firstStep) * (totalSteps - state.step) * 1000)));
                        progress.accept(new Progress(epoch, state.step, totalSteps, Double.NaN, Double.NaN, eta));
                    }
                    double trainLoss = lossSum / train.size();
                    double score = score(block, trainer.getManager(), validation);
                    state.history.add(new EpochRecord(epoch, trainLoss, score, learningRate.getNewValue(state.step),
                            Duration.ofNanos(System.nanoTime() - epochStart)));
                    state.epoch = epoch;
                    boolean stop = false;
                    if (score > state.best) {
                        state.best = score;
                        state.bestEpoch = epoch;
                        state.bestWeights = snapshot(block);
                    }
                    else {
                        stop = epoch - state.bestEpoch >= this.config.patience();
                    }
                    long now = System.nanoTime();
                    state.elapsedNanos += now - mark;
                    mark = now;
                    if (checkpointFile != null) {
                        state.checkpoint(fingerprint, components, stop || epoch == this.config.epochs(), block, optimizer)
                                .write(checkpointFile);
                    }
                    progress.accept(new Progress(epoch, state.step, totalSteps, trainLoss, score, Optional.empty()));
                    if (stop) {
                        break;
                    }
                }
            }
            return state.finish(block);
        }
    }

    /** The loss of the configured objective. */
    private Loss loss() {
        return switch (this.config.objective()) {
            case CLASSIFICATION -> DistillationLoss.builder().temperature(this.config.temperature())
                    .alpha(this.config.alpha()).build();
            case EMBEDDING_MSE -> EmbeddingDistillationLoss.mse();
            case EMBEDDING_COSINE -> EmbeddingDistillationLoss.cosine();
        };
    }

    /** Checks that the student, the objective and both splits' teacher rows fit together. */
    private void requireFit(StudentModel model, EncodedSplit train, EncodedSplit validation) {
        if (train.size() == 0) {
            throw new InvalidInputException(null, "train", "the training split holds no example");
        }
        if (validation.size() == 0) {
            throw new InvalidInputException(null, "validation", "the validation split holds no example; early stopping"
                    + " and the choice of the best epoch need one");
        }
        if (validation.teacher().width() != train.teacher().width()) {
            throw new InvalidInputException(null, "validation", "the teacher's rows are " + validation.teacher().width()
                    + " wide in the validation split but " + train.teacher().width() + " in the training split");
        }
        StudentConfig student = model.config();
        Objective objective = this.config.objective();
        int width = train.teacher().width();
        if (objective == Objective.CLASSIFICATION) {
            if (student.output() != StudentOutput.LOGITS || student.outputSize() != width) {
                throw new IllegalArgumentException("objective CLASSIFICATION needs a student with " + width
                        + " logits (the teacher's classes), got " + student.outputSize() + " " + student.output());
            }
        }
        else if (student.output() != StudentOutput.EMBEDDING) {
            throw new IllegalArgumentException("objective " + objective + " needs a student whose output is "
                    + StudentOutput.EMBEDDING + ", got " + student.output());
        }
    }

    /**
     * The validation score of the trained block (the student, or the student and its projection):
     * accuracy for {@link Objective#CLASSIFICATION}, else the mean cosine similarity to the teacher's
     * embeddings. Inference mode: no dropout, no gradients.
     */
    private double score(Block block, NDManager manager, EncodedSplit split) {
        double sum = 0;
        for (int from = 0; from < split.size(); from += this.config.batchSize()) {
            int[] batch = range(from, Math.min(split.size(), from + this.config.batchSize()));
            float[][] outputs = forward(block, manager, split, batch);
            for (int i = 0; i < batch.length; i++) {
                sum += (this.config.objective() == Objective.CLASSIFICATION)
                        ? (argmax(outputs[i]) == split.target(batch[i]) ? 1 : 0)
                        : cosine(outputs[i], split.teacher().row(batch[i]));
            }
        }
        return split.size() == 0 ? Double.NaN : sum / split.size();
    }

    private static float[][] forward(Block block, NDManager parent, EncodedSplit split, int[] batch) {
        try (NDManager scope = parent.newSubManager()) {
            NDArray out = block.forward(new ParameterStore(scope, false), split.inputs(scope, batch), false)
                    .singletonOrThrow();
            float[] flat = out.toFloatArray();
            int width = (int) out.getShape().get(1);
            float[][] rows = new float[batch.length][width];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(flat, i * width, rows[i], 0, width);
            }
            return rows;
        }
    }

    /** {@code cos(a, b)}, each norm clamped to at least 1e-8 as in {@link EmbeddingDistillationLoss}. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return dot / (Math.max(Math.sqrt(normA), 1e-8) * Math.max(Math.sqrt(normB), 1e-8));
    }

    private static int[] range(int from, int to) {
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return indices;
    }

    /**
     * The output of {@code model} for every row of {@code split}, in padded batches of the configured size
     * (inference mode).
     */
    public float[][] predict(StudentModel model, EncodedSplit split) {
        float[][] outputs = new float[split.size()][];
        for (int from = 0; from < split.size(); from += this.config.batchSize()) {
            int[] batch = range(from, Math.min(split.size(), from + this.config.batchSize()));
            long[][][] padded = split.padded(batch);
            float[][] rows = model.predict(padded[0], padded[1]);
            System.arraycopy(rows, 0, outputs, from, rows.length);
        }
        return outputs;
    }

    /** Accuracy of {@code model} on {@code split}, in batches of the configured size. */
    public double accuracy(StudentModel model, EncodedSplit split) {
        float[][] logits = predict(model, split);
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            correct += argmax(logits[i]) == split.target(i) ? 1 : 0;
        }
        return split.size() == 0 ? Double.NaN : (double) correct / split.size();
    }

    /**
     * The validation score of a trained {@code model} as training measures it: {@link #accuracy} for
     * {@link Objective#CLASSIFICATION}, else the mean cosine similarity of its output to the teacher's
     * rows (the training-only projection is gone, so the output must be as wide as the teacher's).
     *
     * @throws IllegalArgumentException if an embedding student's output is narrower or wider than the teacher's
     */
    public double score(StudentModel model, EncodedSplit split) {
        if (this.config.objective() == Objective.CLASSIFICATION) {
            return accuracy(model, split);
        }
        if (model.config().outputSize() != split.teacher().width()) {
            throw new IllegalArgumentException("the student's output width " + model.config().outputSize()
                    + " differs from the teacher's " + split.teacher().width() + "; score it with its projection");
        }
        float[][] vectors = predict(model, split);
        double sum = 0;
        for (int i = 0; i < vectors.length; i++) {
            sum += cosine(vectors[i], split.teacher().row(i));
        }
        return split.size() == 0 ? Double.NaN : sum / split.size();
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

    private static float[][] snapshot(Block block) {
        ParameterList parameters = block.getParameters();
        float[][] copy = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            copy[i] = parameters.get(i).getValue().getArray().toFloatArray();
        }
        return copy;
    }

    private static void restore(Block block, float[][] weights) {
        ParameterList parameters = block.getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            copyInto(parameters.get(i).getValue().getArray(), weights[i]);
        }
    }

    /**
     * Copies {@code values} into {@code target}'s own memory. ({@code NDArray.set(Buffer)} would instead
     * make the tensor use a Java buffer as its storage, with another alignment than PyTorch's allocator
     * gives; a resumed run keeps its arrays where an uninterrupted one has them.)
     */
    public static void copyInto(NDArray target, float[] values) {
        // PyTorch's grad mode is per thread and on by default in a new one (a distiller's worker): an
        // in-place write into a parameter that requires grad is refused there unless grad mode is off.
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDArray source = target.getManager().create(values, target.getShape())) {
            target.set(EVERYTHING, source);
        }
        finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * What identifies a run: the configuration, the student, the trained parameters and the data. A
     * checkpoint resumes only a run whose components are all equal.
     */
    private Map<String, String> fingerprintComponents(StudentModel model, Block block, EncodedSplit train,
            EncodedSplit validation) {
        Map<String, String> components = new TreeMap<>();
        components.put("trainer", this.config.toString());
        components.put("student", model.block().getClass().getSimpleName() + " " + model.config());
        StringBuilder parameters = new StringBuilder();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            parameters.append(parameters.length() == 0 ? "" : ", ").append(parameter.getKey())
                    .append(parameter.getValue().getArray().getShape());
        }
        components.put("parameters", parameters.toString());
        components.put("data", "train " + train.size() + " rows, validation " + validation.size()
                + " rows, teacher width " + train.teacher().width() + ", SHA-256 " + dataDigest(train, validation));
        return components;
    }

    private static String fingerprint(Map<String, String> components) {
        MessageDigest digest = sha256();
        components.forEach((key, value) -> digest.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of both splits' token ids, hard labels and teacher rows. */
    private static String dataDigest(EncodedSplit... splits) {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (EncodedSplit split : splits) {
            for (int i = 0; i < split.size(); i++) {
                long[] ids = split.ids()[i];
                float[] targets = split.teacher().row(i);
                int bytes = Integer.BYTES + (ids.length + 1) * Long.BYTES + targets.length * Float.BYTES;
                if (buffer.remaining() < bytes) {
                    digest.update(buffer.flip());
                    buffer.clear();
                    if (buffer.capacity() < bytes) {
                        buffer = ByteBuffer.allocate(bytes);
                    }
                }
                buffer.putInt(ids.length);
                for (long id : ids) {
                    buffer.putLong(id);
                }
                buffer.putLong(split.hardLabels()[i]);
                for (float value : targets) {
                    buffer.putFloat(value);
                }
            }
        }
        digest.update(buffer.flip());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("Every Java platform has SHA-256", ex);
        }
    }

    private static void requireSameRun(Path file, TrainingCheckpoint checkpoint, String fingerprint,
            Map<String, String> components) {
        if (checkpoint.fingerprint().equals(fingerprint)) {
            return;
        }
        StringBuilder differences = new StringBuilder();
        for (Map.Entry<String, String> component : components.entrySet()) {
            String theirs = checkpoint.components().get(component.getKey());
            if (!component.getValue().equals(theirs)) {
                differences.append("; ").append(component.getKey()).append(": checkpoint has ").append(theirs)
                        .append(", this run has ").append(component.getValue());
            }
        }
        throw new DistillationException(null, "The training checkpoint " + file + " belongs to another run: its"
                + " fingerprint is " + checkpoint.fingerprint() + ", this run's is " + fingerprint + differences
                + ". Use another checkpoint directory, or delete the checkpoint to train from the start.", null);
    }

    /**
     * The block being trained and who owns it: the student itself, or, for an embedding objective whose
     * teacher is wider or narrower than the student, the student followed by a {@link ProjectionHead} in
     * a DJL model of its own. That model holds only the head's parameters (the student's stay in the
     * {@link StudentModel}); closing this frees the head, so the projection never reaches the exported
     * student.
     */
    private static final class TrainedBlock implements AutoCloseable {

        private final StudentModel student;

        private final Block block;

        private final Model projectionModel;

        private TrainedBlock(StudentModel student, Block block, Model projectionModel) {
            this.student = student;
            this.block = block;
            this.projectionModel = projectionModel;
        }

        static TrainedBlock of(StudentModel student, Config config, int teacherWidth) {
            if (config.objective() == Objective.CLASSIFICATION || student.config().outputSize() == teacherWidth) {
                return new TrainedBlock(student, student.block(), null);
            }
            SequentialBlock block = new SequentialBlock().add(student.block()).add(new ProjectionHead(teacherWidth));
            Model model = Model.newInstance(student.config().architecture() + "+projection", Device.cpu(),
                    PyTorchRuntime.ENGINE_NAME);
            try {
                model.setBlock(block);
                // The head's initial weights follow the seed; the student's parameters are initialised already.
                PyTorchRuntime.engine().setRandomSeed((int) (config.seed() ^ (config.seed() >>> 32)));
                block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
                return new TrainedBlock(student, block, model);
            }
            catch (RuntimeException ex) {
                model.close();
                throw ex;
            }
        }

        Block block() {
            return this.block;
        }

        Trainer newTrainer(TrainingConfig trainingConfig) {
            if (this.projectionModel == null) {
                return this.student.newTrainer(trainingConfig);
            }
            Trainer trainer = this.projectionModel.newTrainer(trainingConfig);
            try {
                trainer.initialize(new Shape(1, 1), new Shape(1, 1));
                return trainer;
            }
            catch (RuntimeException ex) {
                trainer.close();
                throw ex;
            }
        }

        @Override
        public void close() {
            if (this.projectionModel != null) {
                this.projectionModel.close();
            }
        }
    }

    /** Where a run stands: what a checkpoint holds, as plain Java values. */
    private static final class RunState {

        private int epoch;

        private int step;

        private final List<EpochRecord> history = new ArrayList<>();

        private double best = Double.NEGATIVE_INFINITY;

        private int bestEpoch;

        private float[][] bestWeights;

        private long elapsedNanos;

        /** Loads {@code checkpoint}: the block's weights, this state, and the optimizer's moments by parameter id. */
        void resume(TrainingCheckpoint checkpoint, Block block, Map<String, float[][]> moments) {
            ParameterList parameters = block.getParameters();
            List<TrainingCheckpoint.ParameterState> saved = checkpoint.parameters();
            if (saved.size() != parameters.size()) {
                throw new DistillationException(null, "The training checkpoint holds " + saved.size()
                        + " parameters, the model has " + parameters.size(), null);
            }
            for (int i = 0; i < saved.size(); i++) {
                long size = parameters.get(i).getValue().getArray().size();
                if (!saved.get(i).name().equals(parameters.keys().get(i)) || saved.get(i).weights().length != size) {
                    throw new DistillationException(null, "The training checkpoint's parameter " + i + " is "
                            + saved.get(i).name() + " with " + saved.get(i).weights().length + " values, the model's is "
                            + parameters.keys().get(i) + " with " + size, null);
                }
            }
            float[][] weights = new float[saved.size()][];
            boolean hasBest = !saved.isEmpty() && saved.get(0).best() != null;
            float[][] best = hasBest ? new float[saved.size()][] : null;
            for (int i = 0; i < saved.size(); i++) {
                TrainingCheckpoint.ParameterState parameter = saved.get(i);
                weights[i] = parameter.weights();
                if (hasBest) {
                    best[i] = parameter.best();
                }
                if (parameter.firstMoment() != null && parameter.secondMoment() != null) {
                    moments.put(parameters.get(i).getValue().getId(), new float[][] {parameter.firstMoment(), parameter.secondMoment()});
                }
            }
            restore(block, weights);
            this.epoch = checkpoint.epoch();
            this.step = checkpoint.step();
            this.history.addAll(checkpoint.history());
            this.best = checkpoint.bestScore();
            this.bestEpoch = checkpoint.bestEpoch();
            this.bestWeights = best;
            this.elapsedNanos = checkpoint.elapsedNanos();
        }

        TrainingCheckpoint checkpoint(String fingerprint, Map<String, String> components, boolean finished, Block block,
                CheckpointedAdamW optimizer) {
            ParameterList parameters = block.getParameters();
            List<TrainingCheckpoint.ParameterState> saved = new ArrayList<>(parameters.size());
            for (int i = 0; i < parameters.size(); i++) {
                Parameter parameter = parameters.get(i).getValue();
                float[][] moments = optimizer.moments(parameter.getId());
                saved.add(new TrainingCheckpoint.ParameterState(parameters.keys().get(i),
                        parameter.getArray().getShape().getShape(), parameter.getArray().toFloatArray(),
                        moments != null ? moments[0] : null, moments != null ? moments[1] : null,
                        this.bestWeights != null ? this.bestWeights[i] : null));
            }
            return new TrainingCheckpoint(fingerprint, components, this.epoch, this.step, finished, this.best,
                    this.bestEpoch, this.elapsedNanos, this.history, saved);
        }

        /** Puts the best epoch's weights into the block and describes the run. */
        Result finish(Block block) {
            if (this.bestWeights != null) {
                restore(block, this.bestWeights);
            }
            return new Result(this.bestEpoch, this.history.size(), this.best, this.history,
                    Duration.ofNanos(this.elapsedNanos));
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

    /** What the student learns from the teacher's rows. */
    public enum Objective {

        /**
         * The teacher's rows are logits: {@link DistillationLoss} (soft targets at temperature T, plus the
         * hard labels weighted {@code 1 - alpha}); validation scores accuracy.
         */
        CLASSIFICATION,

        /**
         * The teacher's rows are sentence embeddings: {@link EmbeddingDistillationLoss#mse()}; hard labels,
         * temperature and alpha are not used; validation scores the mean cosine similarity.
         */
        EMBEDDING_MSE,

        /**
         * The teacher's rows are sentence embeddings: {@link EmbeddingDistillationLoss#cosine()}; hard
         * labels, temperature and alpha are not used; validation scores the mean cosine similarity.
         */
        EMBEDDING_COSINE;

        /** Whether the teacher's rows are embeddings. */
        public boolean isEmbedding() {
            return this != CLASSIFICATION;
        }
    }

    /**
     * Training examples, tokenized: token ids without padding, hard labels and the teacher's rows. The
     * arrays are used as given, not copied: do not change them while a training runs.
     *
     * @param ids one row of token ids per example (unpadded, at least one id)
     * @param hardLabels the label index per example, {@link DistillationLoss#NO_LABEL} where there is none
     * @param teacher the teacher's logits or embedding, one row per example
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

        /** Examples without hard labels, e.g. for the embedding objectives. */
        public static EncodedSplit unlabelled(long[][] ids, SoftTargets teacher) {
            long[] hardLabels = new long[Objects.requireNonNull(ids, "ids").length];
            Arrays.fill(hardLabels, DistillationLoss.NO_LABEL);
            return new EncodedSplit(ids, hardLabels, teacher);
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

        /**
         * The rows named by {@code batch} as {@code {ids, mask}}, padded with id 0 and mask 0 to the longest
         * of them: the input of {@link StudentModel#predict}.
         */
        public long[][][] padded(int[] batch) {
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

        /** The teacher's rows, then (for classification) the hard labels. */
        NDList labels(NDManager manager, int[] batch, Objective objective) {
            float[] rows = new float[batch.length * this.teacher.width()];
            this.teacher.rows(batch, rows);
            NDArray teacherRows = manager.create(rows, new Shape(batch.length, this.teacher.width()));
            if (objective.isEmbedding()) {
                return new NDList(teacherRows);
            }
            long[] hard = new long[batch.length];
            for (int i = 0; i < batch.length; i++) {
                hard[i] = this.hardLabels[batch[i]];
            }
            return new NDList(teacherRows, manager.create(hard));
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
     * Training progress: after every step (loss and score NaN, ETA present) and after every epoch (the
     * epoch's mean training loss and validation score, no ETA). After a resume, {@code step} counts from
     * the start of the run, not of the call.
     */
    public record Progress(int epoch, int step, int totalSteps, double trainLoss, double validationScore,
            Optional<Duration> eta) {
    }

    /**
     * One epoch.
     * @param trainLoss the mean training loss over the epoch's examples
     * @param validationScore see {@link Result#bestValidationScore()}
     * @param learningRate the learning rate after the epoch's last step
     */
    public record EpochRecord(int epoch, double trainLoss, double validationScore, float learningRate,
            Duration duration) {
    }

    /**
     * The outcome: the model holds the best epoch's weights.
     *
     * @param bestEpoch the epoch whose weights were kept (1-based)
     * @param epochs the epochs run (early stopping may end before the maximum)
     * @param bestValidationScore the best epoch's validation score, higher is better: accuracy for
     *     {@link Objective#CLASSIFICATION}, the mean cosine similarity between the student's (projected)
     *     embeddings and the teacher's, in {@code [-1, 1]}, for the embedding objectives
     * @param history every epoch, those before a resume included
     * @param elapsed training time until the last epoch ended, summed over resumed calls
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
     * @param temperature distillation temperature T (classification only)
     * @param alpha weight of the distillation term, 1 - alpha weighs the hard labels (classification only)
     * @param patience epochs without a better validation score before stopping
     * @param seed seed of everything random: the batch order and dropout of each epoch (from {@code seed * 31
     *     + epoch}) and a projection head's initial weights (the student's come from its own seed)
     * @param objective what the teacher's rows are and which loss and validation score follow
     */
    public record Config(int epochs, int batchSize, float learningRate, double warmupShare, float weightDecay,
            float clipGradient, float temperature, float alpha, int patience, long seed, Objective objective) {

        public Config {
            Objects.requireNonNull(objective, "objective");
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
            if (!(temperature > 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and > 0, was " + temperature);
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
            }
        }

        /** A classification configuration: {@link Objective#CLASSIFICATION}, the other settings as given. */
        public Config(int epochs, int batchSize, float learningRate, double warmupShare, float weightDecay,
                float clipGradient, float temperature, float alpha, int patience, long seed) {
            this(epochs, batchSize, learningRate, warmupShare, weightDecay, clipGradient, temperature, alpha, patience,
                    seed, Objective.CLASSIFICATION);
        }

        /**
         * 10 epochs, batch 32, learning rate 2e-3, 10 % warm-up, decay 0.01, max gradient norm 1, T = 2,
         * alpha 0.5, patience 3, seed 42, {@link Objective#CLASSIFICATION}.
         */
        public static Config ofDefaults() {
            return new Config(10, 32, 2e-3f, 0.1, 0.01f, 1f, 2f, 0.5f, 3, 42, Objective.CLASSIFICATION);
        }

        /** A builder starting from {@link #ofDefaults()}. */
        public static Builder builder() {
            return new Builder(ofDefaults());
        }

        /** A builder starting from this configuration. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        private static void positive(String field, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be >= 1, was " + value);
            }
        }

        /** Builder for {@link Config}; every setting starts at its {@link #ofDefaults()} value. */
        public static final class Builder {

            private int epochs;

            private int batchSize;

            private float learningRate;

            private double warmupShare;

            private float weightDecay;

            private float clipGradient;

            private float temperature;

            private float alpha;

            private int patience;

            private long seed;

            private Objective objective;

            private Builder(Config from) {
                this.epochs = from.epochs;
                this.batchSize = from.batchSize;
                this.learningRate = from.learningRate;
                this.warmupShare = from.warmupShare;
                this.weightDecay = from.weightDecay;
                this.clipGradient = from.clipGradient;
                this.temperature = from.temperature;
                this.alpha = from.alpha;
                this.patience = from.patience;
                this.seed = from.seed;
                this.objective = from.objective;
            }

            public Builder epochs(int epochs) {
                this.epochs = epochs;
                return this;
            }

            public Builder batchSize(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder learningRate(float learningRate) {
                this.learningRate = learningRate;
                return this;
            }

            public Builder warmupShare(double warmupShare) {
                this.warmupShare = warmupShare;
                return this;
            }

            public Builder weightDecay(float weightDecay) {
                this.weightDecay = weightDecay;
                return this;
            }

            public Builder clipGradient(float clipGradient) {
                this.clipGradient = clipGradient;
                return this;
            }

            public Builder temperature(float temperature) {
                this.temperature = temperature;
                return this;
            }

            public Builder alpha(float alpha) {
                this.alpha = alpha;
                return this;
            }

            public Builder patience(int patience) {
                this.patience = patience;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            public Builder objective(Objective objective) {
                this.objective = objective;
                return this;
            }

            /** @throws IllegalArgumentException naming the first setting out of range */
            public Config build() {
                return new Config(this.epochs, this.batchSize, this.learningRate, this.warmupShare, this.weightDecay,
                        this.clipGradient, this.temperature, this.alpha, this.patience, this.seed, this.objective);
            }
        }
    }
}
