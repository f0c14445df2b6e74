package io.distill4j.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distill4j.pipeline.student.LayeredBlock;

/**
 * The block trained with intermediate-layer distillation: the student, then, when training, its hidden
 * states projected to the teacher's width and its attention probabilities, in the order
 * {@link IntermediateDistillationLoss} takes them. The projection {@code hidden_projection} (a
 * {@code Linear} {@code H_s -> H_t}, absent when the widths are equal) and an optional output
 * {@link ProjectionHead} are this block's own children; the student's parameters stay the student's. In
 * inference mode the block returns the (projected) output only, as the student would.
 */
final class IntermediateBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block student;

    private final LayeredBlock layered;

    private final ProjectionHead outputProjection;

    private final Linear hiddenProjection;

    private final int studentOutputWidth;

    /**
     * @param outputWidth the width the output is projected to, or {@code 0} to keep the student's
     * @param teacherHidden the teacher's hidden width {@code H_t}
     */
    IntermediateBlock(Block student, int studentOutputWidth, int outputWidth, int teacherHidden) {
        super(VERSION);
        this.student = addChildBlock("student", student);
        this.layered = (LayeredBlock) student;
        this.studentOutputWidth = studentOutputWidth;
        this.outputProjection = (outputWidth > 0) ? addChildBlock("projection", new ProjectionHead(outputWidth)) : null;
        this.hiddenProjection = (teacherHidden != this.layered.hiddenSize())
                ? addChildBlock("hidden_projection", Linear.builder().setUnits(teacherHidden).build())
                : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (!training) {
            NDList out = this.student.forward(parameterStore, inputs, false, params);
            return (this.outputProjection == null) ? out : this.outputProjection.forward(parameterStore, out, false);
        }
        NDList all = this.layered.forwardWithInternals(parameterStore, inputs, true);
        int layers = this.layered.layers();
        NDList out = new NDList(all.size());
        NDArray output = all.get(0);
        if (this.outputProjection != null) {
            output = this.outputProjection.forward(parameterStore, new NDList(output), true).singletonOrThrow();
        }
        out.add(output);
        for (int i = 1; i <= layers + 1; i++) {
            NDArray hidden = all.get(i);
            if (this.hiddenProjection != null) {
                hidden = this.hiddenProjection.forward(parameterStore, new NDList(hidden), true).singletonOrThrow();
            }
            out.add(hidden);
        }
        out.addAll(all.subNDList(layers + 2));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long width = (this.outputProjection != null) ? this.outputProjection.outputWidth() : this.studentOutputWidth;
        return new Shape[] {new Shape(inputShapes[0].get(0), width)};
    }

    /** Initialises the projections only: the student is initialised already. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (this.outputProjection != null) {
            this.outputProjection.initialize(manager, dataType, new Shape(1, this.studentOutputWidth));
        }
        if (this.hiddenProjection != null) {
            this.hiddenProjection.initialize(manager, dataType, new Shape(1, this.layered.hiddenSize()));
        }
    }
}
