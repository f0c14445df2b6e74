package io.distill4j.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;

/**
 * How many intra-op threads an executor's engine gets by default: the executor's cores, so the tasks that run side
 * by side on it share one session that uses them all. Set where it is known: {@code spark.executor.cores} when the
 * job sets it, the {@code N} of {@code local[N]} (the machine's processors for {@code local[*]}) in local mode;
 * otherwise {@link #ON_EXECUTOR}, and each executor takes its own {@code spark.executor.cores}, or its JVM's
 * processors ({@link #resolve}).
 */
final class SparkThreads {

    /** Threads decided by each executor when its engine opens. */
    static final int ON_EXECUTOR = 0;

    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\s*\\d+)?]");

    private SparkThreads() {
    }

    /** The threads per executor the driver can tell, or {@link #ON_EXECUTOR}. */
    static int perExecutor(SparkSession spark) {
        String cores = spark.conf().get("spark.executor.cores", "");
        if (!cores.isBlank()) {
            return Math.max(1, Integer.parseInt(cores.trim()));
        }
        String master = spark.sparkContext().master();
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            return local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Math.max(1, Integer.parseInt(local.group(1)));
        }
        return master.equals("local") ? 1 : ON_EXECUTOR;
    }

    /** On an executor: {@code threads}, or for {@link #ON_EXECUTOR} its {@code spark.executor.cores} or processors. */
    static int resolve(int threads) {
        if (threads != ON_EXECUTOR) {
            return threads;
        }
        SparkEnv env = SparkEnv.get();
        int processors = Runtime.getRuntime().availableProcessors();
        return env == null ? processors : Math.max(1, env.conf().getInt("spark.executor.cores", processors));
    }
}
