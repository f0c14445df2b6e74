package io.distill4j.pipeline.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.generation.GenerationRequest;
import io.distill4j.api.generation.GenerationSpec;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.similarity.Similarity;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.report.GenerationFigures;
import io.distill4j.pipeline.report.GenerationReport;
import io.distill4j.pipeline.report.GenerationReportWriter;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.testing.ScriptedGenerationModel;

/**
 * Data generation end to end with the real all-MiniLM-L6-v2 from the engine's repository finding near
 * duplicates: a scripted stand-in model (not a language model; its answers are planted) returns exact duplicates
 * (case and white space changed), paraphrases, a near copy of the user's example, and texts out of the length
 * bounds. The planted paraphrases are checked to lie above the threshold under MiniLM, and the kept texts below
 * it; the filters remove exactly the planted texts, the JSON Lines output reads back through the data reader, the
 * report carries the counts and the diversity figures, and a second run asks the model nothing.
 */
class DataGenerationIT {

    private static final String EXAMPLE = "I want my money back for order 12";

    private static final LabelSet LABELS = LabelSet.of(List.of(
            LabelDefinition.of("refund", "The customer wants their money back", List.of(EXAMPLE)),
            LabelDefinition.of("delivery", "The customer asks about shipping or a parcel")));

    /** The planted answers, by label and request number. */
    private static final Map<String, List<List<String>>> ANSWERS = Map.of(
            "refund", List.of(
                    List.of("Please refund the money for my cancelled order.",
                            "Please refund the money for my canceled order!",
                            "  please REFUND the money for my cancelled   order. ",
                            "ok",
                            "The jacket arrived torn, so I would like my payment returned.",
                            "I want my money back for order 12, please."),
                    List.of("I was charged twice for one purchase; please reverse the extra charge.",
                            "I got charged twice for one purchase, please reverse the extra charge.",
                            "Cancel my subscription and give back this month's fee.")),
            "delivery", List.of(
                    List.of("My parcel still hasn't arrived after two weeks.",
                            "My parcel still has not arrived after two weeks!",
                            "Where can I track the courier delivering my order?",
                            "MY PARCEL still hasn't arrived after two weeks.",
                            "Shipping " + "very ".repeat(60) + "slow"),
                    List.of("The delivery driver left the box at the wrong address.",
                            "The delivery driver left the box at a wrong address.",
                            "Can you ship my order to my office instead of my home?",
                            "Is express shipping available to Norway?")));

    /** Texts the near-duplicate filter must drop, each with the earlier text it repeats. */
    private static final Map<String, String> PARAPHRASES = Map.of(
            "Please refund the money for my canceled order!", "Please refund the money for my cancelled order.",
            "I want my money back for order 12, please.", EXAMPLE,
            "I got charged twice for one purchase, please reverse the extra charge.",
            "I was charged twice for one purchase; please reverse the extra charge.",
            "My parcel still has not arrived after two weeks!", "My parcel still hasn't arrived after two weeks.",
            "The delivery driver left the box at a wrong address.",
            "The delivery driver left the box at the wrong address.");

    private static final GenerationSpec SPEC = GenerationSpec.builder(LABELS).textsPerLabel(4).textsPerRequest(6)
            .lengthBounds(10, 200).build();

    private Path repository;

