package io.distill4j.pipeline.train;

/**
 * The temperature and alpha a {@link DistillationLoss} uses in each epoch of a run, and the epoch the run is
 * in. The values of epoch {@code e} (1-based, of {@code E} configured) depend on {@code e} alone, so a run
 * resumed at epoch {@code k + 1} computes what an uninterrupted run does:
 *
 * <pre>
 * T(e)     = T                                     without annealing, or when E = 1
 *          = T * (1 - f) + 1 * f,  f = (e - 1) / (E - 1)   with annealing: T at the first epoch, 1 at the last
 * alpha(e) = 0      for e &lt;= warm-up epochs (hard labels only)
 *          = alpha  afterwards
 * </pre>
 *
 * <p>The trainer calls {@link #startEpoch(int)} before each epoch's first batch; nothing else changes the
 * epoch. A schedule without annealing or warm-up is constant: the loss is exactly the unscheduled one.
 */
final class DistillationSchedule {

    private final float temperature;

    private final float alpha;

    private final int epochs;

    private final boolean annealing;

    private final int warmupEpochs;

    private int epoch = 1;

    private DistillationSchedule(float temperature, float alpha, int epochs, boolean annealing, int warmupEpochs) {
        this.temperature = temperature;
        this.alpha = alpha;
        this.epochs = epochs;
        this.annealing = annealing;
        this.warmupEpochs = warmupEpochs;
    }

    /** The same temperature and alpha in every epoch. */
    static DistillationSchedule constant(float temperature, float alpha) {
        return new DistillationSchedule(temperature, alpha, 1, false, 0);
    }

    /** The schedule a configuration asks for (its values are checked by {@link TrainerConfig}). */
    static DistillationSchedule of(TrainerConfig config) {
        return new DistillationSchedule(config.temperature(), config.alpha(), config.epochs(),
                config.temperatureAnnealing(), config.hardLabelWarmupEpochs());
    }

    /**
     * Moves to {@code epoch}, 1-based.
     * @throws IllegalArgumentException if {@code epoch} is below 1 or, for a schedule that varies, past the
     *     configured epochs
     */
    void startEpoch(int epoch) {
        if (epoch < 1 || (varies() && epoch > this.epochs)) {
            throw new IllegalArgumentException("epoch must be in [1, " + this.epochs + "], was " + epoch);
        }
        this.epoch = epoch;
    }

    /** The temperature of the current epoch. */
    float temperature() {
        return temperatureAt(this.epoch);
    }

    /** The weight of the soft term in the current epoch. */
    float alpha() {
        return alphaAt(this.epoch);
    }

    /** The temperature of {@code epoch}. */
    float temperatureAt(int epoch) {
        if (!this.annealing || this.epochs == 1) {
            return this.temperature;
        }
        double share = (epoch - 1) / (double) (this.epochs - 1);
        return (float) (this.temperature * (1 - share) + share);
    }

    /** The weight of the soft term in {@code epoch}: 0 in the warm-up epochs. */
    float alphaAt(int epoch) {
        return epoch <= this.warmupEpochs ? 0f : this.alpha;
    }

    private boolean varies() {
        return this.annealing || this.warmupEpochs > 0;
    }
}
