package io.distill4j.pipeline.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.report.EpochRecord;

/**
 * Where a run stands, as plain Java values: what a {@link TrainingCheckpoint} holds. The trainer updates the
 * fields as epochs end, writes a checkpoint from them and, at the end, puts the best epoch's weights back.
 */
final class RunState {

    int epoch;

    int step;

    final List<EpochRecord> history = new ArrayList<>();

    double best = Double.NEGATIVE_INFINITY;

    int bestEpoch;

    float[][] bestWeights;

    long elapsedNanos;

    /** Loads {@code checkpoint}: the block's weights, this state, and the optimizer's moments by parameter id. */
    void resume(TrainingCheckpoint checkpoint, Block block, Map<String, float[][]> moments) {
        ParameterList parameters = block.getParameters();
        List<TrainingCheckpoint.ParameterState> saved = checkpoint.parameters();
        if (saved.size() != parameters.size()) {
            throw new DistillationException(null, "The training checkpoint holds " + saved.size()
                    + " parameters, the model has " + parameters.size(), null);
        }
        for (int i = 0; i < saved.size(); i++) {
            long size = parameters.get(i).getValue().getArray().size();
            if (!saved.get(i).name().equals(parameters.keys().get(i)) || saved.get(i).weights().length != size) {
                throw new DistillationException(null, "The training checkpoint's parameter " + i + " is "
                        + saved.get(i).name() + " with " + saved.get(i).weights().length + " values, the model's is "
                        + parameters.keys().get(i) + " with " + size, null);
            }
        }
        float[][] weights = new float[saved.size()][];
        boolean hasBest = !saved.isEmpty() && saved.get(0).best() != null;
        float[][] best = hasBest ? new float[saved.size()][] : null;
        for (int i = 0; i < saved.size(); i++) {
            TrainingCheckpoint.ParameterState parameter = saved.get(i);
            weights[i] = parameter.weights();
            if (hasBest) {
                best[i] = parameter.best();
            }
            if (parameter.firstMoment() != null && parameter.secondMoment() != null) {
                moments.put(parameters.get(i).getValue().getId(), new float[][] {parameter.firstMoment(), parameter.secondMoment()});
            }
        }
        BlockWeights.restore(block, weights);
        this.epoch = checkpoint.epoch();
        this.step = checkpoint.step();
        this.history.addAll(checkpoint.history());
        this.best = checkpoint.bestScore();
        this.bestEpoch = checkpoint.bestEpoch();
        this.bestWeights = best;
        this.elapsedNanos = checkpoint.elapsedNanos();
    }

    TrainingCheckpoint checkpoint(String fingerprint, Map<String, String> components, boolean finished, Block block,
            CheckpointedAdamW optimizer) {
        ParameterList parameters = block.getParameters();
        List<TrainingCheckpoint.ParameterState> saved = new ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            Parameter parameter = parameters.get(i).getValue();
            float[][] moments = optimizer.moments(parameter.getId());
            saved.add(new TrainingCheckpoint.ParameterState(parameters.keys().get(i),
                    parameter.getArray().getShape().getShape(), parameter.getArray().toFloatArray(),
                    moments != null ? moments[0] : null, moments != null ? moments[1] : null,
                    this.bestWeights != null ? this.bestWeights[i] : null));
        }
        return new TrainingCheckpoint(fingerprint, components, this.epoch, this.step, finished, this.best,
                this.bestEpoch, this.elapsedNanos, this.history, saved);
    }

    /** Puts the best epoch's weights into the block and describes the run. */
    TrainingResult finish(Block block) {
        if (this.bestWeights != null) {
            BlockWeights.restore(block, this.bestWeights);
        }
        return new TrainingResult(this.bestEpoch, this.history.size(), this.best, this.history,
                Duration.ofNanos(this.elapsedNanos));
    }
}
