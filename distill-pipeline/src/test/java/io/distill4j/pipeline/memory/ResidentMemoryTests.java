package io.distill4j.pipeline.memory;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResidentMemoryTests {

    @Test
    void thePeakIsAtLeastTheCurrentSizeAndResetsToIt() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        long current = ResidentMemory.currentBytes().orElseThrow();
        long peak = ResidentMemory.peakBytes().orElseThrow();
        assertThat(current).isPositive();
        assertThat(peak).isGreaterThanOrEqualTo(current);
        if (ResidentMemory.resetPeak()) {
            long reset = ResidentMemory.peakBytes().orElseThrow();
            // The resident set may grow a little between the reads; the reset peak starts from it.
            assertThat(reset).isLessThanOrEqualTo(peak + (16L << 20)).isGreaterThanOrEqualTo(current / 2);
        }
    }

    @Test
    void trimmingTheNativeHeapReportsWhatItDid() {
        // HotSpot has had System.trim_native_heap on Linux since 17.0.9; elsewhere the result may be empty.
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        assertThat(ResidentMemory.trimNativeHeap()).hasValueSatisfying(
                line -> assertThat(line).containsIgnoringCase("trim").contains("RSS"));
    }
}
