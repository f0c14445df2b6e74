package io.distill4j.pipeline.data;

import java.util.Objects;

/**
 * The two parts {@link DatasetSplitter} made, with the share and seed that made them. Both parts carry
 * the label vocabulary (and the {@link DataReport}, if any) of the data set that was split.
 *
 * @param train the training part
 * @param validation the validation part
 * @param validationShare the share asked for
 * @param seed the seed used
 */
public record DatasetSplit(TextDataset train, TextDataset validation, double validationShare, long seed) {

    public DatasetSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }

    /** One line for a log or a job report: sizes of both parts, labelled and unlabelled. */
    public String summary() {
        return train.size() + " train (" + train.labeledCount() + " labelled), "
                + validation.size() + " validation (" + validation.labeledCount() + " labelled), share "
                + validationShare + ", seed " + seed + ", stratified over " + train.labels().size() + " labels";
    }
}
