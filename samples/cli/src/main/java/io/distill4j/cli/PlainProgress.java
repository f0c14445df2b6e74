package io.distill4j.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A job's progress as plain lines, for a pipe or a log file where a redrawn bar would become one line per
 * redraw: a line when the stage or the state changes, and otherwise at most one per interval (10 s by
 * default), e.g. {@code [ 42%] intents TUNING 3/6 accuracy=0.9100 (about 2m10s left)}. {@link #close()}
 * prints the last event if it was held back.
 */
final class PlainProgress implements JobProgress {

    /** The most often an unchanged stage is reported. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final String task;

    private final PrintStream out;

    private final long intervalNanos;

    private final LongSupplier nanoClock;

    private String lastStage;

    private long lastPrinted;

    private String pending;

    /**
     * @param interval the most often a line is printed while the stage and state stay the same
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a test's own)
     */
    PlainProgress(String task, PrintStream out, Duration interval, LongSupplier nanoClock) {
        this.task = task;
        this.out = out;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized void update(String state, String stage, long step, long totalSteps, double fraction,
            Map<String, Double> metrics, Duration eta) {
        String line = String.format(Locale.ROOT, "[%3d%%] %s %s%s", Math.round(Math.max(0, Math.min(1, fraction))
                * 100), this.task, JobProgress.describe(state, stage, step, totalSteps, metrics),
                eta == null ? "" : " (about " + format(eta) + " left)");
        String stageKey = state + " " + stage;
        long now = this.nanoClock.getAsLong();
        if (!stageKey.equals(this.lastStage) || now - this.lastPrinted >= this.intervalNanos) {
            this.out.println(line);
            this.lastStage = stageKey;
            this.lastPrinted = now;
            this.pending = null;
        }
        else {
            this.pending = line;
        }
    }

    @Override
    public synchronized void close() {
        if (this.pending != null) {
            this.out.println(this.pending);
            this.pending = null;
        }
        this.out.flush();
    }

    /** "1h02m", "2m10s", "45s". */
    static String format(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
    }
}
