package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.Locale;

/** Escaping and number formatting for the HTML report; numbers use {@link Locale#ROOT}. */
final class Html {

    /** What a number that is not known reads as. */
    static final String UNKNOWN = "n/a";

    private Html() {
    }

    /**
     * Text made safe for element content and quoted attribute values: {@code & < > " '} become
     * references, and control characters other than tab, line feed and carriage return become U+FFFD.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** A metric value with four decimals. */
    static String metric(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : UNKNOWN;
    }

    /** A count with thousands separators; a negative count is unknown. */
    static String count(long value) {
        return value < 0 ? UNKNOWN : String.format(Locale.ROOT, "%,d", value);
    }

    /** A size in binary units, e.g. {@code 12.3 MiB}; a negative size is unknown. */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return UNKNOWN;
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** A latency in milliseconds. */
    static String millis(double value) {
        return Double.isFinite(value) && value >= 0 ? String.format(Locale.ROOT, "%.2f ms", value) : UNKNOWN;
    }

    /** A throughput in texts per second. */
    static String throughput(double value) {
        return Double.isFinite(value) && value >= 0 ? String.format(Locale.ROOT, "%,.1f texts/s", value) : UNKNOWN;
    }

    /** A share as a percentage with one decimal. */
    static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f %%", 100 * share) : UNKNOWN;
    }

    /** A general number: up to six significant digits. */
    static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.6g", value).replaceFirst("\\.?0+(e|$)", "$1")
                : UNKNOWN;
    }

    /** A duration for people: {@code 450 ms}, {@code 12.5 s}, {@code 3 min 04 s}, {@code 1 h 02 min}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
    }
}
