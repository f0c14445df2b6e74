package io.distill4j.engine;

/**
 * How a loaded model version runs, for its status and metrics: its instances and sessions, and how its batches are
 * sized, with what the adaptive policy has learnt so far.
 *
 * @param instances instances running batches side by side
 * @param sessions how many ONNX Runtime sessions they use (1 when they share one)
 * @param intraOpThreads intra-op threads of each session (0: ONNX Runtime's default)
 * @param batching the batch policy: {@code adaptive}, {@code greedy} or {@code off} ({@code none} for a model that
 *     runs each call as it comes: a raw model without {@code dynamicBatching})
 * @param maxBatchSize the cap on a batch
 * @param preferredBatchSize the largest batch the policy finds worth taking for 16-token texts when enough wait (the
 *     cap for greedy and for a raw model's adaptive batching, 1 for off)
 * @param gains what an item costs in a batch of 2, 4, 8, ... over one alone, as the adaptive policy measured it
 *     (for 16-token texts; {@code ?} where unmeasured), empty for other policies
 */
public record ServingPlan(int instances, int sessions, int intraOpThreads, String batching, int maxBatchSize,
        int preferredBatchSize, String gains) {

    /** The plan in one line, for the log at load. */
    public String describe() {
        return this.instances + (this.instances == 1 ? " instance" : " instances")
                + (this.instances > 1 ? (this.sessions == 1 ? " sharing one session" : ", a session each") : "")
                + (this.intraOpThreads > 0 ? " (" + this.intraOpThreads + " intra-op thread"
                        + (this.intraOpThreads == 1 ? "" : "s") + (this.sessions > 1 ? " each)" : ")") : "")
                + ", batching " + this.batching + (this.batching.equals("none") ? ""
                        : " up to " + this.maxBatchSize + (this.gains.isEmpty() ? ""
                                : !measured() ? "; batch costs not measured yet (calibrating)"
                                : "; batches of 16-token texts worth up to " + this.preferredBatchSize
                                        + " (cost per item of a batch of " + this.gains + " x one alone)"));
    }

    /** Whether the adaptive policy has measured any batch size yet. */
    public boolean measured() {
        return !this.gains.isEmpty() && !this.gains.matches("(\\d+: \\?(, )?)+");
    }
}
