package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.Map;

import io.distill4j.api.Checks;

/** Argument checks of the trial and epoch records; each one is {@link Checks}' check of the same name. */
final class ReportChecks {

    private ReportChecks() {
    }

    static <T> T notNull(T value, String field) {
        return Checks.notNull(value, field);
    }

    static String notBlank(String value, String field) {
        return Checks.notBlank(value, field);
    }

    static Duration notNegative(Duration value, String field) {
        return Checks.notNegative(value, field);
    }

    static long atLeast(long value, long min, String field) {
        return Checks.atLeast(value, min, field);
    }

    static <V> Map<String, V> sortedCopy(Map<String, V> map, String field) {
        return Checks.sortedCopy(map, field);
    }
}
