package io.distill4j.pipeline.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.pipeline.data.Augmenter;
import io.distill4j.pipeline.data.ColumnMapping;
import io.distill4j.pipeline.data.DataFormat;
import io.distill4j.pipeline.data.DataReport;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.DatasetSplit;
import io.distill4j.pipeline.data.DatasetSplitter;
import io.distill4j.pipeline.data.TextDataset;

/**
 * The data of one job after the {@code PREPARE_DATA} stage: read and validated with the spec's column
 * mapping, split (seeded and stratified) when no validation file is given, and the transfer set (the
 * training texts plus their augmented, unlabelled copies) the teacher labels.
 *
 * @param train the training split as read (labelled, and unlabelled rows the teacher labels)
 * @param transfer what the student trains on: {@code train} followed by augmented copies, or {@code train} itself
 * @param validation the validation split
 * @param test the test split, when the spec names a test file
 * @param labels the label vocabulary, in logit order (empty for the embedding task)
 * @param reports what reading each file found, bad rows included
 */
record PreparedData(TextDataset train, TextDataset transfer, TextDataset validation, Optional<TextDataset> test,
        List<String> labels, List<DataReport> reports) {

    PreparedData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        labels = List.copyOf(labels);
        reports = List.copyOf(reports);
    }

    /**
     * Reads the spec's files.
     *
     * @param requireTestLabels whether every test row needs a label (a classification test split does)
     */
    static PreparedData read(DataSpec spec, Augmentation augmentation, long seed, boolean requireTestLabels,
            String jobId) {
        ColumnMapping.Builder columns = ColumnMapping.builder().header(spec.header());
        column(spec.textColumn(), columns::text, columns::text);
        spec.textPairColumn().ifPresent(c -> column(c, columns::textPair, columns::textPair));
        spec.labelColumn().ifPresent(c -> column(c, columns::label, columns::label));
        DatasetReader reader = DatasetReader.builder().format(DataFormat.valueOf(spec.format().name()))
                .columns(columns.build()).maxBadRowShare(spec.maxBadRowShare()).jobId(jobId).build();
        List<DataReport> reports = new ArrayList<>();
        TextDataset all = reader.read(spec.train());
        all.report().ifPresent(reports::add);
        TextDataset train;
        TextDataset validation;
        if (spec.validation().isPresent()) {
            train = all;
            DatasetReader.Builder validationReader = reader.toBuilder();
            if (!all.labels().isEmpty()) {
                validationReader.knownLabels(all.labels());
            }
            validation = validationReader.build().read(spec.validation().get());
            validation.report().ifPresent(reports::add);
        }
        else {
            DatasetSplit split = DatasetSplitter.builder().validationShare(spec.validationShare()).seed(seed).build()
                    .split(all);
            train = split.train();
            validation = split.validation();
        }
        Optional<TextDataset> test = Optional.empty();
        if (spec.test().isPresent()) {
            DatasetReader.Builder testReader = reader.toBuilder().requireLabels(requireTestLabels);
            if (requireTestLabels && !all.labels().isEmpty()) {
                testReader.knownLabels(all.labels());
            }
            TextDataset read = testReader.build().read(spec.test().get());
            read.report().ifPresent(reports::add);
            test = Optional.of(read);
        }
        TextDataset transfer = train;
        if (augmentation.isEnabled()) {
            transfer = Augmenter.builder().maskProbability(augmentation.tokenMasking())
                    .replaceProbability(augmentation.wordReplacement()).ngramProbability(augmentation.ngramSampling())
                    .maxNgram(augmentation.maxNgram()).copies(augmentation.copiesPerExample()).seed(seed).build()
                    .augment(train);
        }
        return new PreparedData(train, transfer, validation, test, all.labels(), reports);
    }

    private static void column(DataSpec.Column column, java.util.function.Consumer<String> byName,
            java.util.function.IntConsumer byIndex) {
        if (column.name() != null) {
            byName.accept(column.name());
        }
        else {
            byIndex.accept(column.index());
        }
    }
}
