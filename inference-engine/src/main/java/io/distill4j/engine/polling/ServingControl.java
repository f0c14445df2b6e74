package io.distill4j.engine.polling;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.engine.OnnxInferenceEngine;

/**
 * What the poller sees of the engine and changes in it; replaced by a fake in tests. Changes are
 * compare-and-set on the served version, so a poll never undoes what an operator did after it looked.
 */
interface ServingControl {

    /**
     * The served version of each loaded model.
     * @throws IllegalStateException if the engine is closed
     */
    Map<String, Long> served();

    /**
     * Loads or swaps to a version if the model's served version is still {@code expected}.
     * @return false if it was not (nothing changed)
     * @throws RuntimeException if the version fails to load; the served version stays
     */
    boolean load(String name, OptionalLong expected, long version);

    /**
     * Unloads a model if {@code expected} is still its served version.
     * @return false if it was not (nothing changed)
     */
    boolean unload(String name, long expected);

    /** The control of an engine, through its compare-and-set load and unload. */
    static ServingControl of(OnnxInferenceEngine engine) {
        return new ServingControl() {

            @Override
            public Map<String, Long> served() {
                Map<String, Long> served = new TreeMap<>();
                for (ModelDescriptor model : engine.loadedModels()) {
                    served.put(model.id().name(), model.id().version());
                }
                return served;
            }

            @Override
            public boolean load(String name, OptionalLong expected, long version) {
                return engine.loadIfServed(name, expected, version).isPresent();
            }

            @Override
            public boolean unload(String name, long expected) {
                return engine.unloadIfServed(name, expected);
            }
        };
    }
}
