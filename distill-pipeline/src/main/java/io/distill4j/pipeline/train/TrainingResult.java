package io.distill4j.pipeline.train;

import java.time.Duration;
import java.util.List;

import io.distill4j.pipeline.report.EpochRecord;

/**
 * The outcome: the model holds the best epoch's weights.
 *
 * @param bestEpoch the epoch whose weights were kept (1-based)
 * @param epochs the epochs run (early stopping may end before the maximum)
 * @param bestValidationScore the best epoch's validation score, higher is better: accuracy for
 *     {@link Objective#CLASSIFICATION}, the mean cosine similarity between the student's (projected)
 *     embeddings and the teacher's, in {@code [-1, 1]}, for the embedding objectives
 * @param history every epoch, those before a resume included
 * @param elapsed training time until the last epoch ended, summed over resumed calls
 */
public record TrainingResult(int bestEpoch, int epochs, double bestValidationScore, List<EpochRecord> history,
        Duration elapsed) {

    public TrainingResult {
        history = List.copyOf(history);
    }
}
