package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.distill4j.pipeline.train.StudentTrainer;
import io.distill4j.pipeline.train.TrainingProgress;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Training speed of a student, steps per second, in DJL (the project's {@link StudentTrainer}) against
 * plain PyTorch ({@code benchmarks/python/train_speed.py}, run as a subprocess with the same arguments):
 * the same student, data, batches, loss, optimizer and clipping, one after the other, with the same
 * intra-op thread count and one inter-op thread on both sides. The target is DJL at 0.7x PyTorch or
 * better. Debian's PyTorch does its matrix products through whichever {@code libblas.so.3} is installed;
 * python3-torch alone brings the reference BLAS, which makes the PyTorch side several times slower (and
 * the comparison worthless), so install OpenBLAS with it. The script reports the BLAS it loaded and this
 * benchmark warns about the reference one.
 *
 * <pre>
 * apt-get install python3-torch libopenblas0-pthread    # once: PyTorch for /usr/bin/python3, and a fast BLAS for it
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.TrainingSpeedBenchmark \
 *     -Dbench.args="--python /usr/bin/python3"
 * </pre>
 *
 * <p><b>Workload.</b> Synthetic, from SplitMix64 seeded with {@code --seed}, generated identically here
 * and in the script (both print a checksum of it and a mismatch fails the run): an epoch of 50 batches
 * (StudentTrainer's bucketing window, so bucketing sorts the whole epoch by length and both sides get
 * batches of the same shapes), each example a length in {@code [min-length, max-length]}, that many token
 * ids, the teacher's logits and the hard label. The defaults are the student the distiller picks on
 * Banking77: a bag of embeddings 128 x 256 over a pruned vocabulary of 2,264 ids, 77 classes, batch
 * 32, 10 to 30 tokens. {@code --student transformer} trains the catalog's small Transformer instead.
 *
 * <p><b>Timing.</b> DJL: the trainer reports every step ({@link TrainingProgress}); a step's time
 * runs from the previous report to its own, so the validation between epochs is left out, and training
 * is cancelled once the timed steps are done. The first {@code --warmup-steps} steps (20 epochs by
 * default) are not timed: DJL reaches its steady speed only after a few hundred steps (JIT and
 * allocator; with 100 warm-up steps its first round ran at 127–190 steps/s, later ones at 240–360). The
 * script times its loop the same way. Both sides also report the training thread's CPU time over the
 * timed steps: at {@code --threads 1} it is all of PyTorch's work, a steadier figure than steps per second
 * on a machine that runs other work too.
 * Writes {@code training-speed.json} in {@code --out-dir}.
 */
public final class TrainingSpeedBenchmark {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TrainingSpeedBenchmark() {
    }

    /** Entry point; see the class javadoc for the command and {@link TrainingSpeedOptions#USAGE} for the flags. */
    public static void main(String[] args) {
        BenchmarkSupport.main(args, TrainingSpeedOptions.USAGE, TrainingSpeedOptions::parse,
                TrainingSpeedBenchmark::run);
    }

    private static void run(TrainingSpeedOptions options) {
        Instant started = Instant.now();
        NetworkTripwire tripwire = NetworkTripwire.install();
        TrainingWorkload workload = options.workload();
        PyTorchPeer peer = new PyTorchPeer(options.python(), options.script());
        // Fail before the DJL half runs, not after it.
        String torchVersion = peer.torchVersion();
        System.out.printf(Locale.ROOT, "[bench] %s student, %s; %d timed steps after %d warm-up steps; threads: %d%n",
                workload.student(), workload.studentConfig(), workload.steps(), workload.warmupSteps(),
                workload.threads());
        SyntheticData data = SyntheticData.generate(workload);
        ArrayNode rounds = MAPPER.createArrayNode();
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            if (round > 1) {
                BenchmarkSupport.settle();
            }
            ObjectNode djl = DjlTrainingSpeed.measure(workload, data);
            print("DJL " + djl.get("djl_version").asString() + ", libtorch " + djl.get("libtorch_version").asString(),
                    djl, workload);
            BenchmarkSupport.settle();
            JsonNode pytorch = peer.run(workload, data);
            print("PyTorch " + torchVersion, pytorch, workload);
            if (round == 1) {
                PyTorchPeer.blasWarning(pytorch).ifPresent(warning -> System.out.println("[bench] WARNING: " + warning));
            }
            double ratio = djl.get("steps_per_second").asDouble() / pytorch.get("steps_per_second").asDouble();
            // With one thread all of PyTorch's work runs on the training thread: its CPU time is the work
            // done, whatever else the machine runs. With more threads it leaves out the intra-op workers.
            double cpuRatio = pytorch.path("main_thread_cpu_seconds").asDouble()
                    / djl.path("main_thread_cpu_seconds").asDouble();
            ratios.add(ratio);
            ObjectNode result = rounds.addObject();
            result.put("round", round);
            result.set("djl", djl);
            result.set("pytorch", pytorch);
            result.put("ratio_djl_to_pytorch", Math.round(ratio * 1000) / 1000.0);
            result.put("ratio_by_training_thread_cpu", Math.round(cpuRatio * 1000) / 1000.0);
            System.out.printf(Locale.ROOT, "[bench] round %d: DJL / PyTorch = %.3f in steps/s, %.3f by the training"
                    + " thread's CPU time%s%n", round, ratio, cpuRatio,
                    workload.threads() > 1 ? " (leaves out the intra-op workers at more than one thread)" : "");
        }
        double ratio = Stats.median(ratios);

        ObjectNode json = MAPPER.createObjectNode();
        json.put("benchmark", "training speed, DJL vs PyTorch");
        json.put("date", BenchmarkSupport.date(started));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("jdk", System.getProperty("java.version"));
        json.set("workload", MAPPER.valueToTree(workload));
        json.put("data_checksum", data.checksum());
        json.set("rounds", rounds);
        json.put("ratio_djl_to_pytorch", Math.round(ratio * 1000) / 1000.0);
        json.put("target", ">= 0.7");
        json.put("meets_target", ratio >= 0.7);
        json.put("network_attempts", tripwire.attempts().size());
        try {
            Files.createDirectories(options.out().toAbsolutePath().getParent());
            Files.writeString(options.out(), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.printf(Locale.ROOT, "[bench] DJL / PyTorch = %.3f%s (target >= 0.7: %s)%n", ratio,
                options.rounds() > 1 ? ", the median of " + options.rounds() + " rounds" : "",
                ratio >= 0.7 ? "met" : "NOT met");
        System.out.println("[bench] wrote " + options.out().toAbsolutePath());
        System.out.print(BenchmarkSupport.footer(tripwire, started));
    }

    private static void print(String side, JsonNode result, TrainingWorkload workload) {
        System.out.printf(Locale.ROOT, "[bench] %s: %.2f steps/s (%d steps in %.2f s; training thread's CPU %.2f s)%n",
                side, result.get("steps_per_second").asDouble(), workload.steps(), result.get("seconds").asDouble(),
                result.path("main_thread_cpu_seconds").asDouble());
    }
}
