package io.distill4j.pipeline.train;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Training progress: after every step (loss and score NaN, ETA present) and after every epoch (the
 * epoch's mean training loss and validation score, no ETA). After a resume, {@code step} counts from
 * the start of the run, not of the call.
 *
 * @param lossParts with intermediate-layer distillation, the epoch event's mean loss terms by name
 *     ({@value #OUTPUT_LOSS}, {@value #HIDDEN_LOSS}, {@value #ATTENTION_LOSS}, unweighted; see
 *     {@link IntermediateDistillationLoss}); empty otherwise and on step events
 */
public record TrainingProgress(int epoch, int step, int totalSteps, double trainLoss, double validationScore,
        Optional<Duration> eta, Map<String, Double> lossParts) {

    /** The output loss term. */
    public static final String OUTPUT_LOSS = "output";

    /** The mean hidden-state MSE term. */
    public static final String HIDDEN_LOSS = "hidden";

    /** The mean attention KL term. */
    public static final String ATTENTION_LOSS = "attention";

    public TrainingProgress {
        Objects.requireNonNull(eta, "eta");
        lossParts = Map.copyOf(lossParts);
    }

    /** An event without loss terms. */
    public TrainingProgress(int epoch, int step, int totalSteps, double trainLoss, double validationScore,
            Optional<Duration> eta) {
        this(epoch, step, totalSteps, trainLoss, validationScore, eta, Map.of());
    }
}
