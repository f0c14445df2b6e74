package io.distill4j.engine.onnx;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper the ONNX tooling's reports and metadata are written with, built on first use: the classes
 * that write JSON (a model's inventory, its compatibility report) are also on every model load, which writes
 * none, and a data-binding mapper costs a fresh JVM about a quarter of a second to build.
 */
public final class ReportJson {

    private ReportJson() {
    }

    /** The shared mapper (default settings; thread-safe). */
    public static JsonMapper mapper() {
        return Holder.MAPPER;
    }

    private static final class Holder {

        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }
}
