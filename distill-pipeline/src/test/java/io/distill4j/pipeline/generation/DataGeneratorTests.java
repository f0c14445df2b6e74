package io.distill4j.pipeline.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.generation.GenerationRequest;
import io.distill4j.api.generation.GenerationSpec;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.report.GenerationFigures;
import io.distill4j.pipeline.report.GenerationReport;
import io.distill4j.pipeline.testing.KeywordLabellingModel;
import io.distill4j.pipeline.testing.ScriptedGenerationModel;

/**
 * The generator around a scripted stand-in model (no embedding model: near duplicates and the embedding distance
 * are covered by {@code DataGenerationIT} with MiniLM): rounds until the target, the filters' counts, the JSON
 * Lines output read back by the data reader, the journal that makes a second run free, retries, the budget,
 * cancellation and the label check.
 */
class DataGeneratorTests {

    private static final LabelSet LABELS = LabelSet.of(List.of(
            LabelDefinition.of("refund", "The customer wants money back", List.of("I want my money back")),
            LabelDefinition.of("delivery", "The customer asks where a parcel is")));

    private static final LabellingLimits FAST = LabellingLimits.builder().concurrency(4)
            .backoff(Duration.ofMillis(2), Duration.ofMillis(20)).build();

    private static final GenerationSpec SPEC = GenerationSpec.builder(LABELS).textsPerLabel(6).textsPerRequest(4)
            .lengthBounds(10, 80).withoutEmbeddingModel().build();

    /**
     * Request 1 of a label plants an exact duplicate (case and white space changed), a text too short and one too
     * long; every other request answers four distinct texts.
     */
    private static List<String> planted(GenerationRequest request) {
        int n = ScriptedGenerationModel.requestNumber(request);
        String label = request.label();
        if (n == 1) {
            return List.of(label + " text of request 1", "  " + label.toUpperCase() + " Text  of request 1",
                    "ok", label + " " + "x".repeat(80));
        }
        List<String> texts = new ArrayList<>();
        for (int k = 1; k <= 4; k++) {
            texts.add(label + " text " + k + " of request " + n);
        }
        return texts;
    }

    private static GenerationReport generate(ScriptedGenerationModel model, GenerationSpec spec, Path journal,
            Path output) {
        return DataGenerator.builder(model).limits(FAST).build().generate("job-1", spec, journal, output,
                () -> false, (round, kept, target, spent) -> { });
    }

    @Test
    void laterRoundsAskForWhatTheFiltersLeftMissingAndEveryTextIsCountedOnce(@TempDir Path dir) {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        GenerationReport report = generate(model, SPEC, dir.resolve("journal"), dir.resolve("out/generated.jsonl"));

        // Round 1: requests 1 and 2 per label keep 1 + 4; round 2: request 3 keeps 4, 3 of them over the target.
        assertThat(report.rounds()).isEqualTo(2);
        assertThat(model.calls).hasValue(6);
        for (GenerationFigures label : report.labels()) {
            assertThat(label).isEqualTo(new GenerationFigures(label.label(), 6, 3, 0, 12, 12, 1, 1, 1, 0, 0, 0, 3, 6,
                    label.diversity()));
            assertThat(label.diversity().distinct1()).isBetween(0.0, 1.0);
            assertThat(label.diversity().meanPairwiseDistance()).isNaN();
        }
        assertThat(report.total().kept()).isEqualTo(12);
        assertThat(report.total().generated()).isEqualTo(24);
        assertThat(report.spent().requests()).isEqualTo(6);
        assertThat(report.budgetReached()).isFalse();
        assertThat(report.describe()).startsWith("12 of 12 texts kept from 24 generated (2 too short, 2 too long, "
                + "2 exact and 0 near duplicates");
        assertThat(model.requests).extracting(GenerationRequest::prompt).doesNotHaveDuplicates();
        assertThat(model.requests).allSatisfy(request -> assertThat(request.temperature()).isEqualTo(0.9));
    }

    @Test
    void theJsonLinesOutputRoundTripsThroughTheDataReaderWithItsDefaults(@TempDir Path dir) throws Exception {
        ScriptedGenerationModel model = new ScriptedGenerationModel(request -> ScriptedGenerationModel
                .requestNumber(request) > 1 ? List.of() : List.of(request.label() + ": \"quoted\", with a comma",
                        request.label() + "\tand a tab, caf\u00e9 \u2615", request.label() + " line one\nline two",
                        request.label() + " {\"json\": [1, 2]} inside"));
        Path output = dir.resolve("generated.jsonl");
        GenerationReport report = generate(model, SPEC.toBuilder().textsPerLabel(4).build(), dir.resolve("j"), output);

        TextDataset read = DatasetReader.builder().build().read(output);
        List<String> written = Files.readAllLines(output);
        assertThat(written).hasSize(8).allSatisfy(line -> assertThat(line).startsWith("{\"text\":")
                .contains("\"label\":"));
        assertThat(read.size()).isEqualTo(8);
        assertThat(read.report().orElseThrow().badRows()).isZero();
        assertThat(read.labels()).containsExactlyInAnyOrder("refund", "delivery");
        List<String> expected = new ArrayList<>();
        for (String label : List.of("refund", "delivery")) {
            expected.addAll(List.of(label + ": \"quoted\", with a comma", label + "\tand a tab, caf\u00e9 \u2615",
                    label + " line one\nline two", label + " {\"json\": [1, 2]} inside"));
        }
        assertThat(read.examples()).extracting(TextExample::text).containsExactlyElementsOf(expected);
        assertThat(read.examples()).extracting(example -> example.label().orElseThrow())
                .containsExactly("refund", "refund", "refund", "refund", "delivery", "delivery", "delivery",
                        "delivery");
        assertThat(report.total().kept()).isEqualTo(8);
    }

