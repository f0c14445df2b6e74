package io.distill4j.pipeline.job;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.data.Augmenter;
import io.distill4j.pipeline.data.ColumnMapping;
import io.distill4j.pipeline.data.DataReport;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.DatasetSplit;
import io.distill4j.pipeline.data.DatasetSplitter;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.report.AugmentationChoice;

/**
 * The data of one job after the {@code PREPARE_DATA} stage: read and validated with the spec's column
 * mapping, split (seeded and stratified) when no validation file is given, and the transfer set (the
 * training texts plus their augmented, unlabelled copies) the teacher labels. How many copies each
 * training example gets is the spec's number, or {@link AugmentationSizing}'s choice for automatic
 * augmentation.
 *
 * <p>For {@link DistillationTask#TEXT_EMBEDDING} every split is a list of single texts: the training
 * split holds each distinct text of the file (both sides of a pair), unlabelled; a validation or test
 * split with scored pairs holds the two texts of pair {@code i} at rows {@code 2i} and {@code 2i + 1},
 * with the scores in {@link #validationPairs()} / {@link #testPairs()}.
 *
 * @param train the training split as read (labelled, and unlabelled rows the teacher labels)
 * @param transfer what the student trains on: {@code train} followed by augmented copies, or {@code train} itself
 * @param validation the validation split
 * @param test the test split, when the spec names a test file
 * @param labels the label vocabulary, in logit order (empty for the embedding task)
 * @param reports what reading each file found, bad rows included
 * @param validationPairs the similarity scores of the validation split's pairs (embedding task, when it has
 *     scored pairs)
 * @param testPairs the same for the test split (always present for an embedding task with a test split)
 * @param augmentation the copies made per training example and why; empty when the spec asked for none
 */
