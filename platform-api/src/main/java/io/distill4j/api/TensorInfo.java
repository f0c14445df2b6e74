package io.distill4j.api;

import java.util.List;
import java.util.Objects;

/**
 * Description of a model input or output: name, element type and shape. A dimension of
 * {@value #DYNAMIC} is dynamic (any size, e.g. batch or sequence length).
 *
 * @param name tensor name as in the model graph
 * @param type element type
 * @param shape dimensions; {@value #DYNAMIC} marks a dynamic dimension
 */
public record TensorInfo(String name, ElementType type, List<Long> shape) {

    /** Marker for a dynamic dimension. */
    public static final long DYNAMIC = -1;

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = List.copyOf(shape);
        for (Long d : shape) {
            if (d < DYNAMIC) {
                throw new IllegalArgumentException("Tensor '" + name + "' has invalid dimension " + d);
            }
        }
    }

    /** Creates a description from a {@code long[]} shape. */
    public static TensorInfo of(String name, ElementType type, long... shape) {
        Long[] boxed = new Long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            boxed[i] = shape[i];
        }
        return new TensorInfo(name, type, List.of(boxed));
    }

    /** Number of dimensions. */
    public int rank() {
        return this.shape.size();
    }

    /** Whether dimension {@code i} is dynamic. */
    public boolean isDynamic(int i) {
        return this.shape.get(i) == DYNAMIC;
    }

    /** Renders as {@code name:FLOAT32[-1,384]}. */
    @Override
    public String toString() {
        return this.name + ":" + this.type + this.shape.toString().replace(" ", "");
    }
}
