package io.distill4j.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A job's progress as a bar redrawn in place on a terminal: the whole job (the events' {@code fraction}), the
 * stage, its step count and the newest figures beside it, and the job's own estimate of the time left. Drawn
 * by the {@code progressbar} library on its own thread; {@link #close()} draws the last state and ends the line.
 */
final class TerminalProgress implements JobProgress {

    /** The bar counts thousandths of the job. */
    private static final long SCALE = 1000;

    private final ProgressBar bar;

    private volatile Duration eta;

    private TerminalProgress(String task, PrintStream out) {
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(SCALE)
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(out))
            .setUpdateIntervalMillis(500).setEtaFunction(state -> Optional.ofNullable(this.eta)).build();
    }

    /** A bar named {@code task} drawn on {@code out}; the caller closes it. */
    static TerminalProgress start(String task, PrintStream out) {
        return new TerminalProgress(task, out);
    }

    @Override
    public void update(String state, String stage, long step, long totalSteps, double fraction,
            Map<String, Double> metrics, Duration eta) {
        this.eta = eta;
        this.bar.setExtraMessage(JobProgress.describe(state, stage, step, totalSteps, metrics));
        this.bar.stepTo(Math.round(Math.max(0, Math.min(1, fraction)) * SCALE));
    }

    @Override
    public void close() {
        this.bar.close();
    }
}
