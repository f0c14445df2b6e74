package io.distill4j.pipeline.teacher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The precomputed-logits teacher on splits made in memory: rows land in the cache in each split's order
 * whatever the file's order, validation rows drawn from the train file are found by their train lines,
 * a warm run is served from the cache, and augmentation is refused.
 */
class PrecomputedLogitsTeacherTests {

    @TempDir
    Path dir;

    private Path trainFile;

    private Path tokenizer;

    private SoftTargetCache cache;

    /** The train file's rows 2..5 split as the distiller might: lines 2, 4, 5 train, line 3 validation. */
    private final TextDataset train = TextDataset.of("train", List.of(TextExample.labeled("card declined", "a", 2),
            TextExample.labeled("where is my transfer", "b", 4), TextExample.labeled("pin blocked", "a", 5)));

    private final TextDataset validation = TextDataset.of("validation",
            List.of(TextExample.labeled("money not arrived", "b", 3)));

    private final TextDataset test = TextDataset.of("test", List.of(TextExample.labeled("card stuck", "a", 2)));

    @BeforeEach
    void files() throws Exception {
        this.trainFile = Files.writeString(this.dir.resolve("train.csv"), "text,label\n");
        this.tokenizer = Files.writeString(this.dir.resolve("tokenizer.json"), "{}");
        this.cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
    }

    private Path logits(String... lines) throws Exception {
        return Files.write(this.dir.resolve("teacher-logits.jsonl"), List.of(lines));
    }

    private TeacherContext context(TeacherSpec.PrecomputedLogits teacher, TextDataset transfer,
            Augmentation augmentation) {
        DistillationSpec spec = DistillationSpec.builder().teacher(teacher)
                .data(DataSpec.csv(this.trainFile).test(this.dir.resolve("test.csv"))).augmentation(augmentation)
                .build();
        return new TeacherContext("job-1", spec, DistillerConfig.builder(this.dir.resolve("work")).build(), this.train,
                transfer, this.validation, Optional.of(this.test), List.of("a", "b"), this.cache,
                (vocab, width) -> 0, TeacherProgress.none(), () -> false);
    }

    private static float[] row(SoftTargets targets, int i) {
        return targets.row(i);
    }

    @Test
    void writesEachSplitInItsOwnOrderAndAWarmRunComesFromTheCache() throws Exception {
        Path file = logits("{\"line\": 5, \"logits\": [5, 0]}", "{\"line\": 3, \"logits\": [3, 0]}",
                "{\"file\": \"test\", \"line\": 2, \"logits\": [7, 0]}", "{\"line\": 2, \"logits\": [2, 0]}",
                "{\"line\": 4, \"probabilities\": [0.5, 0.5]}");
        Teacher teacher = Teacher.forSpec(TeacherSpec.precomputedLogits(file, this.tokenizer));

        try (TeacherOutcome outcome = teacher.run(context(TeacherSpec.precomputedLogits(file, this.tokenizer),
                this.train, Augmentation.none()))) {
            assertThat(outcome.allCached()).isFalse();
            assertThat(outcome.model()).isEmpty();
            assertThat(outcome.mode()).isEqualTo(MemoryMode.STAGED);
            assertThat(outcome.tokenizer()).isEqualTo(this.tokenizer);
            assertThat(outcome.splits()).extracting(TeacherStage.SplitTargets::split)
                    .containsExactly("train", "validation", "test");
            try (SoftTargets targets = outcome.open("train")) {
                assertThat(targets.rows()).isEqualTo(3);
                assertThat(row(targets, 0)).containsExactly(2f, 0f);
                assertThat(row(targets, 1)[0]).isEqualTo(row(targets, 1)[1]);
                assertThat(row(targets, 2)).containsExactly(5f, 0f);
            }
            try (SoftTargets targets = outcome.open("validation")) {
                assertThat(row(targets, 0)).containsExactly(3f, 0f);
            }
            try (SoftTargets targets = outcome.open("test")) {
                assertThat(row(targets, 0)).containsExactly(7f, 0f);
            }
        }
        try (TeacherOutcome warm = teacher.run(context(TeacherSpec.precomputedLogits(file, this.tokenizer),
                this.train, Augmentation.none()))) {
            assertThat(warm.allCached()).isTrue();
        }
    }

    @Test
    void columnsNamedInAnotherOrderAreStoredInTheDataLabelOrder() throws Exception {
        Path file = logits("{\"line\": 2, \"logits\": [0, 2]}", "{\"line\": 3, \"logits\": [0, 3]}",
                "{\"line\": 4, \"logits\": [0, 4]}", "{\"line\": 5, \"logits\": [0, 5]}",
                "{\"file\": \"test\", \"line\": 2, \"logits\": [0, 7]}");
        TeacherSpec.PrecomputedLogits spec = TeacherSpec.precomputedLogits(file, this.tokenizer)
                .labels(List.of("b", "a"));

        try (TeacherOutcome outcome = Teacher.forSpec(spec).run(context(spec, this.train, Augmentation.none()));
                SoftTargets targets = outcome.open("train")) {
            assertThat(row(targets, 0)).containsExactly(2f, 0f);
        }
    }

    @Test
    void labelsThatAreNotTheDataLabelsAreRefused() throws Exception {
        Path file = logits("{\"line\": 2, \"logits\": [0, 2]}");
        TeacherSpec.PrecomputedLogits spec = TeacherSpec.precomputedLogits(file, this.tokenizer)
                .labels(List.of("a", "c"));

        assertThatThrownBy(() -> Teacher.forSpec(spec).run(context(spec, this.train, Augmentation.none())))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("teacher.labels [a, c] are not the data's labels [a, b]");
    }

    @Test
    void augmentationIsRefusedBecauseAugmentedTextsHaveNoRow() throws Exception {
        Path file = logits("{\"line\": 2, \"logits\": [0, 2]}");
        TeacherSpec.PrecomputedLogits spec = TeacherSpec.precomputedLogits(file, this.tokenizer);
        TextDataset transfer = TextDataset.of("train", List.of(this.train.examples().get(0),
                new TextExample("card [MASK]", Optional.empty(), Optional.empty(), 2, true)));

        assertThatThrownBy(() -> Teacher.forSpec(spec).run(context(spec, transfer, Augmentation.ofDefaults())))
                .isInstanceOf(DistillationException.class)
                .hasMessageContaining("augmentation: a teacher of precomputed logits");
    }

    @Test
    void aMissingTokenizerFileIsRefusedNamingTheField() throws Exception {
        Path file = logits("{\"line\": 2, \"logits\": [0, 2]}");
        TeacherSpec.PrecomputedLogits spec = TeacherSpec.precomputedLogits(file, this.dir.resolve("none.json"));

        assertThatThrownBy(() -> Teacher.forSpec(spec).run(context(spec, this.train, Augmentation.none())))
                .isInstanceOf(DistillationException.class).hasMessageContaining("teacher.tokenizer: ");
    }
}
