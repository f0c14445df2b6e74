package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fitted-head teacher on all-MiniLM-L6-v2 runs the encoder once per distinct text: its soft targets,
 * computed from the pooled vectors in Java, are those of the encoder-plus-head graph run by the engine,
 * under the keys the teacher stage uses; a second job with the head fitted embeds only the splits not
 * cached yet.
 */
class OnnxEncoderTeacherIT {

    private static final String[][] TRAIN = {
        {"My card was declined at the supermarket.", "card"},
        {"Why is my debit card not working?", "card"},
        {"The card machine rejected my card.", "card"},
        {"I need a new card, mine is broken.", "card"},
        {"How long does a bank transfer take?", "transfer"},
        {"I sent money to my friend but it has not arrived.", "transfer"},
        {"Can I cancel a transfer I just made?", "transfer"},
        {"My transfer to another account is pending.", "transfer"},
        {"What exchange rate do you use for dollars?", "exchange"},
        {"How much does it cost to convert euros to pounds?", "exchange"},
        {"Is there a fee for currency exchange?", "exchange"},
        {"I want to swap my yen for euros.", "exchange"},
    };

    @TempDir
    Path dir;

    private final List<String> messages = new CopyOnWriteArrayList<>();

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void theSoftTargetsAreTheFittedGraphsLogitsAndEachTextIsEmbeddedOnce(Pooling pooling) throws Exception {
        List<TextExample> trainExamples = new ArrayList<>();
        for (int i = 0; i < TRAIN.length; i++) {
            trainExamples.add(TextExample.labeled(TRAIN[i][0], TRAIN[i][1], i + 2));
        }
        TextDataset train = TextDataset.of("train", trainExamples);
        // Augmented copies: two repeat a training text, one is new.
        List<TextExample> transferExamples = new ArrayList<>(trainExamples);
        transferExamples.add(TextExample.unlabeled(TRAIN[0][0], 100));
        transferExamples.add(TextExample.unlabeled(TRAIN[5][0], 101));
        transferExamples.add(TextExample.unlabeled("my card got declined at the supermarket", 102));
        TextDataset transfer = TextDataset.of("transfer", transferExamples);
        TextDataset validation = TextDataset.of("validation", List.of(
                TextExample.labeled("My card got blocked at the shop.", "card", 2),
                TextExample.labeled("How do I send money abroad?", "transfer", 3),
                TextExample.labeled("Which currencies can I exchange?", "exchange", 4)));
        // The test split shares a text with train.
        TextDataset test = TextDataset.of("test", List.of(
                TextExample.labeled(TRAIN[8][0], "exchange", 2),
                TextExample.labeled("The ATM kept my card.", "card", 3)));
        TeacherSpec.OnnxEncoder spec = TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer(), pooling);
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));

        Map<String, float[][]> targets;
        String teacherName;
        try (TeacherOutcome outcome = Teacher.forSpec(spec).run(context(spec, train, transfer, validation,
                Optional.of(test), cache))) {
            assertThat(outcome.allCached()).isFalse();
            assertThat(outcome.splits()).noneMatch(TeacherStage.SplitTargets::cacheHit);
            teacherName = outcome.name();
            targets = Map.of("train", rows(outcome, "train"), "validation", rows(outcome, "validation"), "test",
                    rows(outcome, "test"));
        }
        int distinct = distinct(train, transfer, validation, test);
        assertThat(distinct).isEqualTo(12 + 1 + 3 + 1);
        assertThat(this.messages).filteredOn(m -> m.startsWith("teacher: embedding"))
                .last().isEqualTo("teacher: embedding " + distinct + " of " + distinct + " texts");
        assertThat(this.messages).as("the encoder-plus-head graph is not run over the splits")
                .noneMatch(m -> m.startsWith("teacher: train") || m.startsWith("teacher: validation"));

        // The fitted teacher as the engine serves it, run over the same texts.
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(this.dir.resolve("work/cache/teachers")).build())) {
            engine.load(teacherName);
            Map<String, TextDataset> splits = Map.of("train", transfer, "validation", validation, "test", test);
            for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
                List<String> texts = split.getValue().examples().stream().map(TextExample::text).toList();
                List<float[]> expected = engine.logits(teacherName, texts);
                float[][] actual = targets.get(split.getKey());
                assertThat(actual).hasDimensions(texts.size(), 3);
                for (int i = 0; i < texts.size(); i++) {
                    for (int c = 0; c < 3; c++) {
                        assertThat(Math.abs(actual[i][c] - expected.get(i)[c])).as("%s row %d class %d",
                                split.getKey(), i, c).isLessThanOrEqualTo(1e-5f);
                    }
                }
            }
        }

        // A second job: the head is found fitted and train and validation are cached; only the new test split
        // is embedded, and the cached splits count as cache hits.
        this.messages.clear();
        TextDataset otherTest = TextDataset.of("test", List.of(
                TextExample.labeled("Converting pounds to francs, what is the rate?", "exchange", 2),
                TextExample.labeled(TRAIN[1][0], "card", 3)));
        try (TeacherOutcome outcome = Teacher.forSpec(spec).run(context(spec, train, transfer, validation,
                Optional.of(otherTest), cache))) {
            assertThat(outcome.name()).isEqualTo(teacherName);
            assertThat(outcome.split("train").cacheHit()).isTrue();
            assertThat(outcome.split("validation").cacheHit()).isTrue();
            assertThat(outcome.split("test").cacheHit()).isFalse();
            try (SoftTargets cached = outcome.open("train")) {
                assertThat(cached.row(0)).containsExactly(targets.get("train")[0]);
            }
        }
        assertThat(this.messages).anyMatch(m -> m.contains("found fitted; splits to compute: test"));
        assertThat(this.messages).filteredOn(m -> m.startsWith("teacher: embedding"))
                .last().isEqualTo("teacher: embedding 2 of 2 texts");
    }

    private TeacherContext context(TeacherSpec spec, TextDataset train, TextDataset transfer, TextDataset validation,
            Optional<TextDataset> test, SoftTargetCache cache) throws Exception {
        Path data = Files.writeString(this.dir.resolve("train.csv"), "text,label\n");
        DistillationSpec distillation = DistillationSpec.builder().teacher(spec).data(DataSpec.csv(data))
                .memoryMode(MemoryMode.STAGED).build();
        TeacherProgress progress = new TeacherProgress() {

            @Override
            public void update(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
                OnnxEncoderTeacherIT.this.messages.add(message);
            }

            @Override
            public void milestone(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
                OnnxEncoderTeacherIT.this.messages.add(message);
            }
        };
        return new TeacherContext("job-1", distillation, DistillerConfig.builder(this.dir.resolve("work")).threads(2)
                .build(), train, transfer, validation, test, train.labels(), cache, (vocab, width) -> 0, progress,
                () -> false);
    }

    private static float[][] rows(TeacherOutcome outcome, String split) {
        try (SoftTargets targets = outcome.open(split)) {
            float[][] rows = new float[targets.rows()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = targets.row(i);
            }
            return rows;
        }
    }

    private static int distinct(TextDataset... datasets) {
        LinkedHashSet<String> texts = new LinkedHashSet<>();
        for (TextDataset dataset : datasets) {
            dataset.examples().forEach(e -> texts.add(e.text()));
        }
        return texts.size();
    }
}
