package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.distill4j.api.distill.Augmentation;
import org.junit.jupiter.api.Test;

class DistillerBenchmarkAugmentationTests {

    @Test
    void theFlagIsNoneAutoOrAFixedNumberOfCopies() {
        assertThat(DistillerBenchmark.augmentation("none")).isEqualTo(Augmentation.none());
        assertThat(DistillerBenchmark.augmentation("auto")).isEqualTo(Augmentation.auto());
        assertThat(DistillerBenchmark.augmentation("6")).isEqualTo(Augmentation.ofDefaults().copiesPerExample(6));
        assertThat(DistillerBenchmark.USAGE).contains("[--augmentation none|auto|N]");
    }

    @Test
    void anythingElseIsRefusedNamingTheFlag() {
        assertThatIllegalArgumentException().isThrownBy(() -> DistillerBenchmark.augmentation("lots"))
                .withMessageContaining("--augmentation").withMessageContaining("lots");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillerBenchmark.augmentation("101"))
                .withMessageContaining("augmentation.copiesPerExample");
    }
}
