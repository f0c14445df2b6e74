package io.distill4j.pipeline.train;

import java.time.Duration;

/**
 * One epoch.
 * @param trainLoss the mean training loss over the epoch's examples
 * @param validationScore see {@link TrainingResult#bestValidationScore()}
 * @param learningRate the learning rate after the epoch's last step
 */
public record TrainingEpoch(int epoch, double trainLoss, double validationScore, float learningRate,
        Duration duration) {
}
