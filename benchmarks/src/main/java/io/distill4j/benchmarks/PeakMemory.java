package io.distill4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The peak resident set size of this process (the JVM with every native library it loaded, libtorch
 * included), as Linux reports it in {@code /proc/self/status} ({@code VmHWM}): the same figure as
 * Python's {@code resource.getrusage(RUSAGE_SELF).ru_maxrss}, which the PyTorch script reports.
 */
final class PeakMemory {

    /** What {@link #residentBytes()} returns where the figure cannot be read (not Linux). */
    static final long UNKNOWN = -1;

    private static final String HIGH_WATER_MARK = "VmHWM:";

    private PeakMemory() {
    }

    /** The process's peak resident memory in bytes so far, or {@link #UNKNOWN}. */
    static long residentBytes() {
        try {
            return highWaterMark(Files.readAllLines(Path.of("/proc/self/status")));
        }
        catch (IOException | RuntimeException ex) {
            return UNKNOWN;
        }
    }

    /** The {@code VmHWM} line of a {@code /proc/<pid>/status} listing (in kB there) in bytes, or {@link #UNKNOWN}. */
    static long highWaterMark(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith(HIGH_WATER_MARK)) {
                String[] parts = line.substring(HIGH_WATER_MARK.length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) * 1024;
                }
                catch (NumberFormatException ex) {
                    return UNKNOWN;
                }
            }
        }
        return UNKNOWN;
    }
}