    @BeforeEach
    void installMiniLm(@TempDir Path dir) throws Exception {
        this.repository = dir.resolve("models");
        Path version = Files.createDirectories(this.repository.resolve(GenerationSpec.DEFAULT_EMBEDDING_MODEL + "/1"));
        Files.copy(MiniLmFiles.model(), version.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), version.resolve("tokenizer.json"));
        Files.writeString(version.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true}
                """);
    }

    private static List<String> planted(GenerationRequest request) {
        List<List<String>> answers = ANSWERS.get(request.label());
        int n = ScriptedGenerationModel.requestNumber(request);
        return n <= answers.size() ? answers.get(n - 1) : List.of();
    }

    @Test
    void thePlantedParaphrasesAreAboveTheThresholdUnderMiniLmAndTheKeptTextsBelowIt() {
        String model = GenerationSpec.DEFAULT_EMBEDDING_MODEL;
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(this.repository).build())) {
            engine.load(model);
            PARAPHRASES.forEach((paraphrase, original) -> assertThat(Similarity.cosine(engine.embed(model, paraphrase),
                    engine.embed(model, original))).as(paraphrase).isGreaterThanOrEqualTo(0.92));
            for (List<String> kept : List.of(keptOf("refund"), keptOf("delivery"))) {
                List<float[]> vectors = engine.embed(model, kept);
                for (int i = 0; i < kept.size(); i++) {
                    for (int j = i + 1; j < kept.size(); j++) {
                        assertThat(Similarity.cosine(vectors.get(i), vectors.get(j))).as(kept.get(i) + " / "
                                + kept.get(j)).isLessThan(0.92);
                    }
                }
            }
        }
    }

    @Test
    void plantedDuplicatesAreRemovedTheOutputReadsBackAndASecondRunAsksNothing(@TempDir Path dir) throws Exception {
        ScriptedGenerationModel model = new ScriptedGenerationModel(DataGenerationIT::planted);
        Path output = dir.resolve("out/generated.jsonl");
        GenerationReport report;
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(this.repository).build())) {
            DataGenerator generator = DataGenerator.builder(model).engine(engine).build();
            report = generator.generate("gen-1", SPEC, dir.resolve("journal"), output, () -> false,
                    (round, kept, target, spent) -> { });

            GenerationFigures refund = report.labels().get(0);
            GenerationFigures delivery = report.labels().get(1);
            // refund: 9 generated = 1 too short + 1 exact + 3 near (one of the example) + 4 kept
            assertThat(refund).isEqualTo(new GenerationFigures("refund", 4, 2, 0, 12, 9, 1, 0, 1, 3, 0, 0, 0, 4,
                    refund.diversity()));
            // delivery: 9 generated = 1 too long + 1 exact + 2 near + 1 over the target + 4 kept
            assertThat(delivery).isEqualTo(new GenerationFigures("delivery", 4, 2, 0, 12, 9, 0, 1, 1, 2, 0, 0, 1, 4,
                    delivery.diversity()));
            assertThat(report.rounds()).isEqualTo(2);
            assertThat(model.calls).hasValue(4);
            assertThat(report.embeddingModel()).contains("all-minilm-l6-v2");
            for (GenerationFigures figures : List.of(refund, delivery, report.total())) {
                assertThat(figures.diversity().distinct1()).isBetween(0.5, 1.0);
                assertThat(figures.diversity().distinct2()).isBetween(0.8, 1.0);
                assertThat(figures.diversity().meanPairwiseDistance()).isBetween(0.3, 1.0);
            }
            assertThat(refund.diversity().pairs()).isEqualTo(6);
            assertThat(report.total().diversity().pairs()).isEqualTo(28);

            TextDataset read = DatasetReader.builder().build().read(output);
            assertThat(read.examples()).extracting(TextExample::text)
                    .containsExactlyElementsOf(concat(keptOf("refund"), keptOf("delivery")));
            assertThat(read.examples()).extracting(example -> example.label().orElseThrow())
                    .containsExactly("refund", "refund", "refund", "refund", "delivery", "delivery", "delivery",
                            "delivery");
            assertThat(read.examples()).extracting(TextExample::text).doesNotContainAnyElementsOf(PARAPHRASES.keySet());

            Path json = dir.resolve("out/generation-report.json");
            Path html = dir.resolve("out/generation-report.html");
            GenerationReportWriter.writeJson(report, json);
            GenerationReportWriter.writeHtml(report, html);
            assertThat(GenerationReportWriter.readJson(json)).isEqualTo(report);
            assertThat(Files.readString(html)).contains("near duplicates", "distinct-2", "mean pairwise distance");

            GenerationReport again = generator.generate("gen-2", SPEC, dir.resolve("journal"),
                    dir.resolve("again.jsonl"), () -> false, (round, kept, target, spent) -> { });
            assertThat(model.calls).hasValue(4);
            assertThat(again.spent()).isEqualTo(LabellingUsage.ZERO);
            assertThat(again.total().fromJournal()).isEqualTo(4);
            assertThat(dir.resolve("again.jsonl")).hasSameTextualContentAs(output);
        }
    }

    /** The texts each label must keep, in order: the planted ones no filter drops, up to the target. */
    private static List<String> keptOf(String label) {
        return label.equals("refund")
                ? List.of("Please refund the money for my cancelled order.",
                        "The jacket arrived torn, so I would like my payment returned.",
                        "I was charged twice for one purchase; please reverse the extra charge.",
                        "Cancel my subscription and give back this month's fee.")
                : List.of("My parcel still hasn't arrived after two weeks.",
                        "Where can I track the courier delivering my order?",
                        "The delivery driver left the box at the wrong address.",
                        "Can you ship my order to my office instead of my home?");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