record PreparedData(TextDataset train, TextDataset transfer, TextDataset validation, Optional<TextDataset> test,
        List<String> labels, List<DataReport> reports, Optional<ScoredPairs> validationPairs,
        Optional<ScoredPairs> testPairs, Optional<AugmentationChoice> augmentation) {

    PreparedData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(validationPairs, "validationPairs");
        Objects.requireNonNull(testPairs, "testPairs");
        Objects.requireNonNull(augmentation, "augmentation");
        labels = List.copyOf(labels);
        reports = List.copyOf(reports);
    }

    /**
     * Reads the spec's files for the task, and makes the transfer set with the copies {@code augmentation}
     * asks for (automatic copies sized for {@code budget}).
     *
     * @throws DistillationException if past the bad-row limit, or an embedding task's test split has no
     *     scored pairs, or a score is not a number
     */
    static PreparedData read(DataSpec spec, Augmentation augmentation, Budget budget, long seed,
            DistillationTask task, String jobId) {
        return read(spec, augmentation, budget, seed, task, jobId, Optional.empty());
    }

    /**
     * As {@link #read(DataSpec, Augmentation, Budget, long, DistillationTask, String)}, with the labels a
     * teacher defines itself (a labelling model's label set): they are the job's labels in their order, the
     * data need not hold any, and a row whose label is not one of them is a bad row.
     */
    static PreparedData read(DataSpec spec, Augmentation augmentation, Budget budget, long seed,
            DistillationTask task, String jobId, Optional<List<String>> teacherLabels) {
        boolean embedding = task == DistillationTask.TEXT_EMBEDDING;
        ColumnMapping.Builder columns = ColumnMapping.builder().header(spec.header());
        column(spec.textColumn(), columns::text, columns::text);
        spec.textPairColumn().ifPresent(c -> column(c, columns::textPair, columns::textPair));
        spec.labelColumn().ifPresent(c -> column(c, columns::label, columns::label));
        DatasetReader.Builder readerBuilder = DatasetReader.builder().format(spec.format()).quoting(spec.quoting())
                .columns(columns.build()).maxBadRowShare(spec.maxBadRowShare()).jobId(jobId);
        teacherLabels.ifPresent(readerBuilder::knownLabels);
        DatasetReader reader = readerBuilder.build();
        List<DataReport> reports = new ArrayList<>();
        // An embedding distillation learns from every text of the training file, pairs or single sentences.
        TextDataset all = (embedding ? reader.toBuilder().singleTexts(true).build() : reader).read(spec.train());
        all.report().ifPresent(reports::add);
        List<String> known = teacherLabels.orElse(all.labels());
        TextDataset train;
        TextDataset validation;
        if (spec.validation().isPresent()) {
            train = all;
            DatasetReader.Builder validationReader = reader.toBuilder();
            if (!embedding && !known.isEmpty()) {
                validationReader.knownLabels(known);
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
            DatasetReader.Builder testReader = reader.toBuilder().requireLabels(true);
            if (!embedding && spec.labelColumn().isEmpty() && spec.header()) {
                // Unlabelled training data, a labelled test file: it is scored on its "label" column.
                testReader.columns(columns.label(DataSpec.DEFAULT_LABEL_COLUMN).build());
            }
            if (!embedding && !known.isEmpty()) {
                testReader.knownLabels(known);
            }
            TextDataset read = testReader.build().read(spec.test().get());
            read.report().ifPresent(reports::add);
            test = Optional.of(read);
        }
        Optional<ScoredPairs> validationPairs = Optional.empty();
        Optional<ScoredPairs> testPairs = Optional.empty();
        if (embedding) {
            train = singleTexts(train);
            if (validation.hasTextPairs() && validation.labeledCount() == validation.size()) {
                validationPairs = Optional.of(ScoredPairs.of(validation, jobId));
            }
            validation = flattened(validation);
            if (test.isPresent()) {
                if (!test.get().hasTextPairs()) {
                    throw new DistillationException(jobId, "data.test: the embedding task scores a test split of "
                            + "text pairs with a similarity score; " + test.get().name() + " has no textPairColumn",
                            null);
                }
                testPairs = Optional.of(ScoredPairs.of(test.get(), jobId));
                test = Optional.of(flattened(test.get()));
            }
        }
        // The teacher's speed is measured only once it is loaded, in the teacher stage: the size rules decide.
        Optional<AugmentationChoice> choice = AugmentationSizing.choose(augmentation, train.size(), task, budget,
                OptionalDouble.empty());
        TextDataset transfer = train;
        if (choice.isPresent() && choice.get().copiesPerExample() > 0) {
            transfer = Augmenter.builder().maskProbability(augmentation.tokenMasking())
                    .replaceProbability(augmentation.wordReplacement()).ngramProbability(augmentation.ngramSampling())
                    .maxNgram(augmentation.maxNgram()).copies(choice.get().copiesPerExample()).seed(seed).build()
                    .augment(train);
        }
        List<String> labels = embedding ? List.of() : known;
        return new PreparedData(train, transfer, validation, test, labels, reports,
                validationPairs, testPairs, choice);
    }

    /** Every distinct text of {@code data}, both sides of each pair, unlabelled, in first-seen order. */
    static TextDataset singleTexts(TextDataset data) {
        Set<String> seen = new LinkedHashSet<>();
        List<TextExample> texts = new ArrayList<>();
        for (TextExample example : data) {
            if (seen.add(example.text())) {
                texts.add(TextExample.unlabeled(example.text(), example.line()));
            }
            if (example.textPair().isPresent() && seen.add(example.textPair().get())) {
                texts.add(TextExample.unlabeled(example.textPair().get(), example.line()));
            }
        }
        return new TextDataset(data.name(), texts, List.of());
    }

    /** The texts of {@code data} as single unlabelled rows: each pair's two texts next to each other. */
    static TextDataset flattened(TextDataset data) {
        List<TextExample> texts = new ArrayList<>();
        for (TextExample example : data) {
            texts.add(TextExample.unlabeled(example.text(), example.line()));
            example.textPair().ifPresent(pair -> texts.add(TextExample.unlabeled(pair, example.line())));
        }
        return new TextDataset(data.name(), texts, List.of());
    }

    /**
     * The gold similarity scores of a split of text pairs, flattened so that pair {@code i} is rows
     * {@code 2i} and {@code 2i + 1}.
     */
    record ScoredPairs(double[] scores) {

        static ScoredPairs of(TextDataset pairs, String jobId) {
            double[] scores = new double[pairs.size()];
            for (int i = 0; i < scores.length; i++) {
                TextExample example = pairs.examples().get(i);
                if (example.textPair().isEmpty() || example.label().isEmpty()) {
                    throw new DistillationException(jobId, pairs.name() + " line " + example.line() + ": a scored "
                            + "pair needs both texts and a score", null);
                }
                try {
                    scores[i] = Double.parseDouble(example.label().get().trim());
                }
                catch (NumberFormatException ex) {
                    throw new DistillationException(jobId, pairs.name() + " line " + example.line() + ": the score '"
                            + example.label().get() + "' is not a number", ex);
                }
                if (!Double.isFinite(scores[i])) {
                    throw new DistillationException(jobId, pairs.name() + " line " + example.line() + ": the score '"
                            + example.label().get() + "' is not finite", null);
                }
            }
            return new ScoredPairs(scores);
        }

        int size() {
            return this.scores.length;
        }
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
