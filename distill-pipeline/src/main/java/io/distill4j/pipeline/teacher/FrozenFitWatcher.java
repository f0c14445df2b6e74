package io.distill4j.pipeline.teacher;

import java.util.List;

import io.distill4j.pipeline.data.TextExample;

/**
 * Told what an {@link OnnxEncoderTeacher}'s frozen head fit measured, and able to ask for the pooled vectors
 * of some examples: these are embedded in the same encoder pass, also when the head is found fitted and
 * the splits are cached.
 */
interface FrozenFitWatcher {

    /** A watcher that needs nothing. */
    FrozenFitWatcher NONE = new FrozenFitWatcher() {

        @Override
        public List<TextExample> needed() {
            return List.of();
        }

        @Override
        public void fitted(FrozenFit fit) {
        }
    };

    /** The examples whose pooled vectors {@link #fitted} must find. */
    List<TextExample> needed();

    /** Called once per teacher run that embedded texts, before the encoder is unloaded. */
    void fitted(FrozenFit fit);
}
