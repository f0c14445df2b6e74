package io.distill4j.pipeline.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.similarity.Similarity;
import io.distill4j.pipeline.report.EpochRecord;
import io.distill4j.pipeline.student.LayeredBlock;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;

/**
 * Trains a student on the teacher's cached rows: logits ({@link Objective#CLASSIFICATION}, with
 * {@link DistillationLoss}) or sentence embeddings ({@link Objective#EMBEDDING_MSE},
 * {@link Objective#EMBEDDING_COSINE}, with {@link EmbeddingDistillationLoss}).
 *
 * <ul>
 * <li><b>Optimizer.</b> DJL's AdamW, with a linear warm-up over {@link TrainerConfig#warmupShare()} of all
 * steps and a linear decay to {@code 1e-3} of the peak at the last step; with
 * {@link TrainerConfig#layerDecay()} below 1, lower layers learn at lower rates ({@link LayerwiseDecay}).</li>
 * <li><b>Gradient clipping.</b> Before every step all gradients together are scaled to a global L2
 * norm of at most {@link TrainerConfig#clipGradient()}, as PyTorch's {@code clip_grad_norm_} (positive and
 * negative components alike). DJL's own clipping is turned off: its PyTorch engine clamps from above
 * only.</li>
 * <li><b>Batches.</b> Length-bucketed: texts of similar length share a batch, so little is padding.</li>
 * <li><b>Validation</b> after every epoch, with early stopping after {@link TrainerConfig#patience()} epochs
 * without a better score; the best epoch's weights are put back at the end. The score is accuracy for
 * classification and the mean cosine similarity to the teacher's embeddings for the embedding
 * objectives; higher is better for both.</li>
 * <li><b>Embeddings of another width.</b> When the teacher's embeddings are wider or narrower than the
 * student's output, the student is trained through a {@link ProjectionHead} to the teacher's width. The
 * head lives in a DJL model of its own for the duration of {@code train} and is freed afterwards: the
 * {@link StudentModel} keeps only the student, which is what gets exported. Validation scores the
 * projected output.</li>
 * <li><b>The teacher's internals</b> (optional, {@link IntermediateTraining}): a Transformer student
 * ({@link LayeredBlock}) also learns a frozen teacher's hidden states and attention with
 * {@link IntermediateDistillationLoss}. The teacher runs on each batch before the gradient collector opens
 * (no graph is recorded for it); the hidden-state projection {@code H_s -> H_t} is trained in the projections'
 * model of its own ({@link TrainedBlock}), so it is in every checkpoint with its AdamW moments and is never
 * exported. The run's fingerprint includes the settings, the teacher's shape and the layer mapping, and the
 * epoch events carry the mean of each loss term. Without it, training is exactly what it was.</li>
 * <li><b>Distillation schedule</b> (classification): the temperature annealed to 1 and a warm-up on the
 * hard labels, epoch by epoch, as {@link TrainerConfig} sets them ({@link DistillationSchedule}).</li>
 * <li><b>Progress and cancellation.</b> A {@link TrainingProgress} event after every step (with an ETA
 * from the time per step so far) and after every epoch (with the loss and score); {@code cancelled} is polled
 * before every step and ends the call with a {@link DistillationCancelledException}.</li>
 * <li><b>Checkpoints and resume.</b> With {@link Checkpoints#in(java.nio.file.Path)}, a checkpoint is
 * written after every epoch (atomically: a temporary file moved over the old one) holding the weights,
 * AdamW's moments and update count, the epoch and step, the best score, epoch and weights, the history
 * and a {@link RunFingerprint} (of the configuration, the student's configuration, the trained
 * parameters' names and shapes, and the data: sizes and contents). A call that finds a checkpoint resumes from it;
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
 * StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(20).build());
 * TrainingResult result = trainer.train(model, train, validation, progress -> {}, () -> false,
 *         Checkpoints.in(Path.of("work/job-17/checkpoints")));
 * }</pre>
 *
 * <p>A trainer holds only its configuration and may be reused; {@code train} is not meant to run on
 * several threads at once (see determinism). The caller owns and closes the {@link StudentModel}; all
 * native memory {@code train} allocates (DJL trainer, projection head, optimizer state) is released
 * before it returns, by return or by exception.
 */
