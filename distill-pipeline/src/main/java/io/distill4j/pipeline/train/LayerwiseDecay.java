package io.distill4j.pipeline.train;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

/**
 * Layer-wise learning-rate decay (Howard and Ruder 2018; Clark et al. 2020, ELECTRA) as a DJL
 * {@link ParameterTracker}: AdamW asks it for each parameter's learning rate on every update, and it
 * answers the schedule's rate times the parameter's factor. With {@code L} encoder layers and decay
 * {@code d}, a parameter of layer {@code i} (0-based) gets {@code d^(L - i)}, an embedding parameter
 * {@code d^(L + 1)}, and every other parameter (the output layer) 1: the pre-trained lower layers move
 * least, the new head most.
 *
 * <p>A parameter's place is read from its name in the block, DJL's child prefix (two digits) removed: a
 * name starting {@code layer<i>_} is in layer {@code i}, a name starting {@code word_embeddings},
 * {@code position_embeddings} or {@code embeddings} is an embedding (the Transformer student's names).
 * {@code L} is one more than the largest layer index found; a block with no such names gets factor 1
 * everywhere.
 */
final class LayerwiseDecay implements ParameterTracker {

    private static final Pattern LAYER = Pattern.compile("^layer(\\d+)_");

    private final Tracker schedule;

    private final Map<String, Float> factors;

    private LayerwiseDecay(Tracker schedule, Map<String, Float> factors) {
        this.schedule = schedule;
        this.factors = factors;
    }

    /**
     * The schedule scaled per parameter of {@code block}.
     *
     * @param decay in {@code (0, 1]}
     */
    static LayerwiseDecay of(Block block, float decay, Tracker schedule) {
        Map<String, Integer> layerOf = new HashMap<>();
        int layers = 0;
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            String name = parameter.getKey().replaceFirst("^\\d+", "");
            Matcher matcher = LAYER.matcher(name);
            int layer = -2;
            if (matcher.find()) {
                layer = Integer.parseInt(matcher.group(1));
                layers = Math.max(layers, layer + 1);
            }
            else if (name.startsWith("word_embeddings") || name.startsWith("position_embeddings")
                    || name.startsWith("embeddings")) {
                layer = -1;
            }
            layerOf.put(parameter.getValue().getId(), layer);
        }
        Map<String, Float> factors = new HashMap<>();
        for (Map.Entry<String, Integer> entry : layerOf.entrySet()) {
            int layer = entry.getValue();
            float factor = (layer == -2) ? 1f : (float) Math.pow(decay, layers - layer);
            factors.put(entry.getKey(), factor);
        }
        return new LayerwiseDecay(schedule, Map.copyOf(factors));
    }

    /** The factor of a parameter by its id; 1 for a parameter this tracker was not built with. */
    float factor(String parameterId) {
        return this.factors.getOrDefault(parameterId, 1f);
    }

    @Override
    public float getNewValue(String parameterId, int numUpdate) {
        return this.schedule.getNewValue(numUpdate) * factor(parameterId);
    }
}
