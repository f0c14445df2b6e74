package io.distill4j.pipeline.report;

import java.time.Duration;

import io.distill4j.api.Checks;

/**
 * One epoch of a student's training, as the trainer records it and the report's training curve shows it:
 * the epoch's mean training loss, the validation score after it, the learning rate at its end and how long
 * it took. A figure that was not measured is {@code NaN}; the report's charts leave such points out.
 *
 * @param epoch the epoch, from 1
 * @param trainLoss the mean training loss over the epoch's examples
 * @param validationScore the validation score after the epoch, higher is better (the trainer's objective
 *     decides which score: accuracy, or the mean cosine similarity to the teacher's embeddings)
 * @param learningRate the learning rate after the epoch's last step, {@code >= 0} or {@code NaN}
 * @param duration the epoch's wall-clock time, training and validation together
 */
public record EpochRecord(int epoch, double trainLoss, double validationScore, double learningRate,
        Duration duration) {

    public EpochRecord {
        Checks.atLeast(epoch, 1, "epoch");
        if (learningRate < 0) {
            throw new IllegalArgumentException("learningRate of epoch " + epoch + " must be >= 0, was " + learningRate);
        }
        Checks.notNegative(duration, "duration");
    }
}
