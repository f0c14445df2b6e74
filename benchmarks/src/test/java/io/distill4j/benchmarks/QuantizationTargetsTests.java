package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuantizationTargetsTests {

    @Test
    void sectionListsTargetsInOrderAndCountsThoseMet() {
        QuantizationTargets targets = new QuantizationTargets();
        targets.add("size ours / -q", "0.990", "≤ 1.05", true);
        targets.add("latency ours / -q, batch 1 (p50)", "1.200", "≤ 1.0", false);

        String section = targets.section();

        assertThat(section).startsWith("## Targets\n\n| target | measured | required | verdict |\n");
        assertThat(section).containsSubsequence("| size ours / -q | 0.990 | ≤ 1.05 | met |",
                "| latency ours / -q, batch 1 (p50) | 1.200 | ≤ 1.0 | NOT met |");
        assertThat(section).endsWith("\n**1 of 2 targets met.**\n");
    }

    @Test
    void verdictSaysWhetherATargetWasMet() {
        assertThat(QuantizationTargets.verdict(true)).isEqualTo("met");
        assertThat(QuantizationTargets.verdict(false)).isEqualTo("NOT met");
    }
}
