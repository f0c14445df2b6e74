package io.distill4j.pipeline.train;

import java.util.Arrays;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distill4j.api.exception.InvalidInputException;

/**
 * A learned linear map {@code [B, studentWidth] -> [B, teacherWidth]} ({@code y = x W^T + b}) that
 * lets a narrow student be trained against a wide teacher's embeddings with {@link
 * EmbeddingDistillationLoss}. It exists only for training: put it after the student in the block
 * handed to the {@code Trainer}, and export the student alone. Its parameters belong to the model that
 * owns that block, like any other DJL block's.
 *
 * <pre>{@code
 * Block trained = new SequentialBlock().add(student).add(new ProjectionHead(384));
 * }</pre>
 */
public final class ProjectionHead extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int outputWidth;

    private final Linear linear;

    /** @param teacherWidth the teacher's embedding width, {@code > 0} */
    public ProjectionHead(int teacherWidth) {
        super(VERSION);
        if (teacherWidth <= 0) {
            throw new IllegalArgumentException("teacherWidth must be > 0, was " + teacherWidth);
        }
        this.outputWidth = teacherWidth;
        this.linear = addChildBlock("linear", Linear.builder().setUnits(teacherWidth).build());
    }

    /** The width of the output, the teacher's. */
    public int outputWidth() {
        return this.outputWidth;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 1 || inputs.get(0).getShape().dimension() != 2) {
            throw new InvalidInputException(null, "inputs", "a projection head takes one [batch, width] array, got "
                    + inputs.getShapes().length + " arrays " + Arrays.toString(inputs.getShapes()));
        }
        return this.linear.forward(parameterStore, inputs, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { new Shape(inputShapes[0].get(0), this.outputWidth) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        this.linear.initialize(manager, dataType, inputShapes);
    }
}
