package io.distill4j.pipeline.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import io.distill4j.pipeline.student.LayeredBlock;
import io.distill4j.pipeline.student.StudentModel;

/**
 * The loss a {@link StudentTrainer} run minimises, and its sums over the current epoch: the objective's
 * loss, or with intermediate-layer distillation an {@link IntermediateDistillationLoss} around it whose
 * terms are summed as well. Sums are weighted by the rows of each batch, so a mean is per example.
 */
final class EpochLoss {

    private final Loss loss;

    private final IntermediateDistillationLoss layered;

    private final DistillationSchedule schedule;

    private double total;

    private final double[] parts = new double[3];

    private EpochLoss(Loss loss, IntermediateDistillationLoss layered, DistillationSchedule schedule) {
        this.loss = loss;
        this.layered = layered;
        this.schedule = schedule;
    }

    /**
     * The loss of the configured objective, inside an intermediate-distillation loss when one is given; for
     * classification with the configuration's {@link DistillationSchedule}.
     */
    static EpochLoss of(TrainerConfig config, IntermediateTraining intermediate, StudentModel model) {
        DistillationSchedule schedule = DistillationSchedule.of(config);
        Loss output = switch (config.objective()) {
            case CLASSIFICATION -> DistillationLoss.scheduled(schedule);
            case EMBEDDING_MSE -> EmbeddingDistillationLoss.mse();
            case EMBEDDING_COSINE -> EmbeddingDistillationLoss.cosine();
        };
        if (intermediate == null) {
            return new EpochLoss(output, null, schedule);
        }
        IntermediateDistillationLoss layered = IntermediateDistillationLoss.of(output, intermediate.hiddenWeight(),
                intermediate.attentionWeight(), ((LayeredBlock) model.block()).layers(),
                intermediate.teacher().layers());
        return new EpochLoss(layered, layered, schedule);
    }

    /** The DJL loss, for the trainer's configuration. */
    Loss loss() {
        return this.loss;
    }

    /** Clears the sums and moves the schedule to {@code epoch} (1-based). */
    void startEpoch(int epoch) {
        this.schedule.startEpoch(epoch);
        this.total = 0;
        Arrays.fill(this.parts, 0);
    }

    /** The loss of one batch of {@code rows} examples, added to the epoch's sums. */
    NDArray evaluate(NDList labels, NDList predictions, int rows) {
        NDArray value;
        if (this.layered != null) {
            IntermediateDistillationLoss.Parts terms = this.layered.parts(labels, predictions);
            value = terms.total();
            this.parts[0] += terms.output().getFloat() * rows;
            this.parts[1] += terms.hidden().getFloat() * rows;
            this.parts[2] += terms.attention().getFloat() * rows;
        }
        else {
            value = this.loss.evaluate(labels, predictions);
        }
        this.total += value.getFloat() * rows;
        return value;
    }

    /** The epoch's mean loss per example. */
    double epochMean(int examples) {
        return this.total / examples;
    }

    /** The epoch's mean loss terms by {@link TrainingProgress} name; empty without intermediate distillation. */
    Map<String, Double> epochParts(int examples) {
        if (this.layered == null) {
            return Map.of();
        }
        Map<String, Double> means = new LinkedHashMap<>();
        means.put(TrainingProgress.OUTPUT_LOSS, this.parts[0] / examples);
        means.put(TrainingProgress.HIDDEN_LOSS, this.parts[1] / examples);
        means.put(TrainingProgress.ATTENTION_LOSS, this.parts[2] / examples);
        return means;
    }
}
