package io.distill4j.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Argument checks for Distill4j's own modules; not meant for applications. Every failure is an
 * {@link IllegalArgumentException} whose message names the field and the limit, and ends with the
 * value that broke it ({@code "epochs must be >= 1, was 0"}). Each check returns its argument, so it
 * can be used inline in a constructor or builder.
 */
public final class Checks {

    private Checks() {
    }

    /** {@code value}, which must not be null: {@code "<field> must not be null"}. */
    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    /** {@code value}, which must hold a character other than white space. */
    public static String notBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /** {@code value}, which must be a path with at least one name. */
    public static Path path(Path value, String field) {
        notNull(value, field);
        if (value.toString().isEmpty()) {
            throw new IllegalArgumentException(field + " must not be an empty path");
        }
        return value;
    }

    /** {@code value}, which must lie in {@code [min, max]}. */
    public static int inRange(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /** {@code value}, which must lie in {@code [min, max]}; NaN never does. */
    public static double inRange(double value, double min, double max, String field) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /** {@code value}, which must be at least {@code min}. */
    public static int atLeast(int value, int min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** {@code value}, which must be at least {@code min}. */
    public static long atLeast(long value, long min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** {@code value}, which must lie in {@code [0, 1]}; NaN does not. */
    public static double probability(double value, String field) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], was " + value);
        }
        return value;
    }

    /** {@code value}, which must be neither NaN nor infinite. */
    public static double finite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number, was " + value);
        }
        return value;
    }

    /** {@code value}, which must not be null and must be longer than zero. */
    public static Duration positive(Duration value, String field) {
        notNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
        return value;
    }

    /** {@code value}, which must not be null nor negative (zero is allowed). */
    public static Duration notNegative(Duration value, String field) {
        notNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
        return value;
    }

    /**
     * An unmodifiable copy of {@code map} sorted by key. Keys must not be blank ({@code "<field> key"}),
     * values not null ({@code "<field>['<key>']"}).
     */
    public static <V> Map<String, V> sortedCopy(Map<String, V> map, String field) {
        return Collections.unmodifiableMap(new TreeMap<>(checkEntries(map, field)));
    }

    /** An unmodifiable copy of {@code map} in its own iteration order, checked as {@link #sortedCopy}. */
    public static <V> Map<String, V> orderedCopy(Map<String, V> map, String field) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(checkEntries(map, field)));
    }

    private static <V> Map<String, V> checkEntries(Map<String, V> map, String field) {
        notNull(map, field);
        map.forEach((key, value) -> {
            notBlank(key, field + " key");
            notNull(value, field + "['" + key + "']");
        });
        return map;
    }
}
