package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags given as {@code --name value} pairs, shared by every benchmark's options. Each getter
 * takes its flag out of the set, so that {@link #requireNoneLeft()} can reject the flags nobody asked for.
 * Every problem is a {@link BenchmarkException} carrying the benchmark's usage text.
 */
final class Flags {

    private final Map<String, String> values;

    private final String usage;

    private Flags(Map<String, String> values, String usage) {
        this.values = values;
        this.usage = usage;
    }

    /** Reads {@code --name value} pairs; a later pair with the same name wins. */
    static Flags parse(String usage, String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--") || i + 1 >= args.length) {
                throw usage(usage, "expected --flag value but found '" + flag + "'");
            }
            values.put(flag.substring(2), args[++i]);
        }
        return new Flags(values, usage);
    }

    /** A flag that must be given and not blank. */
    String required(String name) {
        String value = this.values.remove(name);
        if (value == null || value.isBlank()) {
            throw usage("--" + name + " is required");
        }
        return value;
    }

    String string(String name, String fallback) {
        String value = this.values.remove(name);
        return value != null ? value : fallback;
    }

    /**
     * The report file: {@code --out} if given, else {@code defaultFileName} in {@code --out-dir} (itself
     * defaulting to the working directory). The Maven execution passes {@code --out-dir target}, so each
     * benchmark keeps its own file name there.
     */
    Path out(String defaultFileName) {
        String directory = this.values.remove("out-dir");
        String file = this.values.remove("out");
        if (file != null) {
            return Path.of(file);
        }
        return directory != null ? Path.of(directory, defaultFileName) : Path.of(defaultFileName);
    }

    /** The work directory: {@code --work-dir}, else a folder in {@code java.io.tmpdir}. */
    Path workDirectory() {
        return Path.of(string("work-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "distill4j-benchmarks").toString()));
    }

    int positiveInt(String name, int fallback) {
        return positiveInt(this.values.remove(name), fallback, name);
    }

    /** A number within {@code [minimum, maximum]}. */
    double number(String name, double fallback, double minimum, double maximum) {
        String value = this.values.remove(name);
        if (value == null) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(value.trim());
        }
        catch (NumberFormatException ex) {
            throw usage("--" + name + " must be a number, was " + value);
        }
        if (!(parsed >= minimum && parsed <= maximum)) {
            throw usage("--" + name + " must be between " + minimum + " and " + maximum + ", was " + value);
        }
        return parsed;
    }

    /** A duration given in (possibly fractional) seconds, at least {@code minimum} and at most an hour. */
    Duration seconds(String name, double fallback, double minimum) {
        return Duration.ofMillis(Math.round(number(name, fallback, minimum, 3600) * 1000));
    }

    /** Comma-separated names out of {@code known}, without repeats and in {@code known}'s order. */
    List<String> names(String name, List<String> known) {
        String value = this.values.remove(name);
        if (value == null) {
            return known;
        }
        List<String> names = new ArrayList<>();
        for (String part : value.split(",")) {
            String trimmed = part.trim();
            if (!known.contains(trimmed)) {
                throw usage("unknown name '" + trimmed + "'; known: " + known);
            }
            if (!names.contains(trimmed)) {
                names.add(trimmed);
            }
        }
        // Keep the canonical order so interleaving and tables read the same in every run.
        names.sort((a, b) -> Integer.compare(known.indexOf(a), known.indexOf(b)));
        return List.copyOf(names);
    }

    /** Comma-separated whole numbers of at least 1, sorted, without repeats. */
    List<Integer> positiveInts(String name, String fallback) {
        String value = this.values.remove(name);
        List<Integer> parsed = new ArrayList<>();
        for (String part : (value != null ? value : fallback).split(",")) {
            parsed.add(positiveInt(part.trim(), 0, name));
        }
        return parsed.stream().distinct().sorted().toList();
    }

    /** Rejects whatever flags no getter took. */
    void requireNoneLeft() {
        if (!this.values.isEmpty()) {
            throw usage("unknown flag(s) " + this.values.keySet());
        }
    }

    /** A duration as seconds, without a fractional part when it has none: {@code 4}, {@code 0.5}. */
    static String format(Duration duration) {
        double s = duration.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private int positiveInt(String value, int fallback, String name) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 1) {
                throw usage("--" + name + " must be at least 1, was " + value);
            }
            return parsed;
        }
        catch (NumberFormatException ex) {
            throw usage("--" + name + " must be a whole number, was " + value);
        }
    }

    private BenchmarkException usage(String problem) {
        return usage(this.usage, problem);
    }

    private static BenchmarkException usage(String usage, String problem) {
        return new BenchmarkException(problem + System.lineSeparator() + usage);
    }
}
