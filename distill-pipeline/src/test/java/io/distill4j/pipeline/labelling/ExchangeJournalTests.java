package io.distill4j.pipeline.labelling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;

/** The journal of answers: kept across opens, per conversation, and whole after an interrupted write. */
class ExchangeJournalTests {

    private static final LabelSet LABELS = LabelSet.of("pos", "neg");

    private static final LabellingOptions OPTIONS = LabellingOptions.ofDefaults();

    private static final LabelledText POSITIVE = LabelledText.of(List.of(0.8, 0.2), TargetSource.SAMPLES, 1,
            new LabellingUsage(5, 200, 25));

    @Test
    void answersAreReadBackAfterReopeningAndTheFirstAnswerWins(@TempDir Path dir) {
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            journal.record("prompt one", POSITIVE);
            journal.record("prompt one", LabelledText.unanswered(3, LabellingUsage.ZERO));
            journal.record("prompt two", LabelledText.unanswered(3, new LabellingUsage(3, 90, 9)));
            assertThat(journal.size()).isEqualTo(2);
        }
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            assertThat(journal.answer("prompt one")).contains(POSITIVE);
            assertThat(journal.answer("prompt two")).contains(LabelledText.unanswered(3, new LabellingUsage(3, 90, 9)));
            assertThat(journal.answer("prompt three")).isEmpty();
        }
    }

    @Test
    void anotherModelOrOptionOrLabelSetIsAnotherConversation(@TempDir Path dir) {
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            journal.record("p", POSITIVE);
        }
        for (ExchangeJournal other : List.of(ExchangeJournal.open(dir, "other", LABELS, OPTIONS),
                ExchangeJournal.open(dir, "m", LABELS, OPTIONS.temperature(0.5)),
                ExchangeJournal.open(dir, "m", LabelSet.of("neg", "pos"), OPTIONS))) {
            try (other) {
                assertThat(other.answer("p")).isEmpty();
            }
        }
    }

    @Test
    void aPartialLastLineFromAKilledWriteIsCutAndTheRestKept(@TempDir Path dir) throws Exception {
        Path file;
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            journal.record("kept", POSITIVE);
            file = journal.file();
        }
        Files.writeString(file, "{\"prompt\":\"abc\",\"source\":\"SAMP", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            assertThat(journal.answer("kept")).contains(POSITIVE);
            journal.record("after", POSITIVE);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"prompt\":"));
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            assertThat(journal.size()).isEqualTo(2);
        }
    }

    @Test
    void aLineThatDoesNotFitTheLabelsIsSkippedSoItsTextIsAskedAgain(@TempDir Path dir) throws Exception {
        Path file;
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            journal.record("good", POSITIVE);
            file = journal.file();
        }
        Files.writeString(file, "{\"prompt\":\"x\",\"source\":\"SAMPLES\",\"probabilities\":[1.0],\"outOfSet\":0,"
                + "\"requests\":1,\"promptTokens\":1,\"completionTokens\":1}\nnot json\n", StandardOpenOption.APPEND);
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            assertThat(journal.size()).isEqualTo(1);
            assertThat(journal.answer("good")).contains(POSITIVE);
        }
    }

    @Test
    void manyThreadsRecordEveryAnswerOnItsOwnLine(@TempDir Path dir) throws Exception {
        Path file;
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            for (int i = 0; i < 1000; i++) {
                String prompt = "prompt " + i;
                pool.submit(() -> journal.record(prompt, POSITIVE));
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            file = journal.file();
        }
        assertThat(Files.readAllLines(file)).hasSize(1000);
        try (ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS)) {
            assertThat(journal.size()).isEqualTo(1000);
        }
    }

    @Test
    void closeIsIdempotentAndRecordingAfterItFails(@TempDir Path dir) {
        ExchangeJournal journal = ExchangeJournal.open(dir, "m", LABELS, OPTIONS);
        journal.close();
        journal.close();
        assertThatIllegalStateException().isThrownBy(() -> journal.record("p", POSITIVE))
                .withMessageContaining("is closed");
    }
}
