package io.distill4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

import io.distill4j.api.Checks;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.TeacherOutputsFormat;
import io.distill4j.pipeline.cache.TeacherOutputsManifest;
import io.distill4j.pipeline.cache.TeacherOutputsShardWriter;
import io.distill4j.pipeline.teacher.TeacherStage;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The teacher pass on Apache Spark: a teacher (a model version folder of the engine's repository) runs over
 * a data set's texts on the executors, with the project's engine — one per executor JVM, opened by its first
 * task, shared by its tasks, closed when they end — and its outputs are written as a
 * <em>teacher-outputs folder</em> on any Hadoop file system. A distillation spec whose
 * {@code teacher.outputs_path} names that folder (copied where the job runs) reads the outputs instead of
 * running the teacher; the soft-target cache it builds is the one the teacher would have produced.
 *
 * <p>What happens: rows are read and checked ({@link TextSource}); rows that are not texts are listed under
 * {@code <output>/rejected/} with their file and content, and the pass fails only if they are more than
 * {@link Builder#maxRejectedShare} of the input. The texts are keyed (SHA-256), spread over the shards by key
 * and sorted within each, so each text runs once however often it occurs; each partition writes its shard
 * through a temporary file renamed when complete ({@link ShardTask}), so a task Spark retries writes the same
 * shard again and never a duplicate; the manifest is written last, and its presence marks a complete folder.
 *
 * <pre>{@code
 * TeacherPass.Result result = TeacherPass.builder(spark)
 *         .teacher(Path.of("models/minilm/1"))
 *         .input(TextSource.Format.PARQUET, "hdfs:///tickets/2026", "body")
 *         .output("hdfs:///distill4j/teacher-outputs/tickets-minilm")
 *         .run();
 * }</pre>
 */
public final class TeacherPass {

    private static final Logger logger = LoggerFactory.getLogger(TeacherPass.class);

    /** Texts per shard when the shard count is not given: far below a reader's 2 GiB per shard. */
    static final long TEXTS_PER_SHARD = 200_000;

    /** The default {@link Builder#maxRejectedShare}. */
    public static final double DEFAULT_MAX_REJECTED_SHARE = 0.01;

    /** Spark setting that injects a task failure, for tests of the retry: {@code <partition>:<rows>}. */
    public static final String FAULT_SETTING = "spark.distill4j.faults.failFirstAttempt";

    private final Builder settings;

    private TeacherPass(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder(SparkSession spark) {
        return new Builder(spark);
    }

    /**
     * What a pass did.
     *
     * @param output the folder written
     * @param manifest its manifest
     * @param inputRows rows read
     * @param rejectedRows rows that were not texts (listed under {@code rejected/})
     * @param elapsed the pass's wall-clock time, staging the model included
     */
    public record Result(String output, TeacherOutputsManifest manifest, long inputRows, long rejectedRows,
            Duration elapsed) {

        /** Texts read (rejected rows excluded, repeats included) per second. */
        public double textsPerSecond() {
            return (this.inputRows - this.rejectedRows) / Math.max(1e-9, this.elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Runs the pass.
     *
     * @throws InvalidInputException naming the option: no teacher, input or output; an output that exists
     *     (without {@link Builder#overwrite}); a missing text column; a teacher that is not a text model
     * @throws DistillationException when more rows than allowed are not texts (the report is written first)
     */
    public Result run() {
        Builder s = this.settings;
        if (s.teacher == null) {
            throw new InvalidInputException(null, "--teacher", "is required: a model version folder");
        }
        if (s.input == null) {
            throw new InvalidInputException(null, "--input", "is required");
        }
        if (s.output == null) {
            throw new InvalidInputException(null, "--output", "is required");
        }
        long started = System.nanoTime();
        Configuration hadoop = s.spark.sparkContext().hadoopConfiguration();
        Path output = new Path(s.output);
        FileSystem fs = fileSystem(output, hadoop);
        prepareOutput(fs, output, s.overwrite);

        SparkModel.Shipped teacher = s.ship(s.teacher, "--teacher", s.maxSequenceLength);
        SortedMap<String, String> identity = TeacherStage.teacherIdentity(teacher.files(),
                teacher.files().tokenizer().orElseThrow(), Map.of());
        Dataset<Row> checked = s.input.apply(s.maxTextBytes);

        Row counts = checked.agg(count(lit(1)), sum(when(col(TextSource.PROBLEM).isNotNull(), 1).otherwise(0)))
                .first();
        long inputRows = counts.getLong(0);
        long rejected = counts.isNullAt(1) ? 0 : counts.getLong(1);
        if (rejected > 0) {
            TextSource.rejectedReport(checked).coalesce(1).write().mode("overwrite").json(s.output + "/rejected");
            logger.warn("distill4j: {} of {} input rows are not texts; listed in {}/rejected", rejected, inputRows,
                    s.output);
        }
        double share = inputRows == 0 ? 0 : (double) rejected / inputRows;
        if (share > s.maxRejectedShare) {
            throw new DistillationException(null, String.format(Locale.ROOT, "%,d of %,d input rows (%.2f %%) are "
                    + "not texts, over the limit of %.2f %% (--max-rejected-share); see %s/rejected for where and "
                    + "why", rejected, inputRows, 100 * share, 100 * s.maxRejectedShare, s.output), null);
        }
        long texts = inputRows - rejected;
        if (texts == 0) {
            throw new DistillationException(null, "the input holds no text to run the teacher on (" + inputRows
                    + " rows, " + rejected + " rejected)", null);
        }
        int shards = s.shards > 0 ? s.shards : (int) Math.min(TeacherOutputsFormat.MAX_SHARDS,
                Math.max(checked.rdd().getNumPartitions(), (texts + TEXTS_PER_SHARD - 1) / TEXTS_PER_SHARD));
        logger.info("distill4j: teacher pass of {} over {} texts into {} shards at {}", teacher.model().description(),
                texts, shards, s.output);

        JavaPairRDD<String, String> keyed = checked.filter(col(TextSource.PROBLEM).isNull()).select(col(s.textColumn))
                .javaRDD().mapToPair(row -> {
                    String text = row.getString(0);
                    return new Tuple2<>(TeacherOutputsFormat.hex(TeacherOutputsFormat.key(text)), text);
                });
        ShardTask task = new ShardTask(teacher.model(), teacher.task(), output.toString(), settingsOf(hadoop), shards,
                s.chunk, s.spark.conf().get(FAULT_SETTING, ""));
        List<ShardTask.Written> written = keyed.repartitionAndSortWithinPartitions(new ShardPartitioner(shards))
                .mapPartitionsWithIndex(task, true).collect();

        TeacherOutputsManifest manifest = commit(fs, output, written, shards, identity, inputRows, rejected,
                s.spark.version());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Result result = new Result(s.output, manifest, inputRows, rejected, elapsed);
        logger.info(String.format(Locale.ROOT, "distill4j: teacher pass done: %,d distinct texts of %,d rows, width %d,"
                + " %d shards, %.1f s (%.1f texts/s)", manifest.rows(), inputRows, manifest.width(), shards,
                elapsed.toNanos() / 1e9, result.textsPerSecond()));
        return result;
    }

    /** Writes the shards of empty partitions, then the manifest (last: it marks the folder complete). */
    private static TeacherOutputsManifest commit(FileSystem fs, Path output, List<ShardTask.Written> written,
            int shards, SortedMap<String, String> identity, long inputRows, long rejected, String sparkVersion) {
        int width = written.stream().mapToInt(ShardTask.Written::width).filter(w -> w > 0).findFirst().orElseThrow();
        List<TeacherOutputsManifest.Shard> entries = new ArrayList<>();
        Map<Integer, ShardTask.Written> byIndex = new HashMap<>();
        written.forEach(w -> byIndex.put(w.index(), w));
        long rows = 0;
        try {
            for (int i = 0; i < shards; i++) {
                ShardTask.Written shard = byIndex.get(i);
                if (shard == null) {
                    throw new IllegalStateException("partition " + i + " reported nothing");
                }
                TeacherOutputsManifest.Shard entry = shard.shard();
                if (entry == null) {
                    try (OutputStream out = fs.create(new Path(output, TeacherOutputsFormat.shardFileName(i)), true);
                            TeacherOutputsShardWriter writer = new TeacherOutputsShardWriter(out, i, shards, width)) {
                        entry = writer.finish();
                    }
                }
                entries.add(entry);
                rows += entry.rows();
            }
            TeacherOutputsManifest manifest = new TeacherOutputsManifest(TeacherOutputsFormat.FORMAT_NAME,
                    TeacherOutputsFormat.VERSION, "distill4j-spark on Spark " + sparkVersion, Instant.now().toString(),
                    identity, width, rows, inputRows, rejected, entries);
            Path temporary = new Path(new Path(output, ShardTask.TEMPORARY), TeacherOutputsFormat.MANIFEST);
            try (OutputStream out = fs.create(temporary, true)) {
                manifest.write(out);
            }
            Path target = new Path(output, TeacherOutputsFormat.MANIFEST);
            if (!fs.rename(temporary, target)) {
                throw new IOException("Cannot rename " + temporary + " to " + target);
            }
            fs.delete(new Path(output, ShardTask.TEMPORARY), true);
            return manifest;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot complete the teacher outputs in " + output, ex);
        }
    }

    private static void prepareOutput(FileSystem fs, Path output, boolean overwrite) {
        try {
            if (fs.exists(output)) {
                if (!overwrite) {
                    throw new InvalidInputException(null, "--output", output + " exists; choose another folder, "
                            + "delete it, or pass --overwrite");
                }
                fs.delete(output, true);
            }
            fs.mkdirs(output);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot prepare the output folder " + output, ex);
        }
    }

    private static FileSystem fileSystem(Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        }
        catch (IOException ex) {
            throw new InvalidInputException(null, "--output", "cannot reach " + path + ": " + ex.getMessage());
        }
    }

    /** The Hadoop settings, so executors reach the same file systems with the same credentials. */
    static Map<String, String> settingsOf(Configuration conf) {
        Map<String, String> settings = new HashMap<>();
        conf.forEach(entry -> settings.put(entry.getKey(), entry.getValue()));
        return settings;
    }

    /** Settings of a pass; {@link #teacher}, {@link #input} and {@link #output} are required. */
    public static final class Builder extends ExecutorJobBuilder<Builder> {

        private java.nio.file.Path teacher;

        private java.util.function.IntFunction<Dataset<Row>> input;

        private String textColumn;

        private String output;

        private boolean overwrite;

        private int shards;

        private double maxRejectedShare = DEFAULT_MAX_REJECTED_SHARE;

        private int maxSequenceLength = DistillerConfig.DEFAULT_MAX_SEQUENCE_LENGTH;

        private Builder(SparkSession spark) {
            super(spark);
        }

        @Override
        Builder self() {
            return this;
        }

        /** The teacher: a model version folder ({@code model.onnx}, {@code model.json}, its tokenizer) on the driver. */
        public Builder teacher(java.nio.file.Path versionFolder) {
            this.teacher = Checks.path(versionFolder, "--teacher");
            return this;
        }

        /**
         * Tokens per text the teacher reads, replacing its {@code model.json}'s; default
         * {@value DistillerConfig#DEFAULT_MAX_SEQUENCE_LENGTH}, what the distiller's teacher stage reads unless
         * configured otherwise ({@code distill4j.distill.max-sequence-length}): the outputs serve a job only
         * when made with its length. 0 keeps the manifest's (a repository classifier taught as it is served).
         */
        public Builder maxSequenceLength(int tokens) {
            this.maxSequenceLength = Checks.inRange(tokens, 0, 8192, "--max-sequence-length");
            return this;
        }

        /** Texts read from files (any Hadoop path) or a table. */
        public Builder input(TextSource.Format format, String location, String textColumn) {
            Objects.requireNonNull(format, "format");
            Checks.notBlank(location, "--input");
            this.textColumn = Checks.notBlank(textColumn, "--text-column");
            this.input = maxBytes -> TextSource.read(this.spark, format, location, textColumn, maxBytes);
            return this;
        }

        /** Texts of a data set already loaded. */
        public Builder input(Dataset<Row> data, String textColumn) {
            Objects.requireNonNull(data, "data");
            this.textColumn = Checks.notBlank(textColumn, "--text-column");
            this.input = maxBytes -> TextSource.of(data, textColumn, maxBytes);
            return this;
        }

        /** The teacher-outputs folder to write (any Hadoop path); it must not exist unless {@link #overwrite}. */
        public Builder output(String folder) {
            this.output = Checks.notBlank(folder, "--output");
            return this;
        }

        /** Replace {@link #output} if it exists; default false. */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /** Shards (= partitions of the pass); default: the input's partitions, at least one per 200,000 texts. */
        public Builder shards(int shards) {
            this.shards = Checks.inRange(shards, 1, TeacherOutputsFormat.MAX_SHARDS, "--shards");
            return this;
        }

        /** The share of input rows that may be rejected before the pass fails; default 1 %. */
        public Builder maxRejectedShare(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new InvalidInputException(null, "--max-rejected-share", "must be in [0, 1], was " + share);
            }
            this.maxRejectedShare = share;
            return this;
        }

        public TeacherPass build() {
            return new TeacherPass(this);
        }

        /** {@code build().run()}. */
        public Result run() {
            return build().run();
        }
    }
}
