package io.distill4j.engine.batching;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Batches only as far as batching makes items cheaper, on the machine the model runs on. Whether it does depends on
 * the processor, the model and the text lengths: a batch of 16 MiniLM sentences cost 1/1.66 of 16 single runs per
 * sentence on one 2-core machine and 1/1.06 on another, and on the second a batcher that always fills batches
 * queues requests for nothing.
 *
 * <p>The policy keeps, per bucket (a length class of texts) and per batch size class (1, 2, 4, 8, ...), what an
 * item costs in a batch of that size: seeded by a short calibration when the model loads, then refined from every
 * batch that runs (an exponentially weighted mean). The <em>gain</em> of a size class is its cost per item over
 * that of one item alone. A free instance takes:
 * <ul>
 * <li>at most its share of the waiting items when other instances are idle too, so that none waits idle while one
 * runs a batch;</li>
 * <li>the size class with the lowest cost per item up to what waits, where a larger class must be at least
 * {@value #MARGIN_PERCENT} % cheaper per item than the best smaller one, so that equal costs keep batches small
 * (they cost latency and no throughput); when the largest class that fits is the cheapest, every waiting item up to
 * the cap;</li>
 * <li>one class larger than its choice once every {@value #EXPLORE_EVERY} decisions that could, so that estimates
 * of the next size stay current when the machine's load changes.</li>
 * </ul>
 * A bucket without measurements of its own uses the gains measured across buckets (they are properties of the model
 * and the machine more than of the length); a size class nobody has measured is tried once, when enough items wait.
 * It never holds a request back: {@link #worthWaiting} is false while no size class is cheaper per item than one.
 *
 * <p>Decisions depend only on the timings reported through {@link #ran} (no clock of its own), so a test that reports
 * timings gets the same decisions every time. Thread-safe.
 */
public final class AdaptiveBatchPolicy implements BatchPolicy {

    /** How much cheaper per item a larger size class must be, in percent, to be chosen over a smaller one. */
    public static final int MARGIN_PERCENT = 5;

    /** One decision in this many that could take a larger batch takes one class more, to measure it. */
    public static final int EXPLORE_EVERY = 32;

    private static final double MARGIN = MARGIN_PERCENT / 100.0;

    /** Weight of a new timing in the running estimate. */
    private static final double SMOOTHING = 0.2;

    /** Size classes 1 .. 2^(CLASSES - 1). */
    private static final int CLASSES = 16;

    private final Map<Integer, Costs> buckets = new HashMap<>();

    /** Gains of each size class measured across buckets, {@code NaN} where none was. */
    private final double[] sharedGains = nanArray();

    /** A policy with no measurements: the first batches of each size class measure it. */
    public AdaptiveBatchPolicy() {
    }

    @Override
    public synchronized int batchSize(int bucket, int queued, int idleInstances, int maxBatchSize) {
        int limit = Math.min(queued, maxBatchSize);
        if (idleInstances > 1) {
            limit = Math.min(limit, (queued + idleInstances - 1) / idleInstances);
        }
        if (limit <= 1) {
            return 1;
        }
        Costs costs = this.buckets.computeIfAbsent(bucket, key -> new Costs());
        int best = 0;
        double bestGain = 1.0;
        int top = sizeClass(limit, false);
        for (int k = 1; k <= top; k++) {
            double gain = gain(costs, k);
            if (Double.isNaN(gain)) {
                return 1 << k;
            }
            if (gain < bestGain * (1 - MARGIN)) {
                best = k;
                bestGain = gain;
            }
        }
        costs.decisions++;
        if (best < top && costs.decisions % EXPLORE_EVERY == 0) {
            return 1 << (best + 1);
        }
        return best == top ? limit : 1 << best;
    }

    @Override
    public synchronized boolean worthWaiting(int bucket) {
        Costs costs = this.buckets.get(bucket);
        for (int k = 1; k < CLASSES; k++) {
            double gain = costs == null ? this.sharedGains[k] : gain(costs, k);
            if (gain < 1 - MARGIN) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void ran(int bucket, int size, long nanos) {
        if (size < 1 || nanos < 0) {
            return;
        }
        Costs costs = this.buckets.computeIfAbsent(bucket, key -> new Costs());
        int k = sizeClass(size, true);
        double perItem = (double) nanos / size;
        double old = costs.perItem[k];
        costs.perItem[k] = Double.isNaN(old) ? perItem : old + SMOOTHING * (perItem - old);
        double single = costs.perItem[0];
        if (Double.isNaN(single) || single <= 0) {
            return;
        }
        if (k > 0) {
            share(k, costs.perItem[k] / single);
        }
        else {
            for (int j = 1; j < CLASSES; j++) {
                if (!Double.isNaN(costs.perItem[j])) {
                    share(j, costs.perItem[j] / single);
                }
            }
        }
    }

    /** Folds one bucket's gain of size class {@code k} into the gains shared across buckets. */
    private void share(int k, double gain) {
        double shared = this.sharedGains[k];
        this.sharedGains[k] = Double.isNaN(shared) ? gain : shared + SMOOTHING * (gain - shared);
    }

    /**
     * The current gains of a bucket, cost per item of a batch of 2, 4, 8, ... over one alone, up to {@code maxBatchSize};
     * {@code NaN} where nothing is known yet.
     */
    public synchronized double[] gains(int bucket, int maxBatchSize) {
        Costs costs = this.buckets.get(bucket);
        int top = sizeClass(Math.max(1, maxBatchSize), false);
        double[] gains = new double[top];
        for (int k = 1; k <= top; k++) {
            gains[k - 1] = costs == null ? this.sharedGains[k] : gain(costs, k);
        }
        return gains;
    }

    /** The largest batch this bucket's gains make worth taking when {@code maxBatchSize} items wait, on one instance. */
    public int preferredBatchSize(int bucket, int maxBatchSize) {
        double[] gains = gains(bucket, maxBatchSize);
        int best = 1;
        double bestGain = 1.0;
        for (int i = 0; i < gains.length; i++) {
            if (gains[i] < bestGain * (1 - MARGIN)) {
                best = 2 << i;
                bestGain = gains[i];
            }
        }
        return best;
    }

    @Override
    public String describe() {
        return "adaptive (batches only where they cost less per item; margin " + MARGIN_PERCENT + " %)";
    }

    /** The gains of a bucket as text: {@code 2: 0.93, 4: 0.85, ...}, for status and logs. */
    public String describeGains(int bucket, int maxBatchSize) {
        double[] gains = gains(bucket, maxBatchSize);
        StringJoiner text = new StringJoiner(", ");
        for (int i = 0; i < gains.length; i++) {
            text.add((2 << i) + ": " + (Double.isNaN(gains[i]) ? "?" : String.format(Locale.ROOT, "%.2f", gains[i])));
        }
        return text.toString();
    }

    private double gain(Costs costs, int k) {
        double single = costs.perItem[0];
        double batch = costs.perItem[k];
        if (!Double.isNaN(single) && !Double.isNaN(batch) && single > 0) {
            return batch / single;
        }
        return this.sharedGains[k];
    }

    /** The size class of a size: rounded to the nearest power of two in log scale, or the largest not above it. */
    private static int sizeClass(int size, boolean nearest) {
        int floor = 31 - Integer.numberOfLeadingZeros(size);
        if (nearest && floor + 1 < CLASSES && size - (1 << floor) > (1 << floor) / 2) {
            floor++;
        }
        return Math.min(floor, CLASSES - 1);
    }

    private static double[] nanArray() {
        double[] values = new double[CLASSES];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    /** What an item costs per size class in one bucket, in nanoseconds, {@code NaN} where unmeasured. */
    private static final class Costs {

        final double[] perItem = nanArray();

        long decisions;
    }
}
