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

    /**
     * Asks the C library to give memory freed by native code back to the operating system (HotSpot's
     * {@code System.trim_native_heap} diagnostic command, glibc's {@code malloc_trim}). ONNX Runtime and
     * PyTorch free their buffers into glibc's arenas, which otherwise keep them resident after a session
     * is closed; the staged pipeline calls this between stages so the next stage starts from what is
     * really in use.
     *
     * @return the command's one-line report, or empty where the JVM or the platform lacks it
     */
    public static java.util.Optional<String> trimNativeHeap() {
        try {
            Object result = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[] {null}, new String[] {String[].class.getName()});
            return java.util.Optional.ofNullable(result).map(Object::toString).map(String::strip);
        }
        catch (Exception | LinkageError ex) {
            logger.debug("Could not trim the native heap: {}", ex.toString());
            return java.util.Optional.empty();
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