    @Test
    void aSecondRunTakesEveryAnswerFromTheJournalAndSendsNoRequest(@TempDir Path dir) throws Exception {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        GenerationReport first = generate(model, SPEC, dir.resolve("journal"), dir.resolve("first.jsonl"));
        int calls = model.calls.get();

        GenerationReport second = generate(model, SPEC, dir.resolve("journal"), dir.resolve("second.jsonl"));
        assertThat(model.calls).hasValue(calls);
        assertThat(second.spent()).isEqualTo(LabellingUsage.ZERO);
        assertThat(second.journalled()).isEqualTo(first.spent());
        assertThat(second.total().fromJournal()).isEqualTo(second.total().requests()).isEqualTo(6);
        assertThat(Files.readString(dir.resolve("second.jsonl"))).isEqualTo(Files.readString(dir.resolve(
                "first.jsonl")));

        // A larger target asks only for the requests the first run did not make.
        generate(model, SPEC.toBuilder().textsPerLabel(10).build(), dir.resolve("journal"), dir.resolve("more.jsonl"));
        assertThat(model.calls.get() - calls).isEqualTo(2);
        // Another temperature is another conversation.
        generate(model, SPEC.toBuilder().temperature(0.5).build(), dir.resolve("journal"), dir.resolve("t.jsonl"));
        assertThat(model.calls.get() - calls).isEqualTo(8);
    }

    @Test
    void transientFailuresAreRetriedWithinTheConcurrencyLimit(@TempDir Path dir) {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        model.transientFailuresPerPrompt = 2;
        model.delayMillis = 10;
        GenerationReport report = DataGenerator.builder(model).limits(LabellingLimits.builder().concurrency(2)
                .backoff(Duration.ofMillis(2), Duration.ofMillis(20)).build()).build().generate("job-1", SPEC,
                        dir.resolve("journal"), dir.resolve("out.jsonl"), () -> false, (r, k, t, s) -> { });
        assertThat(report.total().kept()).isEqualTo(12);
        assertThat(model.calls).hasValue(18);
        assertThat(report.retries()).isEqualTo(12);
        assertThat(report.spent().requests()).isEqualTo(18);
        assertThat(model.maxInFlight.get()).isBetween(1, 2);
    }

    @Test
    void aRefusedRequestFailsTheRunNamingTheModelAndTheJournalAndWritesNothing(@TempDir Path dir) {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        model.refuse = true;
        Path output = dir.resolve("out.jsonl");
        assertThatThrownBy(() -> generate(model, SPEC, dir.resolve("journal"), output))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("the text-generation model scripted:test failed")
                .hasMessageContaining("401 invalid API key").hasMessageContaining(".jsonl");
        assertThat(output).doesNotExist();
    }

    @Test
    void theBudgetStopsTheAskingAndTheRunEndsWithWhatItHas(@TempDir Path dir) throws Exception {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        GenerationReport report = DataGenerator.builder(model).limits(LabellingLimits.builder().concurrency(1).build())
                .build().generate("job-1", SPEC.toBuilder().textsPerLabel(20).budget(new LabellingBudget(3, 0))
                        .build(), dir.resolve("journal"), dir.resolve("out.jsonl"), () -> false, (r, k, t, s) -> { });
        assertThat(model.calls).hasValue(3);
        assertThat(report.budgetReached()).isTrue();
        assertThat(report.spent().requests()).isEqualTo(3);
        assertThat(report.total().requests()).isEqualTo(3);
        assertThat(report.total().kept()).isLessThan(40);
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(report.total().kept());
    }

