package io.distill4j.engine.session;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** ONNX Runtime graph optimization levels. */
public enum OptimizationLevel {
    /** No graph optimization. */
    NONE(OptLevel.NO_OPT),
    /** Redundant-node elimination and constant folding. */
    BASIC(OptLevel.BASIC_OPT),
    /** Basic plus node fusions. */
    EXTENDED(OptLevel.EXTENDED_OPT),
    /** Everything, including layout optimizations (the default). */
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ortLevel;

    OptimizationLevel(OptLevel ortLevel) {
        this.ortLevel = ortLevel;
    }

    OptLevel ortLevel() {
        return this.ortLevel;
    }
}
