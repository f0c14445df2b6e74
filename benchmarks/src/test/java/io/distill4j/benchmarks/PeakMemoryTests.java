package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class PeakMemoryTests {

    @Test
    void highWaterMarkIsReadInKilobytesAndGivenInBytes() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 9000000 kB", "VmHWM:\t  123456 kB", "VmRSS:\t 100 kB");

        assertThat(PeakMemory.highWaterMark(status)).isEqualTo(123456L * 1024);
    }

    @Test
    void listingWithoutAHighWaterMarkIsUnknown() {
        assertThat(PeakMemory.highWaterMark(List.of("Name:\tjava", "VmRSS:\t 100 kB"))).isEqualTo(PeakMemory.UNKNOWN);
        assertThat(PeakMemory.highWaterMark(List.of("VmHWM:\t lots kB"))).isEqualTo(PeakMemory.UNKNOWN);
    }
}
