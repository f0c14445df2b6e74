package io.distill4j.pipeline.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a data set into train and validation when no validation file is given: seeded, and
 * stratified by label so every label keeps its share in both parts.
 *
 * <ul>
 *   <li>Each label gets {@code validationShare × count} validation examples, rounded so no label is
 *       off by one example or more and the validation set has {@code round(validationShare ×
 *       labelled)} labelled examples, or as close to it as the next rule allows (largest-remainder
 *       rounding).</li>
 *   <li>A label with two or more examples keeps at least one in train; a label with one example stays
 *       in train.</li>
 *   <li>Unlabelled examples are split at random in the same share.</li>
 *   <li>The same seed and the same input order give the same split ({@link java.util.Random}, whose
 *       sequence the Java specification fixes); both parts keep the input order and the input's label
 *       vocabulary.</li>
 * </ul>
 *
 * <p>Split before augmenting: augmented copies of a validation example would leak it into training,
 * so a data set holding augmented examples is refused.
 *
 * <pre>{@code
 * DatasetSplit split = DatasetSplitter.builder().validationShare(0.1).seed(42).build().split(train);
 * TextDataset trainPart = split.train();
 * TextDataset validation = split.validation();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DatasetSplitter {

    private static final Logger log = LoggerFactory.getLogger(DatasetSplitter.class);

    /** The default share of examples that goes to validation. */
    public static final double DEFAULT_VALIDATION_SHARE = 0.1;

    /** The default seed. */
    public static final long DEFAULT_SEED = 42L;

    private final double validationShare;

    private final long seed;

    private DatasetSplitter(Builder builder) {
        this.validationShare = builder.validationShare;
        this.seed = builder.seed;
    }

    /** A tenth to validation, seed 42. */
    public static DatasetSplitter ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The share of examples that goes to validation. */
    public double validationShare() {
        return this.validationShare;
    }

    /** The seed of the split. */
    public long seed() {
        return this.seed;
    }

    /**
     * Splits a data set.
     *
     * @throws IllegalArgumentException if the data set holds augmented examples
     */
    public DatasetSplit split(TextDataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        if (dataset.examples().stream().anyMatch(TextExample::augmented)) {
            throw new IllegalArgumentException("dataset: " + dataset.name()
                    + " holds augmented examples; split before augmenting, else copies of validation examples leak into training");
        }
        Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
        dataset.labels().forEach(label -> byLabel.put(label, new ArrayList<>()));
        List<Integer> unlabeled = new ArrayList<>();
        List<TextExample> examples = dataset.examples();
        for (int i = 0; i < examples.size(); i++) {
            TextExample example = examples.get(i);
            if (example.label().isPresent()) {
                byLabel.get(example.label().get()).add(i);
            } else {
                unlabeled.add(i);
            }
        }

        List<List<Integer>> groups = new ArrayList<>(byLabel.values());
        int[] quotas = quotas(groups);
        Random random = new Random(this.seed);
        boolean[] toValidation = new boolean[examples.size()];
        for (int g = 0; g < groups.size(); g++) {
            pick(groups.get(g), quotas[g], random, toValidation);
        }
        pick(unlabeled, (int) Math.round(this.validationShare * unlabeled.size()), random, toValidation);

        List<TextExample> train = new ArrayList<>();
        List<TextExample> validation = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            (toValidation[i] ? validation : train).add(examples.get(i));
        }
        DatasetSplit split = new DatasetSplit(dataset.derive(dataset.name() + " [train]", train),
                dataset.derive(dataset.name() + " [validation]", validation), this.validationShare, this.seed);
        log.info("Split {}: {}", dataset.name(), split.summary());
        return split;
    }

    /** Validation examples per label group: largest remainders, capped so each group keeps one in train. */
    private int[] quotas(List<List<Integer>> groups) {
        int count = groups.size();
        int[] quotas = new int[count];
        int[] caps = new int[count];
        double[] exact = new double[count];
        long labeled = 0;
        long capTotal = 0;
        long assigned = 0;
        for (int g = 0; g < count; g++) {
            int size = groups.get(g).size();
            labeled += size;
            exact[g] = this.validationShare * size;
            caps[g] = size >= 2 ? size - 1 : 0;
            quotas[g] = (int) Math.min(Math.floor(exact[g]), caps[g]);
            capTotal += caps[g];
            assigned += quotas[g];
        }
        long target = Math.min(Math.round(this.validationShare * labeled), capTotal);
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            if (quotas[g] < caps[g]) {
                order.add(g);
            }
        }
        order.sort(Comparator.comparingDouble((Integer g) -> -(exact[g] - quotas[g])).thenComparingInt(g -> g));
        for (int g : order) {
            if (assigned >= target) {
                break;
            }
            quotas[g]++;
            assigned++;
        }
        return quotas;
    }

    private static void pick(List<Integer> group, int quota, Random random, boolean[] toValidation) {
        List<Integer> shuffled = new ArrayList<>(group);
        Collections.shuffle(shuffled, random);
        for (int i = 0; i < quota; i++) {
            toValidation[shuffled.get(i)] = true;
        }
    }

    /** Builder of {@link DatasetSplitter}. */
    public static final class Builder {

        private double validationShare = DEFAULT_VALIDATION_SHARE;

        private long seed = DEFAULT_SEED;

        private Builder() {
        }

        /** The share of examples that goes to validation, in {@code (0, 1)}; default {@code 0.1}. */
        public Builder validationShare(double validationShare) {
            if (!(validationShare > 0.0 && validationShare < 1.0)) {
                throw new IllegalArgumentException("validationShare must be in (0, 1), was " + validationShare);
            }
            this.validationShare = validationShare;
            return this;
        }

        /** The seed; default {@code 42}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public DatasetSplitter build() {
            return new DatasetSplitter(this);
        }
    }
}
