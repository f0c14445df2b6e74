package io.distill4j.pipeline.teacher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.distill4j.api.Checks;
import io.distill4j.pipeline.data.TextExample;

/**
 * A class-stratified subsample of labelled examples, deterministic for a seed: each class gets a share of
 * the sample proportional to its share of the examples (largest remainders first, ties by label), and at
 * least one example whenever there are no more classes than places; within a class the examples are
 * drawn at random from the seed. The sample keeps the examples' original order. Examples without a label
 * are left out.
 */
final class StratifiedSample {

    private StratifiedSample() {
    }

    /**
     * At most {@code max} of the labelled {@code examples}; all of them when they are no more than that.
     *
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    static List<TextExample> of(List<TextExample> examples, int max, long seed) {
        Checks.atLeast(max, 1, "max");
        List<TextExample> labelled = examples.stream().filter(TextExample::isLabeled).toList();
        if (labelled.size() <= max) {
            return labelled;
        }
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < labelled.size(); i++) {
            byClass.computeIfAbsent(labelled.get(i).label().orElseThrow(), k -> new ArrayList<>()).add(i);
        }
        List<String> classes = new ArrayList<>(byClass.keySet());
        Random random = new Random(seed);
        Map<String, Integer> quota = new TreeMap<>();
        if (classes.size() >= max) {
            // More classes than places: one example each of max classes drawn at random.
            Collections.shuffle(classes, random);
            classes.subList(0, max).forEach(c -> quota.put(c, 1));
        }
        else {
            int given = 0;
            for (String label : classes) {
                int share = Math.max(1, (int) Math.floor((double) max * byClass.get(label).size() / labelled.size()));
                quota.put(label, share);
                given += share;
            }
            List<String> byRemainder = new ArrayList<>(classes);
            byRemainder.sort(Comparator.comparingDouble((String c) -> -remainder(max, byClass.get(c).size(),
                    labelled.size())).thenComparing(Comparator.naturalOrder()));
            for (int i = 0; given < max; i = (i + 1) % byRemainder.size()) {
                String label = byRemainder.get(i);
                if (quota.get(label) < byClass.get(label).size()) {
                    quota.put(label, quota.get(label) + 1);
                    given++;
                }
            }
            // A class raised to one place may push the total past max: take places back from the largest.
            while (given > max) {
                String largest = Collections.max(classes, Comparator.comparingInt(quota::get));
                quota.put(largest, quota.get(largest) - 1);
                given--;
            }
        }
        Set<Integer> chosen = new HashSet<>();
        for (Map.Entry<String, Integer> entry : quota.entrySet()) {
            List<Integer> members = new ArrayList<>(byClass.get(entry.getKey()));
            Collections.shuffle(members, new Random(seed * 31 + entry.getKey().hashCode()));
            chosen.addAll(members.subList(0, entry.getValue()));
        }
        List<TextExample> sample = new ArrayList<>(chosen.size());
        for (int i = 0; i < labelled.size(); i++) {
            if (chosen.contains(i)) {
                sample.add(labelled.get(i));
            }
        }
        return sample;
    }

    private static double remainder(int max, int members, int total) {
        double exact = (double) max * members / total;
        return exact - Math.floor(exact);
    }
}
