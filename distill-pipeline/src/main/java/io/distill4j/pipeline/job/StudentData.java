package io.distill4j.pipeline.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.vocab.TokenizerVocabulary;
import io.distill4j.pipeline.vocab.VocabularyPruning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the student stages work on, made once after the teacher stage: the splits tokenized with the
 * teacher's tokenizer (ids remapped to a vocabulary pruned to the training texts when the spec asks),
 * paired with the teacher's cached rows and the hard labels; the scored split and the teacher's metric
 * on it; the check texts the export and the INT8 gate are judged on.
 *
 * <p>Owns the student tokenizer and the opened soft targets (memory-mapped cache files):
 * {@link #close()} releases them, after the last stage that reads them.
 */
final class StudentData implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(StudentData.class);

    /** Texts of the validation split the export is compared on and the INT8 gate judged on. */
    static final int CHECK_TEXTS = 128;

    private final TextTokenizer tokenizer;

    private final List<SoftTargets> targets;

    private final TeacherOutcome teacher;

    private final Labels labels;

    private final EncodedSplit train;

    private final EncodedSplit validation;

    private final EncodedSplit test;

    private final Optional<VocabularyPruning> pruning;

    private final int vocabSize;

    private final PreparedData data;

    private final double teacherMetric;

    private StudentData(TextTokenizer tokenizer, List<SoftTargets> targets, TeacherOutcome teacher, Labels labels,
            EncodedSplit[] splits, Optional<VocabularyPruning> pruning, int vocabSize, PreparedData data,
            boolean embedding) {
        this.tokenizer = tokenizer;
        this.targets = targets;
        this.teacher = teacher;
        this.labels = labels;
        this.train = splits[0];
        this.validation = splits[1];
        this.test = splits[2];
        this.pruning = pruning;
        this.vocabSize = vocabSize;
        this.data = data;
        this.teacherMetric = teacherMetric(this.test, scoredPairs(), embedding);
    }

    /**
     * Tokenizes the prepared splits with the teacher's tokenizer and pairs them with its soft targets.
     *
     * @param pruneVocabulary whether to remap token ids to the ones the training texts use
     */
    static StudentData encode(RunContext run, PreparedData data, TeacherOutcome teacher, boolean pruneVocabulary) {
        TextTokenizer tokenizer = TextTokenizer.open("student", teacher.tokenizer(), run.config().maxSequenceLength());
        List<SoftTargets> opened = new ArrayList<>(3);
        try {
            Labels labels = new Labels(data.labels());
            SoftTargets trainTargets = open(opened, teacher, "train");
            SoftTargets validationTargets = open(opened, teacher, "validation");
            EncodedSplit[] splits = new EncodedSplit[3];
            splits[0] = encode(tokenizer, teacher.rows("train", data.transfer()), trainTargets, labels);
            splits[1] = encode(tokenizer, teacher.rows("validation", data.validation()), validationTargets, labels);
            splits[2] = data.test().isPresent() ? encode(tokenizer, teacher.rows("test", data.test().get()),
                    open(opened, teacher, "test"), labels) : splits[1];
            TokenizerVocabulary vocabulary = TokenizerVocabulary.read(teacher.tokenizer());
            Optional<VocabularyPruning> pruning = Optional.empty();
            int vocabSize = vocabulary.size();
            if (pruneVocabulary) {
                VocabularyPruning pruned = VocabularyPruning.fit(splits[0].ids(), vocabulary.size(),
                        vocabulary.unknownId(), vocabulary.specialIds());
                for (int i = 0; i < splits.length; i++) {
                    splits[i] = new EncodedSplit(pruned.apply(splits[i].ids()), splits[i].hardLabels(),
                            splits[i].teacher());
                }
                vocabSize = pruned.prunedVocabSize();
                pruning = Optional.of(pruned);
                logger.info("Job {}: vocabulary {}", run.id(), pruned.summary());
            }
            StudentData encoded = new StudentData(tokenizer, List.copyOf(opened), teacher, labels, splits, pruning,
                    vocabSize, data, run.embedding());
            logger.info("Job {}: teacher {} {} on {}, {} on validation", run.id(), run.metricName(),
                    encoded.teacherMetric(), encoded.scored().name(), teacherMetric(encoded.validation,
                            data.validationPairs(), run.embedding()));
            return encoded;
        }
        catch (RuntimeException ex) {
            opened.forEach(SoftTargets::close);
            tokenizer.close();
            throw ex;
        }
    }

    private static SoftTargets open(List<SoftTargets> opened, TeacherOutcome teacher, String split) {
        SoftTargets targets = teacher.open(split);
        opened.add(targets);
        return targets;
    }

    private static EncodedSplit encode(TextTokenizer tokenizer, TextDataset data, SoftTargets teacher, Labels labels) {
        long[][] ids = new long[data.size()][];
        long[] hard = new long[data.size()];
        for (int i = 0; i < data.size(); i++) {
            TextExample example = data.examples().get(i);
            ids[i] = tokenizer.encode(example.text()).ids();
            hard[i] = example.label().map(l -> (long) labels.index(l)).orElse(DistillationLoss.NO_LABEL);
        }
        return new EncodedSplit(ids, hard, teacher);
    }

    /** The student tokenizer (the teacher's, unpruned ids). */
    TextTokenizer tokenizer() {
        return this.tokenizer;
    }

    /** The teacher's {@code tokenizer.json}, which the exported student ships with. */
    Path tokenizerFile() {
        return this.teacher.tokenizer();
    }

    /** The labels in logit order (empty for the embedding task). */
    Labels labels() {
        return this.labels;
    }

    /** What the student trains on: the training split and its augmented copies. */
    EncodedSplit train() {
        return this.train;
    }

    /** What trials are scored and training stops early on. */
    EncodedSplit validation() {
        return this.validation;
    }

    /** The validation split's scored pairs (the embedding task's validation metric), if it has them. */
    Optional<PreparedData.ScoredPairs> validationPairs() {
        return this.data.validationPairs();
    }

    /** The version folder of the teacher's model, if the teacher is a model. */
    Optional<Path> teacherFolder() {
        return this.teacher.model().map(model -> model.file().getParent());
    }

    /** The token-id remapping of a pruned vocabulary, if the vocabulary was pruned. */
    Optional<VocabularyPruning> pruning() {
        return this.pruning;
    }

    /** The student's vocabulary size: the pruned one, or the tokenizer's. */
    int vocabSize() {
        return this.vocabSize;
    }

    /** The width of the teacher's rows: classes, or embedding dimensions. */
    int outputWidth() {
        return this.train.teacher().width();
    }

    /** The soft targets' content hash, the exported student's provenance of its teacher. */
    String teacherHash() {
        return this.teacher.splits().get(0).key().hex();
    }

    /**
     * The split the results are reported on: test when the spec has one, else validation; the rows the
     * teacher's soft targets cover.
     */
    TextDataset scored() {
        return this.data.test().map(test -> this.teacher.rows("test", test))
                .orElse(this.teacher.rows("validation", this.data.validation()));
    }

    /** The scored split as encoded, with the teacher's rows. */
    EncodedSplit scoredSplit() {
        return this.test;
    }

    /**
     * Whether the scored split has labels. Without any (unlabelled data and no test file), a classifier's
     * metric there is its agreement with the teacher's answers, and the teacher's own is 1.
     */
    boolean scoredHasLabels() {
        return this.test.hasHardLabels();
    }

    /** The scored split's pairs, for the embedding task's metric. */
    Optional<PreparedData.ScoredPairs> scoredPairs() {
        return this.data.test().isPresent() ? this.data.testPairs() : this.data.validationPairs();
    }

    /** The first {@value #CHECK_TEXTS} validation texts. */
    List<String> checkTexts() {
        return Labels.texts(this.teacher.rows("validation", this.data.validation()), CHECK_TEXTS);
    }

    /**
     * The teacher's metric on the scored split, from its cached rows: accuracy (1, agreement with itself, on a
     * split without labels), or for the embedding task the Spearman correlation on the split's scored pairs
     * (NaN without them).
     */
    double teacherMetric() {
        return this.teacherMetric;
    }

    private static double teacherMetric(EncodedSplit split, Optional<PreparedData.ScoredPairs> pairs,
            boolean embedding) {
        if (embedding) {
            return pairs.map(p -> PairSimilarity.spearman(p, split.teacher()::row)).orElse(Double.NaN);
        }
        if (split.size() > 0 && !split.hasHardLabels()) {
            return 1.0;
        }
        int correct = 0;
        int counted = 0;
        for (int i = 0; i < split.size(); i++) {
            if (split.hardLabels()[i] != DistillationLoss.NO_LABEL) {
                counted++;
                correct += Labels.argmax(split.teacher().row(i)) == split.hardLabels()[i] ? 1 : 0;
            }
        }
        return counted == 0 ? Double.NaN : (double) correct / counted;
    }

    /** Releases the opened soft targets and the tokenizer. */
    @Override
    public void close() {
        try {
            this.targets.forEach(SoftTargets::close);
        }
        finally {
            this.tokenizer.close();
        }
    }
}
