package io.distill4j.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.distill4j.api.exception.Distill4jException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.DistillerConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code spark-submit} entry point of {@code distill4j-spark.jar}:
 *
 * <pre>
 * spark-submit --class io.distill4j.spark.Distill4jSpark distill4j-spark.jar teacher-pass \
 *     --teacher models/minilm/1 --input hdfs:///tickets --format parquet --text-column body \
 *     --output hdfs:///distill4j/tickets-minilm
 * spark-submit --class io.distill4j.spark.Distill4jSpark distill4j-spark.jar score \
 *     --model models/intents/3 --input hdfs:///tickets --format parquet --text-column body \
 *     --output hdfs:///scored/tickets
 * </pre>
 *
 * Exit statuses: 0 done; 1 the work failed (too many rows that are not texts, a model that cannot be read);
 * 2 bad usage (an unknown option, a missing column, an output that exists), nothing was done. Errors are one
 * line naming the option.
 */
@Command(name = "distill4j-spark", mixinStandardHelpOptions = true, version = "distill4j-spark 0.1.0",
        description = "The teacher pass and batch scoring of Distill4j on Apache Spark.",
        subcommands = { Distill4jSpark.TeacherPassCommand.class, Distill4jSpark.ScoreCommand.class },
        footer = { "", "Exit status: 0 done; 1 the work failed; 2 bad usage (nothing was done)." })
public final class Distill4jSpark implements Runnable {

