package io.distill4j.engine.onnx.compat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

import io.distill4j.engine.session.ExecutionProvider;

/**
 * What a model is checked against: ONNX Runtime (the version in the build, whose kernel tables
 * {@link KernelTable} holds) with a list of execution providers in order of preference, and a range of
 * operator set versions of the default domain ({@code ai.onnx}).
 *
 * <p>As in ONNX Runtime, and as {@code ModelSession} opens sessions, CPU is always the last resort:
 * the constructor moves it to the end of the list, or appends it when it is missing, so
 * {@code of(List.of(CUDA))} is CUDA, then CPU.
 *
 * @param providers the providers in order of preference, CPU last
 * @param minOpset the lowest {@code ai.onnx} operator set version a model may import
 * @param maxOpset the highest
 */
public record CompatibilityTarget(List<ExecutionProvider> providers, long minOpset, long maxOpset) {

    /**
     * The lowest {@code ai.onnx} operator set version accepted by default: 7, the oldest version that
     * ONNX Runtime still has kernels for throughout (opset 7 is ONNX 1.2, 2018).
     */
    public static final long DEFAULT_MIN_OPSET = 7;

    public CompatibilityTarget {
        if (providers == null || providers.isEmpty()) {
            throw new IllegalArgumentException("A compatibility target needs at least one execution provider");
        }
        LinkedHashSet<ExecutionProvider> ordered = new LinkedHashSet<>(providers);
        ordered.remove(ExecutionProvider.CPU);
        ordered.add(ExecutionProvider.CPU);
        providers = List.copyOf(ordered);
        if (minOpset < 1 || maxOpset < minOpset) {
            throw new IllegalArgumentException("The opset range must satisfy 1 <= min <= max, was [" + minOpset + ", "
                    + maxOpset + "]");
        }
    }

    /** ONNX Runtime's CPU provider, with the default opset range. */
    public static CompatibilityTarget cpu() {
        return of(List.of(ExecutionProvider.CPU));
    }

    /** ONNX Runtime's CUDA provider, falling back to CPU, with the default opset range. */
    public static CompatibilityTarget cuda() {
        return of(List.of(ExecutionProvider.CUDA));
    }

    /**
     * {@code providers} (CPU last) with the default opset range: {@value #DEFAULT_MIN_OPSET} up to the
     * highest {@code ai.onnx} since-version in the CPU kernel table, which is the newest operator set
     * the ONNX Runtime in the build implements.
     */
    public static CompatibilityTarget of(List<ExecutionProvider> providers) {
        return new CompatibilityTarget(providers, DEFAULT_MIN_OPSET,
                KernelTable.of(ExecutionProvider.CPU).highestSinceVersion(""));
    }

    /** This target with another {@code ai.onnx} opset range. */
    public CompatibilityTarget withOpsetRange(long min, long max) {
        return new CompatibilityTarget(this.providers, min, max);
    }

    /** The provider ONNX Runtime tries first. */
    public ExecutionProvider preferred() {
        return this.providers.get(0);
    }

    /** Whether {@code provider} is one of {@link #providers()}. */
    public boolean includes(ExecutionProvider provider) {
        return this.providers.contains(provider);
    }

    /** {@code CUDA, then CPU; ai.onnx opsets 7 to 23}: how reports name the target. */
    public String describe() {
        return this.providers.stream().map(Enum::name).collect(Collectors.joining(", then ")) + "; ai.onnx opsets "
                + this.minOpset + " to " + this.maxOpset;
    }
}