    @Test
    void aCancelledRunKeepsItsAnswersAndTheNextRunAsksOnlyForTheRest(@TempDir Path dir) {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        model.delayMillis = 30;
        GenerationSpec spec = SPEC.toBuilder().textsPerLabel(16).build();
        DataGenerator generator = DataGenerator.builder(model).limits(LabellingLimits.builder().concurrency(1)
                .build()).build();
        assertThatThrownBy(() -> generator.generate("job-1", spec, dir.resolve("journal"), dir.resolve("out.jsonl"),
                () -> model.calls.get() >= 3, (r, k, t, s) -> { })).isInstanceOf(DistillationCancelledException.class)
                .hasMessageContaining("Cancelled while generating with scripted:test");
        assertThat(dir.resolve("out.jsonl")).doesNotExist();
        int asked = model.calls.get();
        assertThat(asked).isBetween(3, 4);

        GenerationReport resumed = generator.generate("job-1", spec, dir.resolve("journal"), dir.resolve("out.jsonl"),
                () -> false, (r, k, t, s) -> { });
        // The answers that arrived before the cancellation (a request cut off in flight is asked again).
        assertThat(resumed.total().fromJournal()).isBetween(2, asked);
        assertThat(model.calls.get() - asked).isEqualTo(resumed.total().requests() - resumed.total().fromJournal());
        assertThat(resumed.total().kept()).isEqualTo(32);
    }

    @Test
    void theLabelCheckDropsTextsOfAnotherLabelAndItsAnswersAreJournalledToo(@TempDir Path dir) {
        // The checker answers "refund" for texts with "refund" in them, "delivery" for the rest.
        KeywordLabellingModel checker = KeywordLabellingModel.answering(Map.of("refund", "refund"));
        ScriptedGenerationModel model = new ScriptedGenerationModel(request -> {
            int n = ScriptedGenerationModel.requestNumber(request);
            if (request.label().equals("refund") && n == 1) {
                return List.of("refund text one", "where is my parcel now", "refund text two", "lost parcel again");
            }
            return List.of(request.label() + " text " + n + "a", request.label() + " text " + n + "b");
        });
        GenerationSpec spec = SPEC.toBuilder().textsPerLabel(4).textsPerRequest(4).checkLabels(true).build();
        AtomicInteger rounds = new AtomicInteger();
        GenerationReport report = DataGenerator.builder(model).labelChecker(checker).limits(FAST).build()
                .generate("job-1", spec, dir.resolve("journal"), dir.resolve("out.jsonl"), () -> false,
                        (round, kept, target, spent) -> rounds.set(round));

        GenerationFigures refund = report.labels().get(0);
        assertThat(refund.inconsistent()).isEqualTo(2);
        assertThat(refund.kept()).isEqualTo(4);
        assertThat(report.labelChecker()).contains("keywords:test");
        assertThat(report.rounds()).isEqualTo(rounds.get());
        assertThat(checker.calls.get()).isEqualTo(report.total().generated());
        assertThat(report.spent().requests()).isEqualTo(model.calls.get() + checker.calls.get());

        int generations = model.calls.get();
        int checks = checker.calls.get();
        GenerationReport again = DataGenerator.builder(model).labelChecker(checker).limits(FAST).build()
                .generate("job-1", spec, dir.resolve("journal"), dir.resolve("again.jsonl"), () -> false,
                        (round, kept, target, spent) -> { });
        assertThat(model.calls).hasValue(generations);
        assertThat(checker.calls).hasValue(checks);
        assertThat(again.spent()).isEqualTo(LabellingUsage.ZERO);
        assertThat(again.labels()).extracting(GenerationFigures::inconsistent).containsExactly(2, 0);
        assertThat(dir.resolve("again.jsonl")).hasSameTextualContentAs(dir.resolve("out.jsonl"));
    }

    @Test
    void whatTheSpecNeedsMustBeGivenToTheGenerator(@TempDir Path dir) {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGeneratorTests::planted);
        assertThatIllegalArgumentException().isThrownBy(() -> generate(model, GenerationSpec.builder(LABELS).build(),
                dir, dir.resolve("o.jsonl"))).withMessageContaining("generation.embeddingModel 'all-minilm-l6-v2' "
                        + "needs an inference engine");
        assertThatIllegalArgumentException().isThrownBy(() -> generate(model, SPEC.toBuilder().checkLabels(true)
                .build(), dir, dir.resolve("o.jsonl"))).withMessageContaining("generation.checkLabels needs a "
                        + "labelling model");
        assertThat(model.calls).hasValue(0);
    }

    @Test
    void theRemainingBudgetOfTheLabelCheckIsWhatGenerationLeft() {
        assertThat(new LabellingBudget(10, 0).remainingAfter(new LabellingUsage(4, 100, 50)))
                .contains(new LabellingBudget(6, 0));
        assertThat(new LabellingBudget(0, 1000).remainingAfter(new LabellingUsage(4, 100, 50)))
                .contains(new LabellingBudget(0, 850));
        assertThat(new LabellingBudget(4, 0).remainingAfter(new LabellingUsage(4, 0, 0))).isEmpty();
        assertThat(LabellingBudget.UNLIMITED.remainingAfter(new LabellingUsage(4, 0, 0)))
                .isEqualTo(Optional.of(LabellingBudget.UNLIMITED));
    }
}
