package io.distill4j.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.Locale;

import io.distill4j.api.exception.InvalidInputException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a Spark job's texts come from, and the check every row gets before a model sees it. {@link #read}
 * gives one row per input row: the input's columns, and {@value #FILE} (the file it came from; empty for a
 * table), {@value #PROBLEM} (why the row is not a text the engine can run — an unparsable line, no text, a
 * blank text, a text over the byte limit — or null) and {@value #RECORD} (for a row with a problem, its start:
 * the raw line, or the row as JSON). Rows with a problem are reported, not fatal; {@link #rejectedReport}
 * turns them into a small table of where and what, and {@link #withoutChecks} drops the added columns.
 *
 * <p>Formats: Parquet, CSV (a header row; RFC 4180 quoting: a quote inside a quoted field is doubled), TSV
 * (the same with tabs), JSON Lines, or a table of the session's catalog. CSV, TSV and JSON Lines are read
 * leniently: a line that does not parse becomes a row with a problem, carrying its raw text.
 */
public final class TextSource {

    /** The default text column. */
    public static final String TEXT = "text";

    /** The source-file column of {@link #read}'s rows. */
    public static final String FILE = "_distill4j_file";

    /** The problem column of {@link #read}'s rows: null for a text the engine can run. */
    public static final String PROBLEM = "_distill4j_problem";

    /** The start of a row with a problem, for the report. */
    public static final String RECORD = "_distill4j_record";

    /** The raw-record column Spark fills for a line it cannot parse. */
    private static final String CORRUPT = "_corrupt_record";

    /** Characters of a rejected row kept in the report. */
    static final int RECORD_EXCERPT = 200;

    private TextSource() {
    }

    /** The input formats. */
    public enum Format {
        PARQUET, CSV, TSV, JSONL, TABLE;

        /**
         * The format named {@code name} ({@code parquet}, {@code csv}, {@code tsv}, {@code jsonl} or {@code json},
         * {@code table}), case-insensitive.
         *
         * @throws InvalidInputException naming {@code field} otherwise
         */
        public static Format of(String name, String field) {
            String normalized = name.trim().toLowerCase(Locale.ROOT);
            if (normalized.equals("json")) {
                return JSONL;
            }
            for (Format format : values()) {
                if (format.name().toLowerCase(Locale.ROOT).equals(normalized)) {
                    return format;
                }
            }
            throw new InvalidInputException(null, field, "'" + name + "' is not a format; one of parquet, csv, tsv, "
                    + "jsonl, table");
        }
    }

    /**
     * Reads {@code location} (a path any Hadoop file system serves, or a table name) and checks each row's
     * {@code textColumn}.
     *
     * @param maxTextBytes the longest text accepted, in UTF-8 bytes
     * @throws InvalidInputException naming {@code --text-column} if the column is missing or not text
     */
    public static Dataset<Row> read(SparkSession spark, Format format, String location, String textColumn,
            int maxTextBytes) {
        Dataset<Row> raw = switch (format) {
            case PARQUET -> spark.read().parquet(location);
            case TABLE -> spark.table(location);
            case JSONL -> spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
                    .json(location);
            case CSV, TSV -> {
                String separator = format == Format.TSV ? "\t" : ",";
                // RFC 4180 quoting, as the pipeline reads these files: a quote inside a quoted field is doubled
                // (Spark's default escape is a backslash), and a quoted field may hold separators and line breaks.
                StructType header = spark.read().option("header", true).option("sep", separator)
                        .option("escape", "\"").csv(location).schema();
                StructType schema = new StructType(Arrays.stream(header.fields())
                        .map(field -> DataTypes.createStructField(field.name(), DataTypes.StringType, true))
                        .toArray(StructField[]::new)).add(CORRUPT, DataTypes.StringType, true);
                yield spark.read().option("header", true).option("sep", separator).option("escape", "\"")
                        .option("multiLine", true).option("mode", "PERMISSIVE")
                        .option("columnNameOfCorruptRecord", CORRUPT).schema(schema).csv(location);
            }
        };
        return check(raw, textColumn, maxTextBytes, format == Format.TABLE ? lit("") : input_file_name());
    }

    /** Checks the rows of a data set already loaded, as {@link #read} does. */
    public static Dataset<Row> of(Dataset<Row> data, String textColumn, int maxTextBytes) {
        return check(data, textColumn, maxTextBytes, input_file_name());
    }

    /**
     * The rows with a problem, for people: {@code file}, {@code problem} and the first {@value #RECORD_EXCERPT}
     * characters of {@code record} (the raw line, or the row as JSON).
     */
    public static Dataset<Row> rejectedReport(Dataset<Row> checked) {
        return checked.filter(col(PROBLEM).isNotNull()).select(col(FILE).as("file"), col(PROBLEM).as("problem"),
                col(RECORD).as("record"));
    }

    /** The checked rows without a problem, with the input's columns only. */
    public static Dataset<Row> withoutChecks(Dataset<Row> checked) {
        return checked.filter(col(PROBLEM).isNull()).drop(FILE, PROBLEM, RECORD);
    }

    private static Dataset<Row> check(Dataset<Row> raw, String textColumn, int maxTextBytes, Column file) {
        StructType schema = raw.schema();
        boolean hasCorrupt = Arrays.asList(schema.fieldNames()).contains(CORRUPT);
        if (!Arrays.asList(schema.fieldNames()).contains(textColumn)) {
            if (hasCorrupt && schema.fieldNames().length == 1) {
                // Not one line parsed: Spark's schema holds the corrupt-record column alone.
                raw = raw.withColumn(textColumn, lit(null).cast(DataTypes.StringType));
            }
            else {
                throw new InvalidInputException(null, "--text-column", "no column '" + textColumn + "'; the input's "
                        + "columns are " + Arrays.toString(schema.fieldNames()));
            }
        }
        else if (!schema.apply(textColumn).dataType().equals(DataTypes.StringType)) {
            throw new InvalidInputException(null, "--text-column", "column '" + textColumn + "' holds "
                    + schema.apply(textColumn).dataType().simpleString() + ", not strings");
        }
        Column text = col(textColumn);
        Column corrupt = hasCorrupt ? col(CORRUPT) : lit(null).cast(DataTypes.StringType);
        Column bytes = expr("octet_length(`" + textColumn.replace("`", "``") + "`)");
        Column problem = when(corrupt.isNotNull(), lit("the line does not parse"))
                .when(text.isNull(), lit("no text in column '" + textColumn + "'"))
                .when(trim(text).equalTo(""), lit("the text is blank"))
                .when(bytes.gt(maxTextBytes), concat(lit("the text is "), bytes.cast(DataTypes.StringType),
                        lit(" bytes, over the limit of " + maxTextBytes + " (--max-text-bytes)")));
        Column record = when(problem.isNotNull(), substring(coalesce(corrupt, to_json(struct(col("*")))), 1,
                RECORD_EXCERPT));
        // The record first, so that the row it shows as JSON holds the input's columns only.
        Dataset<Row> checked = raw.withColumn(RECORD, record).withColumn(FILE, file).withColumn(PROBLEM, problem);
        return hasCorrupt ? checked.drop(CORRUPT) : checked;
    }
}
