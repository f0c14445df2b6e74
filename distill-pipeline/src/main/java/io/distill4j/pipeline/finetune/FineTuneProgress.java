package io.distill4j.pipeline.finetune;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How far a fine-tuning is: an event after every step (loss and accuracy NaN, speed and ETA present)
 * and after every epoch (the epoch's mean training loss and validation accuracy).
 *
 * @param epoch the epoch under way or just ended, 1-based
 * @param epochs the most epochs the run may take
 * @param step steps done since the run started (a resumed run counts from its start)
 * @param totalSteps steps of the whole run if it does not stop early
 * @param trainLoss the epoch's mean training loss; NaN on a step event
 * @param validationAccuracy the epoch's validation accuracy; NaN on a step event
 * @param stepsPerSecond steps per second in this call so far
 * @param eta the time left at that speed; empty on an epoch event
 */
public record FineTuneProgress(int epoch, int epochs, int step, int totalSteps, double trainLoss,
        double validationAccuracy, double stepsPerSecond, Optional<Duration> eta) {

    /** Whether this event closes an epoch. */
    public boolean epochEnd() {
        return !Double.isNaN(this.validationAccuracy);
    }

    /**
     * A line for people: {@code fine-tuning epoch 1/3, step 120 of 6300, 2.10 steps/s, ETA 49m 10s}, or at an
     * epoch's end {@code fine-tuning epoch 1/3 done: loss 0.4123, validation accuracy 0.8812}.
     */
    public String line() {
        if (epochEnd()) {
            return String.format(Locale.ROOT, "fine-tuning epoch %d/%d done: loss %.4f, validation accuracy %.4f",
                    this.epoch, this.epochs, this.trainLoss, this.validationAccuracy);
        }
        return String.format(Locale.ROOT, "fine-tuning epoch %d/%d, step %d of %d, %.2f steps/s, ETA %s", this.epoch,
                this.epochs, this.step, this.totalSteps, this.stepsPerSecond,
                this.eta.map(FineTuneProgress::format).orElse("unknown"));
    }

    private static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return seconds >= 60 ? String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60) : seconds + "s";
    }
}
