package io.distill4j.pipeline.report;

import io.distill4j.api.Checks;

/**
 * One point of the training curve of the final student: the epoch's mean training loss, the validation
 * score after it and the learning rate at its end. A figure that was not measured is {@code NaN}; the
 * report's charts leave such points out.
 *
 * @param epoch the epoch, from 1
 * @param trainLoss the mean training loss over the epoch
 * @param validationScore the report's metric on the validation split after the epoch
 * @param learningRate the learning rate at the end of the epoch, {@code >= 0} or {@code NaN}
 */
public record EpochRecord(int epoch, double trainLoss, double validationScore, double learningRate) {

    public EpochRecord {
        Checks.atLeast(epoch, 1, "epoch");
        if (learningRate < 0) {
            throw new IllegalArgumentException("learningRate of epoch " + epoch + " must be >= 0, was " + learningRate);
        }
    }
}
