package io.distill4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.distill4j.api.exception.InvalidInputException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs users bring, read and checked as the Spark jobs read them: CSV with quoted commas, quotes and line
 * breaks inside a text; TSV; a JSON Lines file with a broken line and a text that is a number; Parquet; a table.
 * Every text survives as written; every row that is not a text is flagged with its problem and file, and none
 * fails the read.
 */
class TextSourceIT {

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkTestSupport.spark(2, 1);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** Text → problem (null for a good row) of the checked rows. */
    private static Map<String, String> problems(Dataset<Row> checked, String textColumn) {
        return checked.collectAsList().stream().collect(Collectors.toMap(
                row -> String.valueOf(row.<String>getAs(textColumn)),
                row -> String.valueOf(row.<String>getAs(TextSource.PROBLEM))));
    }

    @Test
    void csvTextsWithCommasQuotesAndLineBreaksSurviveAndBadRowsAreFlagged() throws Exception {
        Path file = this.dir.resolve("tickets.csv");
        Files.writeString(file, """
                id,body,label
                1,"Card declined, twice","card"
                2,"He said ""wait"" and left",card
                3,"First line
                second line",transfer
                4,,transfer
                5,"   ",exchange
                6,"plain text",exchange
                """, StandardCharsets.UTF_8);
        Dataset<Row> checked = TextSource.read(spark, TextSource.Format.CSV, file.toString(), "body", 1 << 20);
        Map<String, String> byText = problems(checked, "body");
        assertThat(byText).containsEntry("Card declined, twice", "null")
                .containsEntry("He said \"wait\" and left", "null")
                .containsEntry("First line\nsecond line", "null")
                .containsEntry("plain text", "null")
                .containsEntry("null", "no text in column 'body'")
                .containsEntry("   ", "the text is blank");
        assertThat(checked.columns()).contains("id", "body", "label", TextSource.FILE).doesNotContain("_corrupt_record");
        assertThat(TextSource.rejectedReport(checked).collectAsList()).hasSize(2)
                .allSatisfy(row -> assertThat(row.getString(0)).endsWith("tickets.csv"));
        assertThat(TextSource.withoutChecks(checked).columns()).containsExactly("id", "body", "label");
    }

    @Test
    void tsvAndParquetAndATableReadTheirTexts() throws Exception {
        Path tsv = this.dir.resolve("reviews.tsv");
        Files.writeString(tsv, "text\tlabel\nGreat hotel, clean rooms\t1\n很好的酒店，服务周到\t1\nNoisy at night\t0\n");
        assertThat(problems(TextSource.read(spark, TextSource.Format.TSV, tsv.toString(), "text", 1 << 20), "text"))
                .containsOnlyKeys("Great hotel, clean rooms", "很好的酒店，服务周到", "Noisy at night")
                .allSatisfy((text, problem) -> assertThat(problem).isEqualTo("null"));

        Path parquet = this.dir.resolve("texts.parquet");
        spark.createDataset(List.of("one text", "another text", ""), Encoders.STRING()).toDF("text").write()
                .parquet(parquet.toString());
        Dataset<Row> fromParquet = TextSource.read(spark, TextSource.Format.PARQUET, parquet.toString(), "text", 1 << 20);
        assertThat(fromParquet.filter(col(TextSource.PROBLEM).isNull()).count()).isEqualTo(2);

        spark.createDataset(List.of("a row of a table"), Encoders.STRING()).toDF("text")
                .createOrReplaceTempView("distill4j_texts");
        assertThat(problems(TextSource.read(spark, TextSource.Format.TABLE, "distill4j_texts", "text", 1 << 20), "text"))
                .containsEntry("a row of a table", "null");
    }

    @Test
    void jsonLinesWithABrokenLineANumberAndATooLongTextAreFlaggedNotFatal() throws Exception {
        Path file = this.dir.resolve("questions.jsonl");
        Files.writeString(file, String.join("\n", List.of(
                "{\"text\": \"where is my card\"}",
                "{\"text\": \"unterminated",
                "{\"text\": 42}",
                "{\"text\": \"" + "x".repeat(300) + "\"}",
                "{\"other\": \"no text here\"}")) + "\n");
        Dataset<Row> checked = TextSource.read(spark, TextSource.Format.JSONL, file.toString(), "text", 200);
        List<String> found = checked.collectAsList().stream()
                .map(row -> row.<String>getAs(TextSource.PROBLEM) == null ? "ok" : row.<String>getAs(TextSource.PROBLEM))
                .sorted().toList();
        assertThat(found).containsExactly("no text in column 'text'", "ok", "ok", "the line does not parse",
                "the text is 300 bytes, over the limit of 200 (--max-text-bytes)");
        assertThat(TextSource.rejectedReport(checked).collectAsList()).anySatisfy(row ->
                assertThat(row.getString(2)).contains("unterminated"));
    }

    @Test
    void aMissingOrNonTextColumnNamesTheOption() throws Exception {
        Path parquet = this.dir.resolve("numbers.parquet");
        spark.createDataset(List.of(1L, 2L), Encoders.LONG()).toDF("value").write().parquet(parquet.toString());
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> TextSource.read(spark, TextSource.Format.PARQUET, parquet.toString(), "value", 10))
                .withMessageContaining("holds bigint, not strings")
                .satisfies(ex -> assertThat(ex.field()).isEqualTo("--text-column"));
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> TextSource.Format.of("xml", "--format")).withMessageContaining("parquet, csv, tsv");
    }
}
