package io.distill4j.pipeline.teacher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.distill4j.api.exception.DistillationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The precomputed-logits file: what it accepts, and each fault refused with the file and the line. */
class LogitsFileTests {

    private static final int[] IDENTITY = {0, 1};

    /** Train lines 2 to 4 (a header on line 1), test line 2. */
    private static final Map<String, Set<Long>> EXPECTED = Map.of("train", Set.of(2L, 3L, 4L), "test", Set.of(2L));

    @TempDir
    Path dir;

    private Path write(String... lines) throws Exception {
        return Files.write(this.dir.resolve("logits.jsonl"), List.of(lines));
    }

    private Map<String, Map<Long, float[]>> read(Path file) {
        return LogitsFile.read(file, EXPECTED, IDENTITY, "job-1");
    }

    @Test
    void readsLogitsAndProbabilitiesKeyedByFileAndLine() throws Exception {
        Path file = write("{\"line\": 3, \"logits\": [1.5, -2]}", "", "{\"file\": \"train\", \"line\": 2, \"logits\": [0, 1]}",
                "{\"line\": 4, \"probabilities\": [0.25, 0.75]}", "{\"file\": \"test\", \"line\": 2, \"logits\": [3, 4]}");

        Map<String, Map<Long, float[]>> rows = read(file);

        assertThat(rows.get("train").get(3L)).containsExactly(1.5f, -2f);
        assertThat(rows.get("train").get(2L)).containsExactly(0f, 1f);
        assertThat(rows.get("train").get(4L)[0]).isCloseTo((float) Math.log(0.25), within(1e-6f));
        assertThat(rows.get("train").get(4L)[1]).isCloseTo((float) Math.log(0.75), within(1e-6f));
        assertThat(rows.get("test").get(2L)).containsExactly(3f, 4f);
    }

    @Test
    void columnsAreReorderedIntoTheDataLabelOrder() throws Exception {
        Path file = write("{\"line\": 2, \"logits\": [1, 2]}", "{\"line\": 3, \"logits\": [3, 4]}",
                "{\"line\": 4, \"logits\": [5, 6]}", "{\"file\": \"test\", \"line\": 2, \"logits\": [7, 8]}");

        Map<String, Map<Long, float[]>> rows = LogitsFile.read(file, EXPECTED, new int[] {1, 0}, "job-1");

        assertThat(rows.get("train").get(2L)).containsExactly(2f, 1f);
    }

    @Test
    void aDataRowWithoutAnObjectIsRefusedNamingTheDataLine() throws Exception {
        Path file = write("{\"line\": 2, \"logits\": [0, 1]}", "{\"line\": 4, \"logits\": [0, 1]}",
                "{\"file\": \"test\", \"line\": 2, \"logits\": [0, 1]}");

        assertThatThrownBy(() -> read(file)).isInstanceOf(DistillationException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("no row for train line 3")
                .hasMessageContaining("1 train rows missing");
    }

    @Test
    void aRowOfTheWrongWidthIsRefusedNamingItsLine() throws Exception {
        Path file = write("{\"line\": 2, \"logits\": [0, 1]}", "{\"line\": 3, \"logits\": [0, 1, 2]}");

        assertThatThrownBy(() -> read(file)).isInstanceOf(DistillationException.class)
                .hasMessage("teacher.file " + file + " line 2: 'logits' has 3 values; the data has 2 labels");
    }

    @Test
    void notANumberIsRefusedNamingItsLine() throws Exception {
        Path file = write("{\"line\": 2, \"logits\": [0, 1]}", "", "{\"line\": 3, \"logits\": [NaN, 1]}");

        assertThatThrownBy(() -> read(file)).isInstanceOf(DistillationException.class)
                .hasMessageStartingWith("teacher.file " + file + " line 3: logits[0] is not a finite number");
    }

    @Test
    void anInfiniteOrOverflowingValueIsRefused() throws Exception {
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [Infinity, 1]}")))
                .hasMessageContaining("line 1: logits[0] is not a finite number");
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [1e39, 1]}")))
                .hasMessageContaining("line 1: logits[0] is not a finite number");
    }

    @Test
    void anUnparsableNumberIsRefusedNamingItsLine() throws Exception {
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [0, 1]}", "{\"line\": 3, \"logits\": [0, 1.2.3]}")))
                .isInstanceOf(DistillationException.class).hasMessageContaining("line 2: is not valid JSON");
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [\"0.5\", 1]}")))
                .isInstanceOf(DistillationException.class).hasMessageContaining("line 1: logits[0] is not a number");
    }

    @Test
    void aRowForAnUnknownKeyIsRefusedNamingItsLine() throws Exception {
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [0, 1]}", "{\"line\": 9, \"logits\": [0, 1]}")))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("line 2: train line 9 is not a row of the data");
        assertThatThrownBy(() -> read(write("{\"file\": \"validation\", \"line\": 2, \"logits\": [0, 1]}")))
                .hasMessageContaining("line 1: validation line 2 is not a row of the data (the spec has no "
                        + "validation file)");
        assertThatThrownBy(() -> read(write("{\"file\": \"dev\", \"line\": 2, \"logits\": [0, 1]}")))
                .hasMessageContaining("line 1: 'file' must be one of [train, validation, test]");
    }

    @Test
    void aDuplicateRowIsRefusedNamingBothLines() throws Exception {
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [0, 1]}", "{\"line\": 2, \"logits\": [0, 1]}")))
                .hasMessageContaining("line 2: train line 2 appears twice (first on line 1)");
    }

    @Test
    void aMissingLineOrBothKindsOfValuesAreRefused() throws Exception {
        assertThatThrownBy(() -> read(write("{\"logits\": [0, 1]}")))
                .hasMessageContaining("line 1: 'line' must be a whole number >= 1");
        assertThatThrownBy(() -> read(write("{\"line\": 2.5, \"logits\": [0, 1]}")))
                .hasMessageContaining("line 1: 'line' must be a whole number >= 1");
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"logits\": [0, 1], \"probabilities\": [0.5, 0.5]}")))
                .hasMessageContaining("line 1: needs exactly one of 'logits' and 'probabilities'");
    }

    @Test
    void probabilitiesOutOfRangeOrNotSummingToOneAreRefused() throws Exception {
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"probabilities\": [1.5, -0.5]}")))
                .hasMessageContaining("line 1: probabilities[0] must be in [0, 1]");
        assertThatThrownBy(() -> read(write("{\"line\": 2, \"probabilities\": [0.5, 0.4]}")))
                .hasMessageContaining("line 1: the probabilities sum to 0.900000, not 1");
    }
}
