package io.distill4j.samples.grpcclients;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A distillation job's progress in the terminal: one bar for the whole job (the events' {@code fraction}),
 * the stage, its step count and the newest figures beside it, and the job's own estimate of the time left.
 * Drawn by the {@code progressbar} library on its own thread; {@link #close()} draws the last state and
 * ends the line. Used by {@link DistillClient} (events from {@code Watch}) and by the platform server's
 * {@code --distill} (events from the {@code Distiller}).
 */
public final class JobProgressBar implements AutoCloseable {

    /** The bar counts thousandths of the job. */
    private static final long SCALE = 1000;

    /** Figures shown beside the bar. */
    private static final int SHOWN_METRICS = 2;

    private final ProgressBar bar;

    private volatile Duration eta;

    private JobProgressBar(String task, PrintStream out) {
        boolean console = System.console() != null && out == System.out;
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(SCALE)
            .setStyle(console ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
            .setConsumer(console ? new ConsoleProgressBarConsumer(out) : new ConsoleProgressBarConsumer(out, 120))
            .setUpdateIntervalMillis(500).setEtaFunction(state -> Optional.ofNullable(this.eta)).build();
    }

    /** A bar named {@code task} drawn on {@code out}; the caller closes it. */
    public static JobProgressBar start(String task, PrintStream out) {
        return new JobProgressBar(task, out);
    }

    /**
     * Shows one progress event.
     * @param state the job's state, e.g. {@code RUNNING}
     * @param stage the stage, e.g. {@code TEACHER}
     * @param step steps done in the stage
     * @param totalSteps the stage's steps, or -1 if unknown
     * @param fraction the whole job's progress, 0 to 1
     * @param metrics the newest figures by name
     * @param etaSeconds the time left, or -1 if unknown
     */
    public void update(String state, String stage, long step, long totalSteps, double fraction,
            Map<String, Double> metrics, long etaSeconds) {
        this.eta = etaSeconds >= 0 ? Duration.ofSeconds(etaSeconds) : null;
        StringBuilder message = new StringBuilder(state.equals("RUNNING") ? stage : state + " " + stage);
        if (totalSteps > 0) {
            message.append(' ').append(step).append('/').append(totalSteps);
        }
        if (!metrics.isEmpty()) {
            message.append(' ').append(metrics.entrySet().stream().limit(SHOWN_METRICS)
                .map(metric -> metric.getKey() + "=" + String.format(Locale.ROOT, "%.4g", metric.getValue()))
                .collect(Collectors.joining(" ")));
        }
        this.bar.setExtraMessage(message.toString());
        this.bar.stepTo(Math.round(Math.max(0, Math.min(1, fraction)) * SCALE));
    }

    @Override
    public void close() {
        this.bar.close();
    }
}