public final class StudentTrainer {

    private final TrainerConfig config;

    private final IntermediateTraining intermediate;

    public StudentTrainer(TrainerConfig config) {
        this(config, Optional.empty());
    }

    /**
     * A trainer that also distils the teacher's hidden states and attention when {@code intermediate} is
     * present (see {@link IntermediateDistillationLoss}); the student must then be a
     * {@link LayeredBlock}. The trainer does not close the teacher's internals.
     */
    public StudentTrainer(TrainerConfig config, Optional<IntermediateTraining> intermediate) {
        this.config = Objects.requireNonNull(config, "config");
        this.intermediate = Objects.requireNonNull(intermediate, "intermediate").orElse(null);
    }

    /**
     * Trains {@code model} in place, without checkpoints; see {@link #train(StudentModel, EncodedSplit,
     * EncodedSplit, Consumer, BooleanSupplier, Checkpoints)}.
     */
    public TrainingResult train(StudentModel model, EncodedSplit train, EncodedSplit validation,
            Consumer<TrainingProgress> progress, BooleanSupplier cancelled) {
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
     * @throws IllegalArgumentException if the student does not fit the objective, or a hard-label warm-up is
     *     asked for but no training row has a hard label
     * @throws InvalidInputException if a split is empty or the splits' teacher rows differ in width
     */
    public TrainingResult train(StudentModel model, EncodedSplit train, EncodedSplit validation,
            Consumer<TrainingProgress> progress, BooleanSupplier cancelled, Checkpoints checkpoints) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(cancelled, "cancelled");
        Objects.requireNonNull(checkpoints, "checkpoints");
        requireFit(model, train, validation);
        Engine engine = PyTorchRuntime.engine();
        try (TrainedBlock trained = TrainedBlock.of(model, this.config, train.teacher().width(), this.intermediate)) {
            Block block = trained.block();
            Path checkpointFile = checkpoints.file().orElse(null);
            RunFingerprint fingerprint = (checkpointFile != null) ? fingerprint(model, block, train, validation) : null;
            RunState state = new RunState();
            Map<String, float[][]> savedMoments = new HashMap<>();
            if (checkpointFile != null) {
                TrainingCheckpoint checkpoint = TrainingCheckpoint.read(checkpointFile);
                if (checkpoint != null) {
                    requireSameRun(checkpointFile, checkpoint, fingerprint);
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
            ParameterTracker rates = (this.config.layerDecay() == 1f) ? learningRate
                    : LayerwiseDecay.of(block, this.config.layerDecay(), learningRate);
            CheckpointedAdamW optimizer = new CheckpointedAdamW(Optimizer.adamW().optLearningRateTracker(rates)
                    .optWeightDecays(this.config.weightDecay()).optClipGrad(-1f).optBeginNumUpdate(state.step),
                    savedMoments);
            EpochLoss loss = EpochLoss.of(this.config, this.intermediate, model);
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss.loss())
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
                    loss.startEpoch(epoch);
                    for (int[] batch : LengthBuckets.batches(train.lengths(), this.config.batchSize(), random)) {
                        if (cancelled.getAsBoolean()) {
                            throw new DistillationCancelledException(null, "Cancelled in training, epoch " + epoch
                                    + ", step " + state.step + " of " + totalSteps);
                        }
                        try (NDManager scope = trainer.getManager().newSubManager()) {
                            NDList inputs = train.inputs(scope, batch);
                            NDList labels = train.labels(scope, batch, this.config.objective());
                            if (this.intermediate != null) {
                                // The frozen teacher runs outside the gradient collector: no graph is recorded.
                                labels.add(inputs.get(1));
                                labels.addAll(this.intermediate.teacher().forward(scope, inputs.get(0), inputs.get(1)));
                            }
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDList predictions = trainer.forward(inputs, labels);
                                collector.backward(loss.evaluate(labels, predictions, batch.length));
                            }
                            clipGradientNorm(gradients(block, scope), this.config.clipGradient());
                            trainer.step();
                        }
                        state.step++;
                        // At least one step ran in this call: the time per step so far times the steps left.
                        double seconds = (System.nanoTime() - callStart) / 1e9;
                        Optional<Duration> eta = Optional.of(Duration.ofMillis(
                                (long) (seconds / (state.step - firstStep) * (totalSteps - state.step) * 1000)));
                        progress.accept(
                                new TrainingProgress(epoch, state.step, totalSteps, Double.NaN, Double.NaN, eta));
                    }
                    double trainLoss = loss.epochMean(train.size());
                    double score = score(block, trainer.getManager(), validation);
                    state.history.add(new EpochRecord(epoch, trainLoss, score, learningRate.getNewValue(state.step),
                            Duration.ofNanos(System.nanoTime() - epochStart)));
                    state.epoch = epoch;
                    boolean stop = false;
                    if (score > state.best) {
                        state.best = score;
                        state.bestEpoch = epoch;
                        state.bestWeights = BlockWeights.snapshot(block);
                    }
                    else {
                        stop = epoch - state.bestEpoch >= this.config.patience();
                    }
                    long now = System.nanoTime();
                    state.elapsedNanos += now - mark;
                    mark = now;
                    if (checkpointFile != null) {
                        state.checkpoint(fingerprint.hash(), fingerprint.components(), stop || epoch == this.config.epochs(), block, optimizer)
                                .write(checkpointFile);
                    }
                    progress.accept(new TrainingProgress(epoch, state.step, totalSteps, trainLoss, score,
                            Optional.empty(), loss.epochParts(train.size())));
                    if (stop) {
                        break;
                    }
                }
            }
            return state.finish(block);
        }
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
        if (this.intermediate != null && !(model.block() instanceof LayeredBlock)) {
            throw new IllegalArgumentException("intermediate-layer distillation needs a student with hidden states and"
                    + " attention (a transformer), got " + student.architecture());
        }
        if (this.config.hardLabelWarmupEpochs() > 0 && !train.hasHardLabels()) {
            throw new IllegalArgumentException("hardLabelWarmupEpochs " + this.config.hardLabelWarmupEpochs()
                    + " trains on the hard labels, but no row of the training split has one; set it to 0");
        }
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
                        ? (EncodedSplit.argmax(outputs[i]) == split.target(batch[i]) ? 1 : 0)
                        : Similarity.cosine(outputs[i], split.teacher().row(batch[i]));
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
            correct += EncodedSplit.argmax(logits[i]) == split.target(i) ? 1 : 0;
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
            sum += Similarity.cosine(vectors[i], split.teacher().row(i));
        }
        return split.size() == 0 ? Double.NaN : sum / split.size();
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

    /**
     * What identifies a run: the configuration, the student, the trained parameters and the data. A
     * checkpoint resumes only a run whose components are all equal.
     */
    private RunFingerprint fingerprint(StudentModel model, Block block, EncodedSplit train, EncodedSplit validation) {
        Map<String, String> components = new TreeMap<>();
        components.put("trainer", this.config.toString());
        components.put("student", model.block().getClass().getSimpleName() + " " + model.config());
        StringBuilder parameters = new StringBuilder();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            parameters.append(parameters.length() == 0 ? "" : ", ").append(parameter.getKey())
                    .append(parameter.getValue().getArray().getShape());
        }
        components.put("parameters", parameters.toString());
        if (this.intermediate != null) {
            components.put("intermediate", this.intermediate.describe(((LayeredBlock) model.block()).layers()));
        }
        components.put("data", "train " + train.size() + " rows, validation " + validation.size()
                + " rows, teacher width " + train.teacher().width() + ", SHA-256 "
                + RunFingerprint.data(List.of(train, validation)));
        return RunFingerprint.of(components);
    }

    private static void requireSameRun(Path file, TrainingCheckpoint checkpoint, RunFingerprint fingerprint) {
        String hash = fingerprint.hash();
        if (checkpoint.fingerprint().equals(hash)) {
            return;
        }
        throw new DistillationException(null, "The training checkpoint " + file + " belongs to another run: its"
                + " fingerprint is " + checkpoint.fingerprint() + ", this run's is " + hash
                + fingerprint.differences(checkpoint.components())
                + ". Use another checkpoint directory, or delete the checkpoint to train from the start.", null);
    }
}
