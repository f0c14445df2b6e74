package io.distill4j.pipeline.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.AdamW;

/**
 * DJL's {@link AdamW}, unchanged, whose moment estimates can be read (to write a checkpoint) and
 * seeded (to resume from one).
 *
 * <p>DJL keeps AdamW's first and second moments in two private maps (parameter id → device → array)
 * and offers no public way to read or set them. AdamW obtains each of them, on every update, through
 * the protected hook {@code Optimizer.withDefaultState(map, parameterId, device, initial)}: first the
 * first moment's map, then the second's, creating the array with {@code initial} the first time. This
 * class overrides that hook only: it remembers the two maps (so the optimizer's own state can be read)
 * and, for a parameter with saved moments, makes {@code initial} return them instead of zeros. The
 * update itself, bias correction and the native kernel stay DJL's; the update count is restored with
 * the public {@code optBeginNumUpdate}. No reflection is used. Should a later DJL change the order in
 * which AdamW asks for its state, {@code CheckpointedAdamWTests} and the resume tests of {@link
 * StudentTrainer} would fail, and a third state map fails at once.
 *
 * <p>DJL detaches the moment arrays from every {@code NDManager}, so nothing would ever free them;
 * {@link #close()} does. It is idempotent; an update after it throws {@link IllegalStateException}.
 */
final class CheckpointedAdamW extends AdamW implements AutoCloseable {

    private final AtomicBoolean closed = new AtomicBoolean();

    /** AdamW's state maps in the order it asks for them: first moments, second moments. */
    private final List<Map<String, Map<Device, NDArray>>> states = new ArrayList<>(2);

    /** Saved {first, second} moments by parameter id, used once each when the state is created. */
    private final Map<String, float[][]> saved;

    /**
     * @param builder DJL's AdamW builder, fully configured
     * @param saved {first, second} moments by parameter id to start from; parameters not listed start at zero
     */
    CheckpointedAdamW(AdamW.Builder builder, Map<String, float[][]> saved) {
        super(builder);
        this.saved = Map.copyOf(saved);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (this.closed.get()) {
            throw new IllegalStateException("The optimizer is closed: its moment estimates are freed");
        }
        super.update(parameterId, weight, grad);
    }

    @Override
    protected NDArray withDefaultState(Map<String, Map<Device, NDArray>> state, String key, Device device,
            Function<String, NDArray> defaultFunction) {
        int moment = momentOf(state);
        float[][] values = this.saved.get(key);
        Function<String, NDArray> initial = defaultFunction;
        if (values != null) {
            initial = k -> {
                NDArray array = defaultFunction.apply(k);
                PyTorchRuntime.copyInto(array, values[moment]);
                return array;
            };
        }
        return super.withDefaultState(state, key, device, initial);
    }

    /**
     * The first and second moments of a parameter as {@code {first, second}}, or {@code null} before its
     * first update.
     */
    float[][] moments(String parameterId) {
        if (this.states.size() < 2) {
            return null;
        }
        float[] first = values(this.states.get(0), parameterId);
        float[] second = values(this.states.get(1), parameterId);
        return (first == null || second == null) ? null : new float[][] {first, second};
    }

    /** Frees the moment arrays. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            for (Map<String, Map<Device, NDArray>> state : this.states) {
                for (Map<Device, NDArray> perDevice : state.values()) {
                    perDevice.values().forEach(NDArray::close);
                }
                state.clear();
            }
        }
    }

    private int momentOf(Map<String, Map<Device, NDArray>> state) {
        for (int i = 0; i < this.states.size(); i++) {
            if (this.states.get(i) == state) {
                return i;
            }
        }
        if (this.states.size() == 2) {
            throw new IllegalStateException("DJL's AdamW asked for a third state map; this DJL version keeps its"
                    + " state differently and checkpoints cannot capture it");
        }
        this.states.add(state);
        return this.states.size() - 1;
    }

    private static float[] values(Map<String, Map<Device, NDArray>> state, String parameterId) {
        Map<Device, NDArray> perDevice = state.get(parameterId);
        if (perDevice == null || perDevice.isEmpty()) {
            return null;
        }
        return perDevice.values().iterator().next().toFloatArray();
    }
}
