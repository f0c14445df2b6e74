package io.distill4j.api;

import java.util.List;

/**
 * The top-k classes of one text, most probable first.
 *
 * @param top up to k labels with their probabilities, descending
 */
public record Classification(List<ScoredLabel> top) {

    public Classification {
        top = List.copyOf(top);
    }

    /** The most probable label. */
    public ScoredLabel best() {
        return this.top.get(0);
    }
}
