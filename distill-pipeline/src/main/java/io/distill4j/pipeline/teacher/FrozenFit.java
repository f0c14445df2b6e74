package io.distill4j.pipeline.teacher;

import java.time.Duration;
import java.util.Objects;

/**
 * What a frozen encoder's head fit measured, for {@link AutoFineTuning}: the head's validation accuracy,
 * the pooled vectors of the texts embedded (those the watcher asked for among them), and how long the
 * embedding pass took for how many distinct texts.
 *
 * @param validationAccuracy the fitted head's validation accuracy (read from the teacher's manifest when
 *        the head was found fitted)
 * @param pooled the pooled vectors of every text embedded
 * @param textsEmbedded the distinct texts embedded
 * @param embedding the embedding pass's wall-clock time
 */
record FrozenFit(double validationAccuracy, PooledTexts pooled, int textsEmbedded, Duration embedding) {

    FrozenFit {
        Objects.requireNonNull(pooled, "pooled");
        Objects.requireNonNull(embedding, "embedding");
    }

    /** Distinct texts embedded per second; NaN when none were. */
    double textsPerSecond() {
        double seconds = this.embedding.toNanos() / 1e9;
        return this.textsEmbedded == 0 || seconds <= 0 ? Double.NaN : this.textsEmbedded / seconds;
    }
}
