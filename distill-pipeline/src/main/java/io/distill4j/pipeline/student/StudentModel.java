package io.distill4j.pipeline.student;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.util.Pair;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.pipeline.train.PyTorchRuntime;

/**
 * A student block with its parameters initialised in a DJL {@link Model} on the PyTorch engine (CPU).
 * This object owns that model, and so the {@code NDManager} holding every parameter array; {@link
 * #close()} frees them, is idempotent, and any use after it throws {@link IllegalStateException}.
 * Trainers made by {@link #newTrainer(TrainingConfig)} belong to the caller, who closes them first.
 * Not thread-safe: train or predict from one thread at a time.
 *
 * <pre>{@code
 * try (StudentModel model = StudentModel.create(config.newBlock(), 42);
 *      Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(Optimizer.adamW().build()))) {
 *     ... // forward with trainer.forward(inputs), backward in a GradientCollector, trainer.step()
 *     float[][] logits = model.predict(tokenIds, attentionMask);
 * }
 * }</pre>
 */
public final class StudentModel implements AutoCloseable {

    private final Model model;

    private final StudentBlock block;

    private final AtomicBoolean closed = new AtomicBoolean();

    private StudentModel(Model model, StudentBlock block) {
        this.model = model;
        this.block = block;
    }

    /**
     * Creates a model for the block and initialises its parameters. The seed is PyTorch's process-wide
     * seed ({@code torch.manual_seed}): the same seed, block and thread settings give the same weights.
     * @param block an uninitialised student block, not used by another model
     * @param seed the random seed for the initial weights
     * @throws IllegalArgumentException if the block is already initialised
     */
    public static StudentModel create(StudentBlock block, int seed) {
        if (block.isInitialized()) {
            throw new IllegalArgumentException("block is already initialised, probably by another model; build a new one"
                    + " with config.newBlock()");
        }
        Engine engine = PyTorchRuntime.engine();
        engine.setRandomSeed(seed);
        Model model = Model.newInstance(block.config().architecture(), Device.cpu(), engine.getEngineName());
        try {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1), new Shape(1, 1));
            return new StudentModel(model, block);
        }
        catch (RuntimeException ex) {
            model.close();
            throw ex;
        }
    }

    /** The block; its parameter arrays live only as long as this model. */
    public StudentBlock block() {
        return this.block;
    }

    public StudentConfig config() {
        return this.block.config();
    }

    /**
     * Opens a DJL trainer on this model. Close it (try-with-resources) before closing this model.
     * @param trainingConfig the loss, optimizer, devices (CPU) and listeners
     */
    public Trainer newTrainer(TrainingConfig trainingConfig) {
        requireOpen();
        Trainer trainer = this.model.newTrainer(trainingConfig);
        try {
            trainer.initialize(new Shape(1, 1), new Shape(1, 1));
            return trainer;
        }
        catch (RuntimeException ex) {
            trainer.close();
            throw ex;
        }
    }

    /**
     * Runs the student in inference mode (no dropout, no gradients) on one batch.
     * @param inputIds {@code [B][T]} token ids, every row the same length, {@code B, T >= 1}
     * @param attentionMask {@code [B][T]}, 1 for real tokens, 0 for padding
     * @return {@code [B][outputSize]}
     * @throws InvalidInputException if the arrays are empty, ragged, of different shapes or an id is out of range
     */
    public float[][] predict(long[][] inputIds, long[][] attentionMask) {
        requireOpen();
        Shape shape = shapeOf(StudentBlock.INPUT_IDS, inputIds);
        if (!shape.equals(shapeOf(StudentBlock.ATTENTION_MASK, attentionMask))) {
            throw new InvalidInputException(null, StudentBlock.ATTENTION_MASK, "shape " + shapeOf(StudentBlock.ATTENTION_MASK,
                    attentionMask) + " differs from " + StudentBlock.INPUT_IDS + "'s " + shape);
        }
        try (NDManager scope = this.model.getNDManager().newSubManager()) {
            NDArray ids = scope.create(flatten(inputIds), shape);
            NDArray mask = scope.create(flatten(attentionMask), shape);
            NDArray out = this.block.forward(new ParameterStore(scope, false), new NDList(ids, mask), false)
                .singletonOrThrow();
            float[] flat = out.toType(DataType.FLOAT32, false).toFloatArray();
            int width = (int) out.getShape().get(1);
            float[][] rows = new float[inputIds.length][width];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(flat, i * width, rows[i], 0, width);
            }
            return rows;
        }
    }

    /** Number of trainable scalars, counted from the initialised parameter arrays. */
    public long parameterCount() {
        requireOpen();
        long count = 0;
        for (Pair<String, Parameter> parameter : this.block.getParameters()) {
            count += parameter.getValue().getArray().size();
        }
        return count;
    }

    /**
     * Writes the parameters as DJL's {@code Block.saveParameters} does (a version byte, then each parameter
     * and child block in order), replacing {@code file} atomically.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public void saveParameters(Path file) {
        requireOpen();
        try {
            AtomicFiles.write(file, out -> {
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
                this.block.saveParameters(data);
                data.flush();
            });
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Writing the parameters of " + this.model.getName() + " to " + file
                    + " failed", ex);
        }
    }

    /**
     * Replaces the parameters with those {@link #saveParameters} wrote for a block of the same
     * configuration.
     *
     * @throws ModelLoadException naming the file if it cannot be read or belongs to another configuration
     */
    public void loadParameters(Path file) {
        requireOpen();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            this.block.loadParameters(this.model.getNDManager(), in);
        }
        catch (IOException | MalformedModelException | RuntimeException ex) {
            throw new ModelLoadException(this.model.getName(), "Reading the parameters " + file + " into a "
                    + this.block.config().architecture() + " student failed: " + ex.getMessage(), ex);
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return this.closed.get();
    }

    /** Frees the parameters (closes the model and its {@code NDManager}). Idempotent. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.model.close();
        }
    }

    private void requireOpen() {
        if (this.closed.get()) {
            throw new IllegalStateException("StudentModel " + this.model.getName() + " is closed");
        }
    }

    private static Shape shapeOf(String field, long[][] rows) {
        if (rows == null || rows.length == 0) {
            throw new InvalidInputException(null, field, "needs at least one row");
        }
        int length = (rows[0] != null) ? rows[0].length : 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != length || length == 0) {
                throw new InvalidInputException(null, field + "[" + i + "]", "every row needs the same length >= 1 as row 0 ("
                        + length + "), got " + (rows[i] == null ? "null" : rows[i].length));
            }
        }
        return new Shape(rows.length, length);
    }

    private static long[] flatten(long[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }
}
