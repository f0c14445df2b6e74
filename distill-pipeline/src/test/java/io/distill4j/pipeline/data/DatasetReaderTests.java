package io.distill4j.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.distill.Quoting;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InvalidInputException;

class DatasetReaderTests {

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(DatasetReaderTests.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsRfc4180QuotedTsvWithTabsQuotesAndLineBreaksInsideFields() {
        TextDataset dataset = DatasetReader.builder().build().read(fixture("quoted.tsv"));

        assertThat(dataset.examples()).extracting(TextExample::text).containsExactly(
                "plain row", "has a\ttab inside", "say \"hi\" twice", "How do I unblock my PIN?",
                "two\nline\nbreak", "no label here", "after blank");
        assertThat(dataset.examples()).extracting(TextExample::line).containsExactly(2L, 3L, 4L, 5L, 7L, 10L, 12L);
        assertThat(dataset.examples()).extracting(example -> example.label().orElse(null)).containsExactly(
                "greeting", "greeting", "quote", "pin_blocked", "multi", null, "greeting");
        assertThat(dataset.labels()).containsExactly("greeting", "multi", "pin_blocked", "quote");
        assertThat(dataset.labelIndex("pin_blocked")).isEqualTo(2);
        assertThat(dataset.labelIndex("nope")).isEqualTo(-1);
        assertThat(dataset.labelCounts()).containsExactly(Map.entry("greeting", 3L), Map.entry("multi", 1L),
                Map.entry("pin_blocked", 1L), Map.entry("quote", 1L));
        DataReport report = dataset.report().orElseThrow();
        assertThat(report.rows()).isEqualTo(7);
        assertThat(report.labeled()).isEqualTo(6);
        assertThat(report.unlabeled()).isEqualTo(1);
        assertThat(report.badRows()).isZero();
        assertThat(report.format()).isEqualTo(DataFormat.TSV);
        assertThat(report.readLiterally()).as("a file that follows RFC 4180 is read by it").isFalse();
        assertThat(report.note()).isEmpty();
    }

    @Test
    void readsHeaderlessCsvByIndexAsSentencePairsLikeStsB() {
        DatasetReader reader = DatasetReader.builder()
                .columns(ColumnMapping.builder().text(0).textPair(1).label(2).build())
                .build();

        TextDataset dataset = reader.read(fixture("stsb-headerless.csv"));

        assertThat(dataset.size()).isEqualTo(6);
        TextExample fourth = dataset.examples().get(3);
        assertThat(fourth.text()).isEqualTo("A woman tosses a cat in the air, and the cat hangs off a rod on the ceiling.");
        assertThat(fourth.textPair()).contains("A person throws a cat in the air and it grabs onto the ceiling.");
        assertThat(fourth.label()).contains("3.5");
        assertThat(fourth.line()).isEqualTo(4);
        assertThat(dataset.examples().get(0).line()).isEqualTo(1);
        assertThat(dataset.hasTextPairs()).isTrue();
        // Numeric labels sort as numbers, not as strings.
        assertThat(dataset.labels()).containsExactly("0.0", "2.6", "2.818", "3.5", "3.8", "5.0");
    }

    @Test
    void numericLabelsSortNumericallyOthersAsStrings() {
        assertThat(TextDataset.sortLabels(List.of("10", "2", "1", "0"))).containsExactly("0", "1", "2", "10");
        assertThat(TextDataset.sortLabels(List.of("b", "10", "a", "2"))).containsExactly("10", "2", "a", "b");
    }

    @Test
    void readsJsonLinesWithNumericNullAndAbsentLabels() {
        TextDataset dataset = DatasetReader.builder().build().read(fixture("reviews.jsonl"));

        assertThat(dataset.report().orElseThrow().format()).isEqualTo(DataFormat.JSON_LINES);
        assertThat(dataset.examples()).extracting(TextExample::line).containsExactly(1L, 2L, 4L, 5L, 6L);
        assertThat(dataset.examples()).extracting(example -> example.label().orElse(null))
                .containsExactly("1", "0", null, "1", null);
        assertThat(dataset.labels()).containsExactly("0", "1");
        assertThat(dataset.report().orElseThrow().unlabeled()).isEqualTo(2);
    }

    @Test
    void jsonLinesBadRowsAreCountedByReasonWithTheirLines() throws IOException {
        Path file = write("bad.jsonl", String.join("\n",
                "{\"text\": \"fine\", \"label\": \"a\"}",
                "{\"text\": \"broken\", ",
                "[\"not\", \"an\", \"object\"]",
                "{\"text\": 42, \"label\": \"a\"}",
                "{\"label\": \"a\"}",
                "{\"text\": \"labelled with an object\", \"label\": {\"x\": 1}}",
                "{\"text\": \"   \", \"label\": \"a\"}",
                "{\"text\": \"two\"} {\"text\": \"objects\"}",
                "{\"text\": \"also fine\", \"label\": \"b\"}"));

        TextDataset dataset = DatasetReader.builder().maxBadRowShare(1.0).build().read(file);

        assertThat(dataset.examples()).extracting(TextExample::text).containsExactly("fine", "also fine");
        assertThat(dataset.report().orElseThrow().firstBadRows()).extracting(BadRow::line, BadRow::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, BadRow.Reason.MALFORMED_JSON),
                org.assertj.core.groups.Tuple.tuple(3L, BadRow.Reason.MALFORMED_JSON),
                org.assertj.core.groups.Tuple.tuple(4L, BadRow.Reason.WRONG_TYPE),
                org.assertj.core.groups.Tuple.tuple(5L, BadRow.Reason.MISSING_COLUMN),
                org.assertj.core.groups.Tuple.tuple(6L, BadRow.Reason.WRONG_TYPE),
                org.assertj.core.groups.Tuple.tuple(7L, BadRow.Reason.EMPTY_TEXT),
                org.assertj.core.groups.Tuple.tuple(8L, BadRow.Reason.MALFORMED_JSON));
        assertThat(dataset.report().orElseThrow().firstBadRows().get(1).detail()).contains("not a JSON object but array");
        assertThat(dataset.report().orElseThrow().firstBadRows().get(2).detail()).isEqualTo("field 'text' is number, not a string");
        assertThat(dataset.report().orElseThrow().badRowsByReason()).containsEntry(BadRow.Reason.MALFORMED_JSON, 3L);
    }

