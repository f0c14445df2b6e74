package io.distill4j.pipeline.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.student.StudentBlock;

/**
 * Reads a student's trained parameters out of its DJL block by their explicit names, as float arrays on
 * the heap ({@code toFloatArray} copies them from whichever device they live on), checking each shape
 * against what the architecture's configuration says. A parameter of the block itself is named as it
 * was added ({@code embedding}); one of a child block by the child's name and its own ({@code hidden1},
 * {@code weight}). DJL keys children by their position and name ({@code 01hidden1}); the position is
 * ignored here, so a reader never depends on the order children were added in.
 */
public final class StudentParameters {

    /**
     * Prefix of every parameter's name in the exported graph ({@code student.embedding},
     * {@code student.hidden1.weight}), which keeps parameters apart from the graph's inputs, outputs
     * ({@code embedding} among them) and nodes.
     */
    static final String PREFIX = "student.";

    private final StudentBlock block;

    private final String jobId;

    StudentParameters(StudentBlock block, String jobId) {
        this.block = block;
        this.jobId = jobId;
    }

    /** A parameter of the block itself, for example {@code embedding}, named {@code student.embedding} in the graph. */
    public Weights own(String name, long... dims) {
        Parameter parameter = this.block.getDirectParameters().get(name);
        if (parameter == null) {
            throw fail("has no parameter '" + name + "'; it has " + this.block.getDirectParameters().keys());
        }
        return read(PREFIX + name, parameter, dims);
    }

    /**
     * A parameter of the named child block, for example {@code hidden1} and {@code weight}, named
     * {@code student.hidden1.weight} in the graph.
     */
    public Weights child(String child, String name, long... dims) {
        Block found = null;
        List<String> names = new ArrayList<>();
        for (Pair<String, Block> entry : this.block.getChildren()) {
            String plain = entry.getKey().replaceFirst("^\\d+", "");
            names.add(plain);
            if (plain.equals(child)) {
                found = entry.getValue();
            }
        }
        if (found == null) {
            throw fail("has no child block '" + child + "'; it has " + names);
        }
        Parameter parameter = found.getDirectParameters().get(name);
        if (parameter == null) {
            throw fail("child '" + child + "' has no parameter '" + name + "'; it has "
                    + found.getDirectParameters().keys());
        }
        return read(PREFIX + child + "." + name, parameter, dims);
    }

    private Weights read(String name, Parameter parameter, long[] dims) {
        if (!parameter.isInitialized()) {
            throw fail("parameter '" + name + "' is not initialised");
        }
        NDArray array = parameter.getArray();
        Shape expected = new Shape(dims);
        if (!array.getShape().equals(expected)) {
            throw fail("parameter '" + name + "' has shape " + array.getShape() + " but its configuration says "
                    + expected);
        }
        if (array.getDataType() != DataType.FLOAT32) {
            throw fail("parameter '" + name + "' is " + array.getDataType() + "; students keep their parameters in "
                    + "FLOAT32, which is what the graph stores");
        }
        float[] values = array.toFloatArray();
        return new Weights(name, values, dims.clone());
    }

    private DistillationException fail(String message) {
        return new DistillationException(this.jobId, "Cannot export the " + this.block.config().architecture()
                + " student: the block " + message, null);
    }

    /**
     * One parameter as a row-major float array.
     *
     * @param name its name in the exported graph
     * @param values the elements, row-major
     * @param dims its shape
     */
    public record Weights(String name, float[] values, long[] dims) {

        /**
         * The same matrix transposed, under the same name: a DJL {@code Linear} weight {@code [out, in]}
         * becomes the {@code [in, out]} right-hand side of a {@code MatMul}.
         *
         * @throws IllegalStateException if this is not a matrix
         */
        Weights transposed() {
            if (this.dims.length != 2) {
                throw new IllegalStateException(this + " is not a matrix and cannot be transposed");
            }
            int rows = Math.toIntExact(this.dims[0]);
            int columns = Math.toIntExact(this.dims[1]);
            float[] out = new float[this.values.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    out[c * rows + r] = this.values[r * columns + c];
                }
            }
            return new Weights(this.name, out, new long[] {columns, rows});
        }

        @Override
        public String toString() {
            return "Weights[" + this.name + " " + Arrays.toString(this.dims) + "]";
        }
    }
}
