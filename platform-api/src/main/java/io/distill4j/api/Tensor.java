package io.distill4j.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor held on the Java heap: element type, shape and a primitive array in row-major order.
 *
 * <p>Instances are immutable by contract: the factories take the array as is, without copying, so the
 * caller must not modify it afterwards. Whether the element count matches the shape is checked by the
 * engine against the model (an {@link io.distill4j.api.exception.InvalidInputException} naming the
 * input), not here, so that one place reports all input errors the same way.
 */
public final class Tensor {

    private final ElementType type;

    private final long[] shape;

    private final Object data;

    private Tensor(ElementType type, long[] shape, Object data) {
        this.type = Objects.requireNonNull(type, "type");
        this.shape = Objects.requireNonNull(shape, "shape").clone();
        this.data = Objects.requireNonNull(data, "data");
        for (long d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor shape " + Arrays.toString(shape) + " has a negative dimension");
            }
        }
    }

    /**
     * Creates a tensor of any element type from its backing array: {@code float[]} for FLOAT32,
     * {@code double[]} FLOAT64, {@code long[]} INT64, {@code int[]} INT32, {@code byte[]} INT8 and UINT8,
     * {@code boolean[]} BOOL, {@code String[]} STRING.
     * @throws IllegalArgumentException if the array does not fit the type, or the type has no heap form
     */
    public static Tensor of(ElementType type, Object data, long... shape) {
        Class<?> expected = arrayClass(type);
        if (!expected.isInstance(data)) {
            throw new IllegalArgumentException("A " + type + " tensor needs a " + expected.getSimpleName() + ", got "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        return new Tensor(type, shape, data);
    }

    /**
     * The Java array class that holds elements of a type.
     * @throws IllegalArgumentException for FLOAT16, BFLOAT16 and INT16, which have no heap form here
     */
    public static Class<?> arrayClass(ElementType type) {
        return switch (type) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case INT64 -> long[].class;
            case INT32 -> int[].class;
            case INT8, UINT8 -> byte[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            default -> throw new IllegalArgumentException(type + " tensors have no heap form");
        };
    }

    public static Tensor ofFloats(float[] data, long... shape) {
        return new Tensor(ElementType.FLOAT32, shape, data);
    }

    public static Tensor ofDoubles(double[] data, long... shape) {
        return new Tensor(ElementType.FLOAT64, shape, data);
    }

    public static Tensor ofLongs(long[] data, long... shape) {
        return new Tensor(ElementType.INT64, shape, data);
    }

    public static Tensor ofInts(int[] data, long... shape) {
        return new Tensor(ElementType.INT32, shape, data);
    }

    /** Signed 8-bit integers. */
    public static Tensor ofBytes(byte[] data, long... shape) {
        return new Tensor(ElementType.INT8, shape, data);
    }

    /** Unsigned 8-bit integers, stored in a {@code byte[]}. */
    public static Tensor ofUnsignedBytes(byte[] data, long... shape) {
        return new Tensor(ElementType.UINT8, shape, data);
    }

    public static Tensor ofBooleans(boolean[] data, long... shape) {
        return new Tensor(ElementType.BOOL, shape, data);
    }

    public static Tensor ofStrings(String[] data, long... shape) {
        return new Tensor(ElementType.STRING, shape, data);
    }

    public ElementType type() {
        return this.type;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return this.shape.clone();
    }

    public int rank() {
        return this.shape.length;
    }

    /** Product of the dimensions (1 for a scalar). */
    public long shapeElementCount() {
        long n = 1;
        for (long d : this.shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Number of elements in the backing array. */
    public int dataLength() {
        return java.lang.reflect.Array.getLength(this.data);
    }

    /** The backing array, whatever the type ({@link #arrayClass(ElementType)}); not copied, must not be modified. */
    public Object array() {
        return this.data;
    }

    /** The backing array, not copied; must not be modified. */
    public float[] floats() {
        return as(ElementType.FLOAT32, float[].class);
    }

    public double[] doubles() {
        return as(ElementType.FLOAT64, double[].class);
    }

    public long[] longs() {
        return as(ElementType.INT64, long[].class);
    }

    public int[] ints() {
        return as(ElementType.INT32, int[].class);
    }

    /** Backing array of an {@code INT8} or {@code UINT8} tensor. */
    public byte[] bytes() {
        if (this.type != ElementType.INT8 && this.type != ElementType.UINT8) {
            throw new IllegalStateException("Tensor is " + this.type + ", not INT8 or UINT8");
        }
        return (byte[]) this.data;
    }

    public boolean[] booleans() {
        return as(ElementType.BOOL, boolean[].class);
    }

    public String[] strings() {
        return as(ElementType.STRING, String[].class);
    }

    private <T> T as(ElementType expected, Class<T> arrayType) {
        if (this.type != expected) {
            throw new IllegalStateException("Tensor is " + this.type + ", not " + expected);
        }
        return arrayType.cast(this.data);
    }

    @Override
    public String toString() {
        return "Tensor[" + this.type + Arrays.toString(this.shape) + "]";
    }
}
