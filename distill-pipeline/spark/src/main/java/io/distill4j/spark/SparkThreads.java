package io.distill4j.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.sql.SparkSession;

/**
 * How many intra-op threads an executor's engine gets by default: the executor's cores, so the tasks that
 * run side by side on it share one session that uses them all ({@code spark.executor.cores}; in local mode
 * the {@code N} of {@code local[N]}, or the machine's processors for {@code local[*]}).
 */
final class SparkThreads {

    private static final Pattern LOCAL = Pattern.compile("local\\[(\\*|\\d+)(?:,\\s*\\d+)?]");

    private SparkThreads() {
    }

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
        if (master.equals("local")) {
            return 1;
        }
        return Math.max(1, spark.sparkContext().defaultParallelism() / Math.max(1,
                spark.sparkContext().getExecutorMemoryStatus().size() - 1));
    }
}