    @Test
    void jsonLinesColumnsMayBeJsonPointers() throws IOException {
        Path file = write("nested.jsonl", "{\"input\": {\"question\": \"where is my card?\"}, \"gold\": [\"card_arrival\"]}\n");

        TextDataset dataset = DatasetReader.builder()
                .columns(ColumnMapping.builder().text("/input/question").label("/gold/0").build())
                .build()
                .read(file);

        assertThat(dataset.examples()).containsExactly(TextExample.labeled("where is my card?", "card_arrival", 1));
    }

    @Test
    void jsonLinesRefuseColumnsGivenByIndex() throws IOException {
        Path file = write("any.jsonl", "{\"text\": \"x\"}\n");
        DatasetReader reader = DatasetReader.builder().columns(ColumnMapping.builder().text(0).build()).build();

        assertThatThrownBy(() -> reader.read(file))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("columns.text"))
                .hasMessageContaining("column 0 is given by index");
    }

    @Test
    void badRowsUnderTheLimitAreSkippedAndReportedWithTheirLines() {
        TextDataset dataset = DatasetReader.builder().maxBadRowShare(0.15).build().read(fixture("bad-rows.tsv"));

        DataReport report = dataset.report().orElseThrow();
        assertThat(report.rows()).isEqualTo(20);
        assertThat(report.badRows()).isEqualTo(3);
        assertThat(report.keptRows()).isEqualTo(17);
        assertThat(dataset.size()).isEqualTo(17);
        assertThat(report.badRowShare()).isEqualTo(0.15);
        assertThat(report.badRowsByReason()).containsExactly(
                Map.entry(BadRow.Reason.MISSING_COLUMN, 1L), Map.entry(BadRow.Reason.EMPTY_TEXT, 2L));
        assertThat(report.firstBadRows()).extracting(BadRow::toString).containsExactly(
                "line 5: column 'label' missing (the record has 1 field)",
                "line 9: empty text",
                "line 14: empty text");
        assertThat(dataset.examples()).filteredOn(example -> example.text().startsWith("text on lines 12"))
                .singleElement().satisfies(example -> assertThat(example.line()).isEqualTo(12));
        assertThat(dataset.examples()).filteredOn(example -> example.text().equals("text on line 15"))
                .singleElement().satisfies(example -> assertThat(example.line()).isEqualTo(15));
        assertThat(report.summary()).contains("20 rows, 17 kept", "3 bad (15.00%", "first: line 5:");
    }

    @Test
    void badRowsOverTheLimitFailWithCountShareLimitAndFirstLines() {
        DatasetReader reader = DatasetReader.builder().maxBadRowShare(0.1).jobId("job-7").build();

        assertThatThrownBy(() -> reader.read(fixture("bad-rows.tsv")))
                .isInstanceOfSatisfying(DistillationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DISTILLATION_FAILED);
                    assertThat(e.subject()).contains("job-7");
                })
                .hasMessageContaining("bad-rows.tsv: 3 of 20 rows are bad (15.00%)")
                .hasMessageContaining("over the limit maxBadRowShare=0.1 (10.00%)")
                .hasMessageContaining("missing_column 1, empty_text 2")
                .hasMessageContaining("line 5: column 'label' missing (the record has 1 field); line 9: empty text; "
                        + "line 14: empty text");
    }

    @Test
    void theDefaultLimitIsOneRowInAHundred() {
        assertThatThrownBy(() -> DatasetReader.builder().build().read(fixture("bad-rows.tsv")))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("maxBadRowShare=0.01 (1.00%)");
    }

    @Test
    void invalidUtf8IsABadRowWithItsLineNotACrashNorReplacementCharacters() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("text\tlabel\ncafé au lait\ta\n".getBytes(StandardCharsets.UTF_8)); // lines 1-2
        bytes.writeBytes("caf".getBytes(StandardCharsets.UTF_8));                            // line 3: Latin-1 é
        bytes.write(0xE9);
        bytes.writeBytes(" noir\ta\n\"quoted over\nlines 4 and 5\"\tb\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("\"bad byte on the second\n".getBytes(StandardCharsets.UTF_8));      // lines 6-7
        bytes.write(0xC3);
        bytes.write(0x28);
        bytes.writeBytes(" line of a quoted field\"\tb\nfine again\tb\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("truncated at the end ".getBytes(StandardCharsets.UTF_8));          // line 9
        bytes.write(0xE2);
        bytes.write(0x82);
        Path file = dir.resolve("latin1.tsv");
        Files.write(file, bytes.toByteArray());

        TextDataset dataset = DatasetReader.builder().maxBadRowShare(0.5).build().read(file);

        assertThat(dataset.examples()).extracting(TextExample::text)
                .containsExactly("café au lait", "quoted over\nlines 4 and 5", "fine again");
        assertThat(dataset.examples()).extracting(TextExample::line).containsExactly(2L, 4L, 8L);
        assertThat(dataset.report().orElseThrow().firstBadRows()).extracting(BadRow::toString)
                .containsExactly("line 3: invalid UTF-8", "line 6: invalid UTF-8", "line 9: invalid UTF-8");
        assertThat(dataset.examples()).noneMatch(example -> example.text().contains("\uFFFD"));
    }

    @Test
    void invalidUtf8FarIntoALargeFileIsReportedOnTheRightLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("text,label\n".getBytes(StandardCharsets.UTF_8));
        for (int line = 2; line <= 5000; line++) {
            bytes.writeBytes(("sentence number " + line + " with ünïcödé,x\r\n").getBytes(StandardCharsets.UTF_8));
        }
        bytes.write(0xFF);                                                      // line 5001
        bytes.writeBytes(",x\r\nlast,x\r\n".getBytes(StandardCharsets.UTF_8)); // line 5002
        Path file = dir.resolve("large.csv");
        Files.write(file, bytes.toByteArray());

        TextDataset dataset = DatasetReader.builder().build().read(file);

        assertThat(dataset.size()).isEqualTo(5000);
        assertThat(dataset.report().orElseThrow().firstBadRows()).extracting(BadRow::toString).containsExactly("line 5001: invalid UTF-8");
        assertThat(dataset.examples().get(4999).line()).isEqualTo(5002);
        assertThat(dataset.examples().get(1234).text()).isEqualTo("sentence number 1236 with ünïcödé");
    }

    @Test
    void invalidUtf8InJsonLinesIsABadRowWithItsLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"text\": \"ok\"}\n{\"text\": \"".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xC0);
        bytes.write(0xAF);
        bytes.writeBytes("\"}\n{\"text\": \"ok too\"}\n".getBytes(StandardCharsets.UTF_8));

        TextDataset dataset = DatasetReader.builder().maxBadRowShare(0.5).build()
                .read(new ByteArrayInputStream(bytes.toByteArray()), "stream.jsonl", DataFormat.JSON_LINES);

        assertThat(dataset.examples()).extracting(TextExample::text).containsExactly("ok", "ok too");
        assertThat(dataset.report().orElseThrow().firstBadRows()).extracting(BadRow::toString).containsExactly("line 2: invalid UTF-8");
    }

    @Test
    void aByteOrderMarkIsIgnoredAndCrLfLinesAreCounted() throws IOException {
        Path file = dir.resolve("bom.csv");
        Files.write(file, "\uFEFFtext,label\r\nfirst,a\r\n\"multi\r\nline\",b\r\nlast,a\r\n".getBytes(StandardCharsets.UTF_8));

        TextDataset dataset = DatasetReader.builder().build().read(file);

        assertThat(dataset.examples()).extracting(TextExample::line).containsExactly(2L, 3L, 5L);
        assertThat(dataset.examples().get(1).text()).isEqualTo("multi\r\nline");
    }

    @Test
    void aLabelNotAmongTheTrainingLabelsIsABadRowInATestFile() throws IOException {
        TextDataset train = DatasetReader.builder().build().read(fixture("quoted.tsv"));
        Path test = write("test.tsv", "text\tlabel\nhello\tgreeting\nwhat is this\tnever_seen\nunlabelled\t\n");

        TextDataset read = DatasetReader.builder().knownLabels(train.labels()).maxBadRowShare(0.5).build().read(test);

        assertThat(read.examples()).extracting(TextExample::text).containsExactly("hello", "unlabelled");
        assertThat(read.report().orElseThrow().firstBadRows()).singleElement().satisfies(bad -> {
            assertThat(bad.reason()).isEqualTo(BadRow.Reason.UNKNOWN_LABEL);
            assertThat(bad.line()).isEqualTo(3);
            assertThat(bad.detail()).isEqualTo("unknown label 'never_seen' (not among the 4 known labels)");
        });
        // The test set carries the training vocabulary, so label indices agree across splits.
        assertThat(read.labels()).isEqualTo(train.labels());
        assertThat(read.labelCounts()).containsEntry("multi", 0L);

        TextDataset strict = DatasetReader.builder().knownLabels(train.labels()).requireLabels(true)
                .maxBadRowShare(1.0).build().read(test);
        assertThat(strict.report().orElseThrow().badRowsByReason()).containsExactly(
                Map.entry(BadRow.Reason.UNKNOWN_LABEL, 1L), Map.entry(BadRow.Reason.MISSING_LABEL, 1L));
    }

    @Test
    void aNamedColumnMissingFromTheHeaderFailsNamingTheFieldAndTheHeader() throws IOException {
        Path file = write("other.tsv", "sentence\tclass\nhello\ta\n");

        assertThatThrownBy(() -> DatasetReader.builder().build().read(file))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("columns.text"))
                .hasMessageContaining("column 'text' is not in the header of")
                .hasMessageContaining("[class, sentence]");

        TextDataset mapped = DatasetReader.builder()
                .columns(ColumnMapping.builder().text("sentence").label("class").build())
                .build().read(file);
        assertThat(mapped.examples()).containsExactly(TextExample.labeled("hello", "a", 2));
    }

    @Test
    void indexedColumnsCanSkipAHeader() throws IOException {
        Path file = write("skip.csv", "whatever,we,ignore\nx,hello,a\n");

        TextDataset dataset = DatasetReader.builder()
                .columns(ColumnMapping.builder().text(1).label(2).header(true).build())
                .build().read(file);

        assertThat(dataset.examples()).containsExactly(TextExample.labeled("hello", "a", 2));
    }

    @Test
    void underRfc4180UnbalancedQuotesFailWithTheLineAndNameTheSettingThatReadsThemAsText() throws IOException {
        Path file = write("unbalanced.tsv", "text\tlabel\nfine\ta\n\"never closed\ta\nmore\ta\n");

        assertThatThrownBy(() -> DatasetReader.builder().quoting(Quoting.RFC_4180).build().read(file))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("unbalanced.tsv: malformed record after line 2")
                .hasMessageContaining("set data.quoting: NONE (DataSpec.quoting(Quoting.NONE))")
                .hasMessageContaining("or AUTO");
    }

    @Test
    void byDefaultATsvWithStrayQuotesIsReadLiterallyAndTheReportSaysSo() throws IOException {
        Path file = write("reviews.tsv", "text\tlabel\n"
                + "\"Acme Phone\" stopped charging after a week\tnegative\n"
                + "works as described\tpositive\n"
                + "the box said \"waterproof but it is not\tnegative\n"
                + "say \"\"hi\"\" twice\tpositive\n");

        TextDataset dataset = DatasetReader.builder().build().read(file);

        assertThat(dataset.examples()).extracting(TextExample::text).containsExactly(
                "\"Acme Phone\" stopped charging after a week", "works as described",
                "the box said \"waterproof but it is not", "say \"\"hi\"\" twice");
        assertThat(dataset.examples()).extracting(TextExample::line).containsExactly(2L, 3L, 4L, 5L);
        assertThat(dataset.labels()).containsExactly("negative", "positive");
        DataReport report = dataset.report().orElseThrow();
        assertThat(report.readLiterally()).isTrue();
        assertThat(report.badRows()).isZero();
        assertThat(report.summary()).endsWith("0 bad; read literally, double quotes are text");
        assertThat(report.note()).hasValueSatisfying(note -> assertThat(note)
                .startsWith(file + " was read literally").contains("data.quoting: AUTO"));
    }

    @Test
    void byDefaultATsvWhoseTextOpensAQuoteItNeverClosesIsReadLiterally() throws IOException {
        Path file = write("open.tsv", "text\tlabel\n\"Acme Phone is great\tpositive\nbad battery\tnegative\n");

        TextDataset dataset = DatasetReader.builder().build().read(file);

        assertThat(dataset.examples()).containsExactly(TextExample.labeled("\"Acme Phone is great", "positive", 2),
                TextExample.labeled("bad battery", "negative", 3));
        assertThat(dataset.report().orElseThrow().readLiterally()).isTrue();
    }

    @Test
    void aTsvStreamWithStrayQuotesIsReadLiterallyWithoutClosingTheStream() {
        byte[] bytes = "text\tlabel\n\"Acme\" broke\ta\n".getBytes(StandardCharsets.UTF_8);
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        TextDataset dataset = DatasetReader.builder().build().read(in, "inline", DataFormat.TSV);

        assertThat(dataset.examples()).containsExactly(TextExample.labeled("\"Acme\" broke", "a", 2));
        assertThat(dataset.report().orElseThrow().readLiterally()).isTrue();
        assertThat(closed[0]).isFalse();
    }

    @Test
    void byDefaultACsvWithStrayQuotesStillFailsNamingTheSettingThatReadsThemAsText() throws IOException {
        Path file = write("reviews.csv", "text,label\n\"Acme\" broke,negative\n");

        assertThatThrownBy(() -> DatasetReader.builder().build().read(file))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("reviews.csv: malformed record after line 1")
                .hasMessageContaining("if no field holds a comma, set data.quoting: NONE (DataSpec.quoting(Quoting.NONE))");
        TextDataset literal = DatasetReader.builder().quoting(Quoting.NONE).build().read(file);
        assertThat(literal.examples()).containsExactly(TextExample.labeled("\"Acme\" broke", "negative", 2));
    }

    @Test
    void aFileWithoutDataRowsFails() throws IOException {
        Path headerOnly = write("empty.tsv", "text\tlabel\n\n");

        assertThatThrownBy(() -> DatasetReader.builder().build().read(headerOnly))
                .isInstanceOf(DistillationException.class)
                .hasMessageEndingWith("empty.tsv: no data rows after the header");
    }

    @Test
    void aFileOfOnlyBadRowsFailsWhateverTheLimit() throws IOException {
        Path file = write("all-bad.tsv", "text\tlabel\n\ta\n");

        assertThatThrownBy(() -> DatasetReader.builder().maxBadRowShare(1.0).build().read(file))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("1 of 1 rows are bad (100.00%)")
                .hasMessageContaining("line 2: empty text");
    }

    @Test
    void aMissingFileFailsNamingThePath() {
        Path missing = dir.resolve("nope.tsv");

        assertThatThrownBy(() -> DatasetReader.builder().build().read(missing))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("data file not found: " + missing);
    }

    @Test
    void theFormatComesFromTheExtensionUnlessSet() throws IOException {
        Path jsonLines = write("Train.JSONLINES", "{\"text\": \"hello\", \"label\": \"a\"}\n");
        assertThat(DatasetReader.builder().build().read(jsonLines).report().orElseThrow().format())
                .isEqualTo(DataFormat.JSON_LINES);

        Path txt = write("data.txt", "text\tlabel\nhello\ta\n");
        assertThatThrownBy(() -> DatasetReader.builder().build().read(txt))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("data.format"))
                .hasMessageContaining("data.txt");
        TextDataset dataset = DatasetReader.builder().format(DataFormat.TSV).build().read(txt);
        assertThat(dataset.size()).isEqualTo(1);
    }

    @Test
    void theBuilderRejectsAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> DatasetReader.builder().maxBadRowShare(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBadRowShare must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> DatasetReader.builder().maxBadRowShare(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsAStreamWithoutClosingIt() {
        byte[] bytes = "text\tlabel\nhi\ta\n".getBytes(StandardCharsets.UTF_8);
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(bytes) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        TextDataset dataset = DatasetReader.builder().build().read(in, "inline", DataFormat.TSV);

        assertThat(dataset.examples()).containsExactly(
                new TextExample("hi", Optional.empty(), Optional.of("a"), 2, false));
        assertThat(closed[0]).isFalse();
    }

    @Test
    void singleTextsReadsRowsWithoutTheSecondTextOrLabelThatOtherwiseAreBad() throws IOException {
        Path file = write("mixed.csv", "A plane is taking off.,An air plane is taking off.,5.0\n"
                + "Just one sentence.\n"
                + "Another sentence.,,\n");
        DatasetReader.Builder reader = DatasetReader.builder().maxBadRowShare(1)
                .columns(ColumnMapping.builder().header(false).text(0).textPair(1).label(2).build());

        TextDataset strict = reader.build().read(file);
        assertThat(strict.examples()).extracting(TextExample::text).containsExactly("A plane is taking off.");
        assertThat(strict.report().orElseThrow().badRows()).isEqualTo(2);

        TextDataset lenient = reader.singleTexts(true).build().read(file);
        assertThat(lenient.examples()).extracting(TextExample::text).containsExactly("A plane is taking off.",
                "Just one sentence.", "Another sentence.");
        assertThat(lenient.examples()).extracting(e -> e.textPair().orElse(null)).containsExactly(
                "An air plane is taking off.", null, null);
        assertThat(lenient.examples()).extracting(e -> e.label().orElse(null)).containsExactly("5.0", null, null);
        assertThat(lenient.report().orElseThrow().badRows()).isZero();
    }

    @Test
    void singleTextsAcceptsAHeaderWithoutTheNamedPairAndLabelColumnsAndJsonWithoutThePairField()
            throws IOException {
        ColumnMapping columns = ColumnMapping.builder().text("text").textPair("pair").label("score").build();
        Path csv = write("texts.csv", "text\nfirst\nsecond\n");
        assertThatThrownBy(() -> DatasetReader.builder().columns(columns).build().read(csv))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("column 'pair' is not in the header");
        assertThat(DatasetReader.builder().columns(columns).singleTexts(true).build().read(csv).examples())
                .extracting(TextExample::text).containsExactly("first", "second");

        Path jsonl = write("texts.jsonl", "{\"text\": \"first\", \"pair\": \"second\", \"score\": 4}\n"
                + "{\"text\": \"third\"}\n");
        TextDataset read = DatasetReader.builder().columns(columns).singleTexts(true).build().read(jsonl);
        assertThat(read.examples()).extracting(e -> e.textPair().orElse(null)).containsExactly("second", null);
        assertThat(read.report().orElseThrow().badRows()).isZero();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }
}
