package io.distill4j.pipeline.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.generation.GenerationResult;
import io.distill4j.api.labelling.LabellingUsage;

/** The journal of generation answers: kept across opens, per model and temperature, whole after a killed write. */
class GenerationJournalTests {

    private static final GenerationResult ANSWER = GenerationResult.of(List.of("first text", "second \"text\"\nok"),
            new LabellingUsage(1, 120, 30));

    @Test
    void answersAreReadBackByPromptAfterReopening(@TempDir Path dir) throws Exception {
        Path file;
        try (GenerationJournal journal = GenerationJournal.open(dir, "m", 0.9)) {
            journal.record("prompt one", ANSWER);
            journal.record("prompt one", GenerationResult.of(List.of("other"), LabellingUsage.ZERO));
            journal.record("prompt two", GenerationResult.of(List.of(), new LabellingUsage(1, 5, 0)));
            file = journal.file();
        }
        assertThat(Files.readAllLines(file)).hasSize(2).first().asString().startsWith("{\"prompt\":\"")
                .contains("\"texts\":[\"first text\",\"second \\\"text\\\"\\nok\"],\"requests\":1,\"promptTokens\":120,"
                        + "\"completionTokens\":30}");
        try (GenerationJournal journal = GenerationJournal.open(dir, "m", 0.9)) {
            assertThat(journal.size()).isEqualTo(2);
            assertThat(journal.answer("prompt one")).contains(ANSWER);
            assertThat(journal.answer("prompt two").orElseThrow().texts()).isEmpty();
            assertThat(journal.answer("prompt three")).isEmpty();
        }
    }

    @Test
    void anotherModelOrTemperatureIsAnotherConversation(@TempDir Path dir) {
        try (GenerationJournal journal = GenerationJournal.open(dir, "m", 0.9)) {
            journal.record("p", ANSWER);
        }
        for (GenerationJournal other : List.of(GenerationJournal.open(dir, "other", 0.9),
                GenerationJournal.open(dir, "m", 1.0))) {
            try (other) {
                assertThat(other.answer("p")).isEmpty();
            }
        }
    }

    @Test
    void aPartialLastLineIsCutAndABrokenLineSkippedSoThoseRequestsAreAskedAgain(@TempDir Path dir) throws Exception {
        Path file;
        try (GenerationJournal journal = GenerationJournal.open(dir, "m", 0.9)) {
            journal.record("kept", ANSWER);
            file = journal.file();
        }
        Files.writeString(file, "{\"prompt\":\"x\",\"texts\":[\" \"],\"requests\":1,\"promptTokens\":1,"
                + "\"completionTokens\":1}\n{\"prompt\":\"abc\",\"texts\":[\"cut", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (GenerationJournal journal = GenerationJournal.open(dir, "m", 0.9)) {
            assertThat(journal.size()).isEqualTo(1);
            journal.record("after", ANSWER);
        }
        try (GenerationJournal journal = GenerationJournal.open(dir, "m", 0.9)) {
            assertThat(journal.size()).isEqualTo(2);
            assertThat(journal.answer("after")).contains(ANSWER);
        }
    }
}
