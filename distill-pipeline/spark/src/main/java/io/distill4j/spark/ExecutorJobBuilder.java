package io.distill4j.spark;

import java.nio.file.Path;
import java.util.Objects;

import io.distill4j.api.Checks;
import org.apache.spark.sql.SparkSession;

/**
 * What every job that runs a model on the executors is set with — the session, the engine's threads, the texts
 * per engine call, the longest text, how long an idle engine stays open — for {@link TeacherPass.Builder} and
 * {@link StudentScoring.Builder}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ExecutorJobBuilder<B extends ExecutorJobBuilder<B>> {

    /** The default {@link #chunk}. */
    public static final int DEFAULT_CHUNK = 256;

    final SparkSession spark;

    int threads;

    int chunk = DEFAULT_CHUNK;

    int maxTextBytes = SparkModel.DEFAULT_MAX_TEXT_BYTES;

    int idleSeconds = SparkModel.DEFAULT_IDLE_SECONDS;

    ExecutorJobBuilder(SparkSession spark) {
        this.spark = Objects.requireNonNull(spark, "spark");
    }

    abstract B self();

    /** ONNX Runtime intra-op threads per executor; default: the executor's cores. */
    public B threads(int threads) {
        this.threads = Checks.atLeast(threads, 1, "--threads");
        return self();
    }

    /** Texts per engine call (a task's batch, shortest first for the teacher pass); default {@value #DEFAULT_CHUNK}. */
    public B chunk(int chunk) {
        this.chunk = Checks.inRange(chunk, 1, 4096, "--chunk");
        return self();
    }

    /** The longest text accepted, in UTF-8 bytes; a longer row is rejected, not run. Default 1 MiB. */
    public B maxTextBytes(int bytes) {
        this.maxTextBytes = Checks.atLeast(bytes, 1, "--max-text-bytes");
        return self();
    }

    /** How long an executor keeps an engine no task uses; default 10 s, 0 closes it with the last task. */
    public B idleSeconds(int seconds) {
        this.idleSeconds = Checks.atLeast(seconds, 0, "--idle-seconds");
        return self();
    }

    /** Ships {@code folder} with these settings; see {@link SparkModel#ship}. */
    SparkModel.Shipped ship(Path folder, String field, int maxSequenceLength) {
        int engineThreads = this.threads > 0 ? this.threads : SparkThreads.perExecutor(this.spark);
        return SparkModel.ship(this.spark, folder, field, maxSequenceLength, engineThreads, this.maxTextBytes,
                this.idleSeconds);
    }
}
