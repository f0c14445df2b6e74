package io.distill4j.pipeline.job;

import java.util.ArrayList;
import java.util.List;

import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;

/**
 * A classifier's labels in logit order, and the small lookups the stages share.
 *
 * @param names the labels; column {@code i} of a teacher's or student's logits is {@code names.get(i)}
 */
record Labels(List<String> names) {

    Labels {
        names = List.copyOf(names);
    }

    /** The logit column of {@code label}. */
    int index(String label) {
        int index = this.names.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "'; the labels are " + this.names);
        }
        return index;
    }

    /** The index of the largest value (the first one on a tie). */
    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The first {@code limit} texts of {@code data}, in order. */
    static List<String> texts(TextDataset data, int limit) {
        List<String> texts = new ArrayList<>(Math.min(limit, data.size()));
        for (TextExample example : data) {
            if (texts.size() == limit) {
                break;
            }
            texts.add(example.text());
        }
        return texts;
    }
}
