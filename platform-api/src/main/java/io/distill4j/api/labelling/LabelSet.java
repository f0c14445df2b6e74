package io.distill4j.api.labelling;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.distill4j.api.Checks;

/**
 * The labels a {@link LabellingModel} chooses from, in order: probability {@code i} of an answer is the
 * probability of {@code labels().get(i)}, and so is logit {@code i} of the student.
 *
 * <pre>{@code
 * LabelSet.of("positive", "negative");
 * LabelSet.of(List.of(LabelDefinition.of("refund", "asks for money back"), LabelDefinition.of("delivery")));
 * }</pre>
 *
 * @param labels two to {@value #MAX_LABELS} labels with distinct names
 */
public record LabelSet(List<LabelDefinition> labels) {

    /** Most labels in a set. */
    public static final int MAX_LABELS = 1000;

    public LabelSet {
        labels = List.copyOf(Checks.notNull(labels, "labels"));
        if (labels.size() < 2 || labels.size() > MAX_LABELS) {
            throw new IllegalArgumentException("labels must hold 2 to " + MAX_LABELS + " labels, was "
                    + labels.size());
        }
        Set<String> seen = new HashSet<>();
        for (LabelDefinition label : labels) {
            if (!seen.add(label.name())) {
                throw new IllegalArgumentException("labels: '" + label.name() + "' is given twice");
            }
        }
    }

    /** Labels with names only. */
    public static LabelSet of(String... names) {
        List<LabelDefinition> labels = new ArrayList<>(names.length);
        for (String name : names) {
            labels.add(LabelDefinition.of(name));
        }
        return new LabelSet(labels);
    }

    /** These labels. */
    public static LabelSet of(List<LabelDefinition> labels) {
        return new LabelSet(labels);
    }

    /** The names, in order. */
    public List<String> names() {
        return this.labels.stream().map(LabelDefinition::name).toList();
    }

    /** How many labels there are. */
    public int size() {
        return this.labels.size();
    }

    /** The position of the label named {@code name}, or {@code -1}. */
    public int indexOf(String name) {
        for (int i = 0; i < this.labels.size(); i++) {
            if (this.labels.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
