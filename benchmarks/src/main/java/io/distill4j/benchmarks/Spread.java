package io.distill4j.benchmarks;

import java.util.List;

/**
 * The spread of one figure over repetitions: median, smallest and largest value and how many there were, as a
 * cold-start table shows it.
 *
 * @param median the median ({@link Stats#median}: the mean of the two middle values for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param count how many values
 */
record Spread(double median, double min, double max, int count) {

    /**
     * The spread of at least one value.
     * @throws IllegalArgumentException for no values or a NaN among them (a repetition that measured nothing)
     */
    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a spread needs at least one value");
        }
        if (values.stream().anyMatch(value -> value == null || value.isNaN())) {
            throw new IllegalArgumentException("a spread cannot hold a missing value: " + values);
        }
        return new Spread(Stats.median(values), Stats.min(values), Stats.max(values), values.size());
    }

    /** {@code min–max} with the given decimals, or the one value when there is one. */
    String range(int decimals) {
        if (this.count == 1) {
            return Report.format(this.min, decimals);
        }
        return Report.format(this.min, decimals) + "–" + Report.format(this.max, decimals);
    }

    /** Whether the median is at most {@code limit}. */
    boolean medianAtMost(double limit) {
        return this.median <= limit;
    }
}
