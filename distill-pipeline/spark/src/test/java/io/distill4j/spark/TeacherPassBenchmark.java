package io.distill4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.teacher.TeacherStage;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * The teacher pass on Spark {@code local[2]} against the single-machine teacher stage, on the same texts (the
 * first {@code --texts} distinct texts of Banking77's training split, real customer questions), the same model
 * (the registry's all-MiniLM-L6-v2 fp32, 128 tokens, mean pooling) and the same threads (2 intra-op threads: the
 * single engine's, and the one executor engine the two Spark tasks share). Rounds alternate the two sides after
 * one warm-up each; each side's time covers what a user waits for: the single machine loads the teacher, runs
 * every text and writes the cache entry; Spark ships the model, reads and checks the input (Parquet), shuffles
 * and sorts the texts by key, runs them and writes the shards and the manifest. The Spark session starts once,
 * before the rounds (a cluster's is already up).
 *
 * <pre>
 * mvn -Pbench -DskipTests -pl distill-pipeline/spark -am verify -Dbench.args="--datasets ../shared/datasets"
 * </pre>
 *
 * Prints a markdown report: the per-round figures, the medians, the ratio, and the scaling table computed from
 * the measured per-core throughput.
 */
public final class TeacherPassBenchmark {

    private TeacherPassBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path datasets = Path.of(option(args, "--datasets", "../shared/datasets"));
        int count = Integer.parseInt(option(args, "--texts", "4000"));
        int rounds = Integer.parseInt(option(args, "--rounds", "3"));
        int shards = Integer.parseInt(option(args, "--shards", "2"));
        int chunk = Integer.parseInt(option(args, "--chunk", "256"));
        Path work = Files.createDirectories(Path.of(option(args, "--work-dir",
                "distill-pipeline/spark/target/bench-work"))).toAbsolutePath();
        Path out = Path.of(option(args, "--out", "distill-pipeline/spark/target/teacher-pass-benchmark.md"));

        List<String> texts = banking77(datasets.resolve("banking77/train.tsv"), count);
        Path teacher = Files.createTempDirectory(work, "teacher-");
        SparkTestSupport.miniLm(teacher);
        SparkSession spark = SparkTestSupport.spark(2, 1);
        Path input = work.resolve("input-" + texts.size() + ".parquet");
        spark.createDataset(texts, Encoders.STRING()).toDF("text").coalesce(2).write().mode("overwrite")
                .parquet(input.toString());

        log("warm-up");
        runSingle(teacher, texts, work);
        runSpark(spark, teacher, input, work, shards, chunk);
        double[] single = new double[rounds];
        double[] sparkSeconds = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                single[round] = runSingle(teacher, texts, work);
                sparkSeconds[round] = runSpark(spark, teacher, input, work, shards, chunk);
            }
            else {
                sparkSeconds[round] = runSpark(spark, teacher, input, work, shards, chunk);
                single[round] = runSingle(teacher, texts, work);
            }
            log(String.format(Locale.ROOT, "round %d/%d: single machine %.1f s (%.1f texts/s), Spark local[2] %.1f s "
                    + "(%.1f texts/s)", round + 1, rounds, single[round], texts.size() / single[round],
                    sparkSeconds[round], texts.size() / sparkSeconds[round]));
        }
        spark.stop();

        double singleRate = texts.size() / median(single);
        double sparkRate = texts.size() / median(sparkSeconds);
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratios[i] = single[i] / sparkSeconds[i];
        }
        double perCore = sparkRate / 2;
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Teacher pass, %s, %s (%d cores), JDK %s, Spark %s; %d distinct Banking77 "
                + "texts, all-MiniLM-L6-v2 fp32, 2 intra-op threads, %d shards, %d texts per engine call; %d rounds after one "
                + "warm-up each%n%n",
                Instant.now(), processor(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(), texts.size(), shards, chunk, rounds));
        md.append("| round | single machine s | Spark local[2] s | Spark / single (throughput) |\n|---|---|---|---|\n");
        for (int i = 0; i < rounds; i++) {
            md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.2f |%n", i + 1, single[i], sparkSeconds[i],
                    ratios[i]));
        }
        md.append(String.format(Locale.ROOT, "%nMedians: single machine %.1f texts/s, Spark local[2] %.1f texts/s; "
                + "**Spark / single: %.2f** (median of per-round ratios).%n%n", singleRate, sparkRate, median(ratios)));
        md.append(String.format(Locale.ROOT, "Measured per executor core: %.1f texts/s.%n%n", perCore));
        md.append("| executor cores | texts/s | 10 million texts |\n|---|---|---|\n");
        for (int cores : new int[] {8, 64, 512}) {
            double rate = perCore * cores;
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %s |%n", cores, rate, hours(10_000_000 / rate)));
        }
        Files.writeString(out, md.toString());
        System.out.println(md);
        log("wrote " + out.toAbsolutePath());
    }

    private static double runSingle(Path teacher, List<String> texts, Path work) throws Exception {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            examples.add(TextExample.unlabeled(texts.get(i), i + 1));
        }
        SoftTargetCache cache = SoftTargetCache.inDirectory(Files.createTempDirectory(work, "cache-"));
        long start = System.nanoTime();
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(teacher.resolve("models"))
                .session(SessionConfig.builder().intraOpThreads(2).interOpThreads(1).build()).build())) {
            TeacherStage.builder(engine, "minilm", cache).split("train", TextDataset.of("train", examples)).build().run();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double runSpark(SparkSession spark, Path teacher, Path input, Path work, int shards, int chunk)
            throws Exception {
        Path output = Files.createTempDirectory(work, "outputs-");
        Files.delete(output);
        long start = System.nanoTime();
        TeacherPass.builder(spark).teacher(teacher.resolve("models/minilm/1"))
                .input(TextSource.Format.PARQUET, input.toString(), "text").output(output.toString()).threads(2)
                .shards(shards).chunk(chunk).idleSeconds(0).run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** The first {@code count} distinct texts of a {@code text<TAB>label} file (RFC 4180 quoting). */
    private static List<String> banking77(Path file, int count) throws Exception {
        LinkedHashSet<String> texts = new LinkedHashSet<>();
        try (var reader = Files.newBufferedReader(file);
                var parser = org.apache.commons.csv.CSVFormat.TDF.builder().setHeader().setSkipHeaderRecord(true)
                        .get().parse(reader)) {
            for (var record : parser) {
                texts.add(record.get("text"));
                if (texts.size() == count) {
                    break;
                }
            }
        }
        return new ArrayList<>(texts);
    }

    private static String processor() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static String hours(double seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600)
                : String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
