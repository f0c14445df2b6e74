package io.distill4j.pipeline.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable list of {@link TextExample}s with its label vocabulary and, when it was read from a
 * file, the {@link DataReport} of that read.
 *
 * <p>The label vocabulary is sorted and stable, so label indices do not depend on row order: labels
 * that are all numbers ({@code 0, 1, 2, 10}) sort numerically, any other set sorts as strings. A
 * validation or test set read with the training labels as known labels carries the training
 * vocabulary, so the same label has the same index in every split.
 *
 * <pre>{@code
 * TextDataset train = DatasetReader.builder().build().read(Path.of("train.tsv"));
 * List<String> labels = train.labels();          // sorted vocabulary
 * int index = train.labelIndex("card_arrival");  // position in labels(), -1 if unknown
 * for (TextExample example : train) { ... }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TextDataset implements Iterable<TextExample> {

    private final String name;

    private final List<TextExample> examples;

    private final List<String> labels;

    private final Map<String, Integer> labelIndex;

    private final DataReport report;

    /**
     * A data set built in memory (no read behind it, so no {@link #report()}).
     *
     * @param name what the data set is called in logs and messages
     * @param examples the examples, in order
     * @param labels the label vocabulary in index order; must contain every example's label and no duplicates
     */
    public TextDataset(String name, List<TextExample> examples, List<String> labels) {
        this(name, examples, labels, null);
    }

    TextDataset(String name, List<TextExample> examples, List<String> labels, DataReport report) {
        this.name = Objects.requireNonNull(name, "name");
        this.examples = List.copyOf(examples);
        this.labels = List.copyOf(labels);
        this.report = report;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.labels.size(); i++) {
            if (index.put(this.labels.get(i), i) != null) {
                throw new IllegalArgumentException("labels: '" + this.labels.get(i) + "' appears twice");
            }
        }
        this.labelIndex = Map.copyOf(index);
        for (TextExample example : this.examples) {
            if (example.label().isPresent() && !index.containsKey(example.label().get())) {
                throw new IllegalArgumentException("labels: the label '" + example.label().get() + "' of line "
                        + example.line() + " is not in the vocabulary " + this.labels);
            }
        }
    }

    /**
     * A data set built in memory whose vocabulary is the sorted set of its examples' labels.
     */
    public static TextDataset of(String name, List<TextExample> examples) {
        Set<String> labels = new LinkedHashSet<>();
        examples.forEach(example -> example.label().ifPresent(labels::add));
        return new TextDataset(name, examples, sortLabels(labels), null);
    }

    /**
     * Sorts labels the way every data set does: numerically when all are numbers, else as strings.
     */
    public static List<String> sortLabels(Collection<String> labels) {
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(labels));
        if (sorted.stream().allMatch(TextDataset::isNumber)) {
            sorted.sort(Comparator.comparing((String label) -> new BigDecimal(label.strip()))
                    .thenComparing(Comparator.naturalOrder()));
        } else {
            sorted.sort(Comparator.naturalOrder());
        }
        return List.copyOf(sorted);
    }

    private static boolean isNumber(String label) {
        try {
            new BigDecimal(label.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** What the data set is called in logs and messages. */
    public String name() {
        return this.name;
    }

    /** The examples, in order; unmodifiable. */
    public List<TextExample> examples() {
        return this.examples;
    }

    /** The number of examples. */
    public int size() {
        return this.examples.size();
    }

    /** Whether there are no examples. */
    public boolean isEmpty() {
        return this.examples.isEmpty();
    }

    /** The label vocabulary in index order; unmodifiable. */
    public List<String> labels() {
        return this.labels;
    }

    /** The index of a label in {@link #labels()}, or {@code -1} if it is not in the vocabulary. */
    public int labelIndex(String label) {
        Integer index = this.labelIndex.get(label);
        return index == null ? -1 : index;
    }

    /** How many examples carry each label, in vocabulary order (labels with none included, as 0). */
    public Map<String, Long> labelCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        this.labels.forEach(label -> counts.put(label, 0L));
        this.examples.forEach(example -> example.label().ifPresent(label -> counts.merge(label, 1L, Long::sum)));
        return java.util.Collections.unmodifiableMap(counts);
    }

    /** The number of labelled examples. */
    public long labeledCount() {
        return this.examples.stream().filter(TextExample::isLabeled).count();
    }

    /** Whether any example has a second text. */
    public boolean hasTextPairs() {
        return this.examples.stream().anyMatch(example -> example.textPair().isPresent());
    }

    /**
     * The report of the read this data set came from, shared by its splits and augmentations; empty for
     * a data set built in memory.
     */
    public Optional<DataReport> report() {
        return Optional.ofNullable(this.report);
    }

    /** The same examples' successor: another name and example list over the same vocabulary and report. */
    TextDataset derive(String derivedName, List<TextExample> derivedExamples) {
        return new TextDataset(derivedName, derivedExamples, this.labels, this.report);
    }

    @Override
    public Iterator<TextExample> iterator() {
        return this.examples.iterator();
    }

    @Override
    public String toString() {
        return "TextDataset[" + this.name + ", " + size() + " examples, " + this.labels.size() + " labels]";
    }
}
