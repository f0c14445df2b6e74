package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTests {

    @TempDir
    Path temp;

    @Test
    void aReportWithItsOwnCsvHeaderWritesItsRowsWithTheNextSection() throws IOException {
        Report report = new Report(this.temp.resolve("cold.md"), "cold.csv", "scenario,ms", quiet());

        report.row(List.of("server", "9031"));
        report.section("## Server");

        assertThat(Files.readString(this.temp.resolve("cold.csv"))).isEqualTo("scenario,ms\nserver,9031\n");
        assertThat(Files.readString(this.temp.resolve("cold.md"))).startsWith("## Server");
    }

    @Test
    void aCellThatWouldBreakTheCsvIsRejected() {
        Report report = new Report(this.temp.resolve("cold.md"), "cold.csv", "a,b", quiet());

        assertThatThrownBy(() -> report.row(List.of("x", "1,5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1,5");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