    static final int FAILED = 1;

    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Distill4jSpark());
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExitCodeExceptionMapper(ex -> ex instanceof ParameterException ? USAGE : FAILED);
        line.setExecutionExceptionHandler((ex, command, parseResult) -> report(ex, command.getErr()));
        return line;
    }

    static int report(Exception ex, PrintWriter err) {
        if (ex instanceof InvalidInputException || ex instanceof IllegalArgumentException) {
            err.println("error: " + ex.getMessage());
            return USAGE;
        }
        if (ex instanceof Distill4jException typed) {
            err.println("error " + typed.code() + ": " + typed.getMessage());
            return FAILED;
        }
        err.println("error: " + ex);
        return FAILED;
    }

    @Override
    public void run() {
        throw new ParameterException(this.spec.commandLine(), "a command is required: teacher-pass or score");
    }

    /** A session from {@code spark-submit}'s settings, with the executor plugin that closes the engines. */
    static SparkSession session(String name) {
        return SparkSession.builder().appName(name)
                .config("spark.plugins", Distill4jSparkPlugin.class.getName())
                .getOrCreate();
    }

    /** The options both commands share: where the texts are. */
    static final class InputOptions {

        @Option(names = "--input", required = true, description = "Files (any Hadoop path; a folder reads every "
                + "file in it) or, with --format table, a table name.")
        String input;

        @Option(names = "--format", description = "parquet, csv, tsv, jsonl or table; default: from --input's "
                + "extension.")
        String format;

        @Option(names = "--text-column", defaultValue = TextSource.TEXT, description = "The column holding the texts "
                + "(default: ${DEFAULT-VALUE}).")
        String textColumn;

        @Option(names = "--max-rejected-share", defaultValue = "0.01", description = "The share of input rows that "
                + "may be rejected (unparsable, no text, blank, too long) before the job fails (default: "
                + "${DEFAULT-VALUE}); rejected rows are listed under <output>/rejected.")
        double maxRejectedShare;

        @Option(names = "--max-text-bytes", defaultValue = "1048576", description = "The longest text, in UTF-8 bytes "
                + "(default: ${DEFAULT-VALUE}).")
        int maxTextBytes;

        @Option(names = "--threads", description = "ONNX Runtime intra-op threads per executor (default: the "
                + "executor's cores).")
        Integer threads;

        TextSource.Format format() {
            if (this.format != null) {
                return TextSource.Format.of(this.format, "--format");
            }
            String name = this.input.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
            for (String extension : new String[] {"parquet", "csv", "tsv", "jsonl", "json"}) {
                if (name.endsWith("." + extension)) {
                    return TextSource.Format.of(extension, "--format");
                }
            }
            throw new InvalidInputException(null, "--format", "cannot tell the format of '" + this.input + "' from "
                    + "its name; give one of parquet, csv, tsv, jsonl, table");
        }
    }

    @Command(name = "teacher-pass", mixinStandardHelpOptions = true, description = "Run a teacher over the input's "
            + "texts on the executors and write its outputs as a teacher-outputs folder, which a distillation spec "
            + "names in teacher.outputs_path.")
    static final class TeacherPassCommand implements Callable<Integer> {

        @CommandLine.Mixin
        InputOptions input = new InputOptions();

        @Option(names = "--teacher", required = true, description = "The teacher: a model version folder "
                + "(model.onnx, model.json, tokenizer) on the driver, e.g. models/minilm/1.")
        Path teacher;

        @Option(names = "--output", required = true, description = "The teacher-outputs folder to write (any "
                + "Hadoop path).")
        String output;

        @Option(names = "--shards", description = "Shards of the output (default: the input's partitions, at least "
                + "one per 200,000 texts).")
        Integer shards;

        @Option(names = "--max-sequence-length", defaultValue = "" + DistillerConfig.DEFAULT_MAX_SEQUENCE_LENGTH,
                description = "Tokens per text the teacher reads, replacing its model.json's (default: "
                        + "${DEFAULT-VALUE}, the distiller's default; use the job's "
                        + "distill4j.distill.max-sequence-length; 0 keeps the model.json's).")
        int maxSequenceLength;

        @Option(names = "--overwrite", description = "Replace --output if it exists.")
        boolean overwrite;

        @Override
        public Integer call() {
            SparkSession spark = session("distill4j teacher pass");
            TeacherPass.Builder pass = TeacherPass.builder(spark).teacher(this.teacher)
                    .input(this.input.format(), this.input.input, this.input.textColumn).output(this.output)
                    .overwrite(this.overwrite).maxRejectedShare(this.input.maxRejectedShare)
                    .maxSequenceLength(this.maxSequenceLength)
                    .maxTextBytes(this.input.maxTextBytes);
            if (this.shards != null) {
                pass.shards(this.shards);
            }
            if (this.input.threads != null) {
                pass.threads(this.input.threads);
            }
            TeacherPass.Result result = pass.run();
            System.out.printf(Locale.ROOT, "teacher outputs: %s — %,d distinct texts of %,d rows (%,d rejected), "
                    + "width %d, %d shards, %.1f s%n", result.output(), result.manifest().rows(), result.inputRows(),
                    result.rejectedRows(), result.manifest().width(), result.manifest().shards().size(),
                    result.elapsed().toNanos() / 1e9);
            System.out.println("in a distillation spec: teacher: { ..., outputs_path: <that folder, copied where "
                    + "the job runs> }");
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, description = "Score the input's texts with a "
            + "student (or any text model of the engine's repository) and write every input column plus the "
            + "scores: prediction and probability, or embedding.")
    static final class ScoreCommand implements Callable<Integer> {

        @CommandLine.Mixin
        InputOptions input = new InputOptions();

        @Option(names = "--model", required = true, description = "The model: a version folder, e.g. "
                + "models/intents/3.")
        Path model;

        @Option(names = "--output", required = true, description = "Where the scored rows go (any Hadoop path).")
        String output;

        @Option(names = "--output-format", defaultValue = "parquet", description = "parquet, jsonl or csv (default: "
                + "${DEFAULT-VALUE}; csv cannot hold an embedding).")
        String outputFormat;

        @Option(names = "--overwrite", description = "Replace --output if it exists.")
        boolean overwrite;

        @Override
        public Integer call() {
            SparkSession spark = session("distill4j scoring");
            Dataset<Row> checked = TextSource.read(spark, this.input.format(), this.input.input,
                    this.input.textColumn, this.input.maxTextBytes);
            Row counts = checked.selectExpr("count(1)", "count(" + TextSource.PROBLEM + ")").first();
            long rows = counts.getLong(0);
            long rejected = counts.getLong(1);
            if (rejected > 0) {
                TextSource.rejectedReport(checked).coalesce(1).write().mode("overwrite")
                        .json(this.output + "-rejected");
            }
            if (rows > 0 && (double) rejected / rows > this.input.maxRejectedShare) {
                throw new io.distill4j.api.exception.DistillationException(null, String.format(Locale.ROOT,
                        "%,d of %,d input rows are not texts, over the limit of %.2f %% (--max-rejected-share); "
                                + "see %s-rejected", rejected, rows, 100 * this.input.maxRejectedShare, this.output),
                        null);
            }
            StudentScoring.Builder scoring = StudentScoring.builder(spark).model(this.model)
                    .textColumn(this.input.textColumn).maxTextBytes(this.input.maxTextBytes);
            if (this.input.threads != null) {
                scoring.threads(this.input.threads);
            }
            Dataset<Row> scored = scoring.build().score(TextSource.withoutChecks(checked));
            String format = switch (this.outputFormat.toLowerCase(Locale.ROOT)) {
                case "parquet" -> "parquet";
                case "jsonl", "json" -> "json";
                case "csv" -> "csv";
                default -> throw new InvalidInputException(null, "--output-format", "'" + this.outputFormat
                        + "' is not one of parquet, jsonl, csv");
            };
            if (format.equals("csv") && scored.columns().length > 0
                    && java.util.Arrays.asList(scored.columns()).contains(StudentScoring.EMBEDDING)) {
                throw new InvalidInputException(null, "--output-format", "csv cannot hold the embedding column; use "
                        + "parquet or jsonl");
            }
            scored.write().mode(this.overwrite ? "overwrite" : "errorifexists").option("header", true).format(format)
                    .save(this.output);
            // The rejected rows were filtered out before scoring, so every row written was scored.
            System.out.printf(Locale.ROOT, "scored: %s — %,d rows scored of %,d (%,d rejected%s)%n", this.output,
                    rows - rejected, rows, rejected, rejected == 0 ? "" : ", listed in " + this.output + "-rejected");
            return 0;
        }
    }
}
