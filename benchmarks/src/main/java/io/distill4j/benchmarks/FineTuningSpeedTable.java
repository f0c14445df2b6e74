package io.distill4j.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link FineTuningSpeedBenchmark}'s results as a markdown table: per round and side, steps and sentences
 * per second, the median and 90th percentile of a step's wall time (nearest rank), the training thread's CPU
 * time per step (all of a side's work at one intra-op thread) and the process's peak resident memory, then
 * DJL's steps per second as a share of PyTorch's.
 */
final class FineTuningSpeedTable {

    static final List<String> HEADER = List.of("round", "side", "steps/s", "sentences/s", "ms/step median",
            "ms/step p90", "training thread CPU ms/step", "peak RSS (MiB)", "DJL / PyTorch");

    private FineTuningSpeedTable() {
    }

    /**
     * The table of rounds, each a DJL and a PyTorch measurement in that order.
     * @throws IllegalArgumentException if the sides do not come in (DJL, PyTorch) pairs of the same round
     */
    static String of(List<TimedSide> sides) {
        if (sides.size() % 2 != 0) {
            throw new IllegalArgumentException("sides must come in DJL, PyTorch pairs, got " + sides.size());
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < sides.size(); i += 2) {
            TimedSide djl = sides.get(i);
            TimedSide pytorch = sides.get(i + 1);
            if (djl.round() != pytorch.round()) {
                throw new IllegalArgumentException("a pair holds rounds " + djl.round() + " and " + pytorch.round());
            }
            rows.add(row(djl, Report.format(ratio(djl, pytorch), 3)));
            rows.add(row(pytorch, ""));
        }
        return Report.table(HEADER, rows);
    }

    /** DJL's steps per second as a share of PyTorch's. */
    static double ratio(TimedSide djl, TimedSide pytorch) {
        return djl.stepsPerSecond() / pytorch.stepsPerSecond();
    }

    private static List<String> row(TimedSide side, String ratio) {
        return List.of(Integer.toString(side.round()), side.side(), Report.format(side.stepsPerSecond(), 3),
                Report.format(side.sentencesPerSecond(), 1), Report.format(side.steps().latencyMillis(0.5), 1),
                Report.format(side.steps().latencyMillis(0.9), 1),
                Report.format(side.trainingThreadCpuMillisPerStep(), 1), mebibytes(side.peakRssBytes()), ratio);
    }

    private static String mebibytes(long bytes) {
        return bytes < 0 ? "n/a" : Report.format(bytes / (1024.0 * 1024.0), 0);
    }
}
