package io.distill4j.pipeline.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident memory of this process, as Linux reports it in {@code /proc/self/status}: the current
 * resident set ({@code VmRSS}) and its high-water mark ({@code VmHWM}), which {@link #resetPeak()} sets
 * back to the current value (Linux 4.0 and later), so that each stage of a job can report its own peak.
 * Elsewhere every value is empty. Resident memory counts the JVM heap actually touched plus every
 * native allocation (ONNX Runtime, PyTorch), which is what decides whether a job fits on a machine.
 */
public final class ResidentMemory {

    private static final Logger logger = LoggerFactory.getLogger(ResidentMemory.class);

    private static final Path STATUS = Path.of("/proc/self/status");

    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ResidentMemory() {
    }

    /** The current resident set size in bytes. */
    public static OptionalLong currentBytes() {
        return read("VmRSS:");
    }

    /** The largest resident set size since the process started or since the last {@link #resetPeak()}. */
    public static OptionalLong peakBytes() {
        return read("VmHWM:");
    }

    /**
     * Sets the high-water mark back to the current resident set size.
     *
     * @return whether the kernel took it; where it did not, {@link #peakBytes()} stays the process's peak
     */
    public static boolean resetPeak() {
        if (!Files.isWritable(CLEAR_REFS)) {
            return false;
        }
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
            return true;
        }
        catch (IOException | RuntimeException ex) {
            logger.debug("Could not reset the peak resident set size: {}", ex.toString());
            return false;
        }
    }

    private static OptionalLong read(String field) {
        if (!Files.isReadable(STATUS)) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.debug("Could not read {} from {}: {}", field, STATUS, ex.toString());
        }
        return OptionalLong.empty();
    }
}
