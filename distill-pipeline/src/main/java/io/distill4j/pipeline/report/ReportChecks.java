package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Argument checks whose messages name the field; every failure is an {@link IllegalArgumentException}. */
final class ReportChecks {

    private ReportChecks() {
    }

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static String notBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    static Duration notNegative(Duration value, String field) {
        notNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
        return value;
    }

    static long atLeast(long value, long min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** An unmodifiable copy sorted by key; keys must not be blank, values not null. */
    static <V> Map<String, V> sortedCopy(Map<String, V> map, String field) {
        return Collections.unmodifiableMap(new TreeMap<>(checkEntries(map, field)));
    }

    /** An unmodifiable copy in the map's own iteration order; keys must not be blank, values not null. */
    static <V> Map<String, V> orderedCopy(Map<String, V> map, String field) {
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
