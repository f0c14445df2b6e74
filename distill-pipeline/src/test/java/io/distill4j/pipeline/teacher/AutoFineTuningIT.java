package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.report.TeacherChoice;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.testing.NegationData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frozen-or-fine-tuned choice on all-MiniLM-L6-v2 without a probe: the NEVER policy keeps the frozen
 * head and says so, and a budget far too small for any fine-tuning keeps it for that reason, decided from
 * the frozen encoder's own speed (the head found fitted by the first run, only the texts the choice needs
 * are embedded), with the figures recorded for a later job.
 */
class AutoFineTuningIT {

    @TempDir
    Path dir;

    private final List<String> messages = new CopyOnWriteArrayList<>();

    @Test
    void neverKeepsTheFrozenHeadAndABudgetTooSmallKeepsItForTheBudgetWithoutAProbe() throws Exception {
        TextDataset train = TextDataset.of("train", NegationData.examples(160, 1));
        TextDataset validation = TextDataset.of("validation", NegationData.examples(110, 2));
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        TeacherSpec.OnnxEncoder auto = TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer());

        TeacherChoice never;
        try (TeacherOutcome outcome = Teacher.forSpec(auto.fineTuningPolicy(FineTuningPolicy.NEVER)).run(context(
                auto.fineTuningPolicy(FineTuningPolicy.NEVER), train, validation, cache, Duration.ofMinutes(15)))) {
            never = outcome.choice().orElseThrow();
        }
        assertThat(never.fineTuned()).isFalse();
        assertThat(never.reason()).isEqualTo("kept the frozen head: the fine-tuning policy is NEVER");
        assertThat(never.frozenAccuracy()).isBetween(0.0, 1.0);
        assertThat(never.validationExamples()).isEqualTo(110);
        assertThat(this.messages).noneMatch(m -> m.startsWith("teacher: probe"))
                .contains("teacher: kept the frozen head: the fine-tuning policy is NEVER");

        this.messages.clear();
        TeacherChoice tiny;
        try (TeacherOutcome outcome = Teacher.forSpec(auto).run(context(auto, train, validation, cache,
                Duration.ofMillis(1)))) {
            tiny = outcome.choice().orElseThrow();
            assertThat(outcome.split("train").cacheHit()).as("the frozen head's targets, cached by the first run")
                    .isTrue();
        }
        assertThat(this.messages).anyMatch(m -> m.contains("found fitted; every split cached"))
                .noneMatch(m -> m.startsWith("teacher: probe"));
        assertThat(tiny.fineTuned()).isFalse();
        assertThat(tiny.reason()).matches("kept the frozen head: fine-tuning estimated .+, over the 0 s budget "
                + "\\(from the frozen encoder's speed, without a probe\\)");
        assertThat(tiny.frozenAccuracy()).as("read from the fitted head's manifest").isEqualTo(never.frozenAccuracy());
        assertThat(tiny.probeSteps()).isZero();
        assertThat(tiny.estimatedFineTuning()).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofMillis(1)));
        try (Stream<Path> files = Files.list(this.dir.resolve("work/cache/teachers"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith(".probe-fitted-"));
        }
    }

    private TeacherContext context(TeacherSpec spec, TextDataset train, TextDataset validation, SoftTargetCache cache,
            Duration budget) throws Exception {
        Path data = Files.writeString(this.dir.resolve("train.csv"), "text,label\n");
        DistillationSpec distillation = DistillationSpec.builder().teacher(spec).data(DataSpec.csv(data))
                .memoryMode(MemoryMode.STAGED).budget(Budget.of(budget, 1)).build();
        TeacherProgress progress = new TeacherProgress() {

            @Override
            public void update(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
                AutoFineTuningIT.this.messages.add(message);
            }

            @Override
            public void milestone(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
                AutoFineTuningIT.this.messages.add(message);
            }
        };
        return new TeacherContext("job-1", distillation, DistillerConfig.builder(this.dir.resolve("work")).threads(2)
                .maxSequenceLength(16).build(), train, train, validation, Optional.empty(), train.labels(), cache,
                (vocab, width) -> 0, progress, () -> false);
    }
}
