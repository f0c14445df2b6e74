package io.distill4j.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A distillation job's progress on the command line: a bar redrawn in place on a terminal
 * ({@link TerminalProgress}), plain lines at most every few seconds and at every change of stage or state when
 * the output is a pipe or a log file ({@link PlainProgress}), or nothing. {@link #close()} shows the last state.
 */
interface JobProgress extends AutoCloseable {

    /** How progress is shown: {@code auto} is a bar on a terminal and lines otherwise. */
    enum Mode {
        AUTO, BAR, LINES, NONE
    }

    /**
     * Shows one progress event.
     * @param state the job's state, e.g. {@code RUNNING}
     * @param stage the stage, e.g. {@code TEACHER}
     * @param step steps done in the stage
     * @param totalSteps the stage's steps, or -1 if unknown
     * @param fraction the whole job's progress, 0 to 1
     * @param metrics the newest figures by name
     * @param eta the time left, or null if unknown
     */
    void update(String state, String stage, long step, long totalSteps, double fraction, Map<String, Double> metrics,
            Duration eta);

    @Override
    void close();

    /**
     * Progress for {@code task} on {@code out}.
     * @param terminal whether {@code out} is a terminal (decides {@link Mode#AUTO})
     */
    static JobProgress open(Mode mode, String task, PrintStream out, boolean terminal) {
        return switch (mode) {
            case BAR -> TerminalProgress.start(task, out);
            case LINES -> new PlainProgress(task, out, PlainProgress.DEFAULT_INTERVAL, System::nanoTime);
            case NONE -> new JobProgress() {

                @Override
                public void update(String state, String stage, long step, long totalSteps, double fraction,
                        Map<String, Double> metrics, Duration eta) {
                }

                @Override
                public void close() {
                }
            };
            case AUTO -> open(terminal ? Mode.BAR : Mode.LINES, task, out, terminal);
        };
    }

    /** "TEACHER 120/1000 loss=0.1234 accuracy=0.9100": the stage, its steps and up to two figures. */
    static String describe(String state, String stage, long step, long totalSteps, Map<String, Double> metrics) {
        StringBuilder message = new StringBuilder(state.equals("RUNNING") ? stage : state + " " + stage);
        if (totalSteps > 0) {
            message.append(' ').append(step).append('/').append(totalSteps);
        }
        if (!metrics.isEmpty()) {
            message.append(' ').append(metrics.entrySet().stream().limit(2)
                .map(metric -> metric.getKey() + "=" + String.format(Locale.ROOT, "%.4g", metric.getValue()))
                .collect(Collectors.joining(" ")));
        }
        return message.toString();
    }
}
