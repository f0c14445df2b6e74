package io.distill4j.api;

/**
 * One class of a classification result.
 *
 * @param label the label from the model's manifest ({@code LABEL_<index>} if it has none)
 * @param index the class index in the model's output
 * @param probability softmax probability in [0, 1]
 */
public record ScoredLabel(String label, int index, float probability) {
}
