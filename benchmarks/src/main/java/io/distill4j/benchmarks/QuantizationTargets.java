package io.distill4j.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The targets {@link QuantizationBenchmark} checks, in the order they were measured, and the report's
 * closing table of them: what was measured, what was required, and whether it was met.
 */
final class QuantizationTargets {

    private final List<List<String>> rows = new ArrayList<>();

    /** Records one target's outcome. */
    void add(String name, String measured, String required, boolean met) {
        this.rows.add(List.of(name, measured, required, verdict(met)));
    }

    /** The markdown section: every target and how many were met. */
    String section() {
        long met = this.rows.stream().filter(row -> row.get(3).equals(verdict(true))).count();
        return "## Targets\n\n" + Report.table(List.of("target", "measured", "required", "verdict"), this.rows)
                + "\n**" + met + " of " + this.rows.size() + " targets met.**\n";
    }

    /** The word the report uses for a target's outcome. */
    static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }
}
