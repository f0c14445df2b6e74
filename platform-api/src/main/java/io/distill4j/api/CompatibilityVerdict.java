package io.distill4j.api;

/**
 * Whether ONNX Runtime can run a model on the execution providers it was checked against: what the
 * engine's load-time operator-compatibility check concludes, shown in a {@link ModelDescriptor}.
 */
public enum CompatibilityVerdict {
    /** Every node has a kernel on the preferred provider for its input types. */
    COMPATIBLE("compatible"),
    /** ONNX Runtime can run the model, but some nodes leave the preferred provider, or a trap applies. */
    COMPATIBLE_WITH_FALLBACKS("compatible with fallbacks"),
    /** ONNX Runtime cannot run the model on the target. */
    INCOMPATIBLE("incompatible");

    private final String label;

    CompatibilityVerdict(String label) {
        this.label = label;
    }

    /** The verdict in words: {@code compatible with fallbacks}. */
    public String label() {
        return this.label;
    }
}
