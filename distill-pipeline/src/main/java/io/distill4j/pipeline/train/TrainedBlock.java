package io.distill4j.pipeline.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import io.distill4j.pipeline.student.StudentModel;

/**
 * The block being trained and who owns it: the student itself, or, for an embedding objective whose
 * teacher is wider or narrower than the student, the student followed by a {@link ProjectionHead} in
 * a DJL model of its own, or, with intermediate-layer distillation, an {@link IntermediateBlock} (the
 * student, its hidden-state projection and any output projection) in a model of its own. That model holds
 * only the projections' parameters (the student's stay in the
 * {@link StudentModel}); closing this frees the head, so the projection never reaches the exported
 * student.
 */
final class TrainedBlock implements AutoCloseable {

    private final StudentModel student;

    private final Block block;

    private final Model projectionModel;

    private TrainedBlock(StudentModel student, Block block, Model projectionModel) {
        this.student = student;
        this.block = block;
        this.projectionModel = projectionModel;
    }

    static TrainedBlock of(StudentModel student, TrainerConfig config, int teacherWidth) {
        return of(student, config, teacherWidth, null);
    }

    /**
     * @param intermediate intermediate-layer distillation, or {@code null}: then the block is an
     *     {@link IntermediateBlock} whose hidden-state projection (when the widths differ) lives in the model
     *     of its own, with the output projection if there is one
     */
    static TrainedBlock of(StudentModel student, TrainerConfig config, int teacherWidth,
            IntermediateTraining intermediate) {
        boolean projected = config.objective() != Objective.CLASSIFICATION
                && student.config().outputSize() != teacherWidth;
        Block block;
        if (intermediate != null) {
            block = new IntermediateBlock(student.block(), student.config().outputSize(), projected ? teacherWidth : 0,
                    intermediate.teacher().hiddenSize());
        }
        else if (projected) {
            block = new SequentialBlock().add(student.block()).add(new ProjectionHead(teacherWidth));
        }
        else {
            return new TrainedBlock(student, student.block(), null);
        }
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
