package io.distill4j.benchmarks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@link ColdStartProbe} JVM measured, in milliseconds, as it prints it on one line of its standard
 * output and the benchmark reads it back.
 *
 * @param jvmToMain the JVM's uptime when the probe's {@code main} began (class loading of the JDK and the probe)
 * @param open {@code OnnxInferenceEngine.open}: the repository read, no model yet
 * @param load the first {@code engine.load(name)} in the JVM: ONNX Runtime's native library, the session, the
 *     tokenizer and the load-time checks
 * @param firstAnswer the first {@code classify} or {@code embed} call right after it
 * @param reload {@code engine.load(name)} again after {@code unload(name)}, in the same (now warm) JVM
 * @param answerAfterReload the first answer of the reloaded model
 * @param answer what the first answer was, for the report: the top label, or the vector's dimension
 * @param phases in a probe run with {@code phases}, the parts of the first load timed one by one before it, in
 *     order (see {@link ColdStartProbe}); else empty
 */
record ProbeTimes(double jvmToMain, double open, double load, double firstAnswer, double reload,
        double answerAfterReload, String answer, Map<String, Double> phases) {

    /** The first word of the result line. */
    static final String RESULT = "cold-start-probe-result";

    /** The line the probe prints the moment its first answer has returned. */
    static final String FIRST_ANSWER = "cold-start-probe-first-answer";

    /** The prefix of a phase's key in the result line. */
    private static final String PHASE = "phase.";

    private static final List<String> KEYS = List.of("main", "open", "load", "first", "reload", "again", "answer");

    ProbeTimes {
        // Kept in the order the phases ran.
        phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /** From {@code load} to the first answer: what a caller waits for a model to serve in a fresh JVM. */
    double loadToFirstAnswer() {
        return this.load + this.firstAnswer;
    }

    /** The same for the reload in a warm JVM. */
    double reloadToAnswer() {
        return this.reload + this.answerAfterReload;
    }

    /** The result line: the {@link #RESULT} word, then {@code key=value} pairs separated by spaces. */
    String line() {
        StringBuilder line = new StringBuilder(RESULT).append(" main=").append(number(this.jvmToMain))
                .append(" open=").append(number(this.open)).append(" load=").append(number(this.load))
                .append(" first=").append(number(this.firstAnswer)).append(" reload=").append(number(this.reload))
                .append(" again=").append(number(this.answerAfterReload));
        this.phases.forEach((name, millis) -> line.append(' ').append(PHASE).append(name).append('=')
                .append(number(millis)));
        return line.append(" answer=").append(this.answer.replaceAll("\\s", "_")).toString();
    }

    /**
     * Finds the result line in a probe's output and reads it back.
     * @throws BenchmarkException if there is none, or a value is missing or not a number
     */
    static ProbeTimes parse(List<String> output) {
        String line = output.stream().filter(l -> l.startsWith(RESULT + " ")).reduce((a, b) -> b)
                .orElseThrow(() -> new BenchmarkException("The probe printed no '" + RESULT + "' line; its output:\n"
                        + String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size()))));
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : line.substring(RESULT.length()).trim().split(" +")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new BenchmarkException("Not a key=value pair in the probe's line: '" + pair + "' in " + line);
            }
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        for (String key : KEYS) {
            if (!values.containsKey(key)) {
                throw new BenchmarkException("The probe's line has no " + key + ": " + line);
            }
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            if (key.startsWith(PHASE) && key.length() > PHASE.length()) {
                phases.put(key.substring(PHASE.length()), millis(values, key, line));
            }
        }
        return new ProbeTimes(millis(values, "main", line), millis(values, "open", line), millis(values, "load", line),
                millis(values, "first", line), millis(values, "reload", line), millis(values, "again", line),
                values.get("answer"), phases);
    }

    private static double millis(Map<String, String> values, String key, String line) {
        double value;
        try {
            value = Double.parseDouble(values.get(key));
        }
        catch (NumberFormatException ex) {
            throw new BenchmarkException("The probe's " + key + " is not a number: " + line, ex);
        }
        if (!(value >= 0)) {
            throw new BenchmarkException("The probe's " + key + " must be a time of at least 0 ms: " + line);
        }
        return value;
    }

    private static String number(double millis) {
        return String.format(Locale.ROOT, "%.3f", millis);
    }
}
