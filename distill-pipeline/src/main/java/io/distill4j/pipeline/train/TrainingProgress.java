package io.distill4j.pipeline.train;

import java.time.Duration;
import java.util.Optional;

/**
 * Training progress: after every step (loss and score NaN, ETA present) and after every epoch (the
 * epoch's mean training loss and validation score, no ETA). After a resume, {@code step} counts from
 * the start of the run, not of the call.
 */
public record TrainingProgress(int epoch, int step, int totalSteps, double trainLoss, double validationScore,
        Optional<Duration> eta) {
}
