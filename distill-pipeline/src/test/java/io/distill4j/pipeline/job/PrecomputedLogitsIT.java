package io.distill4j.pipeline.job;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.teacher.Teacher;
import io.distill4j.pipeline.teacher.TeacherContext;
import io.distill4j.pipeline.teacher.TeacherOutcome;
import io.distill4j.pipeline.teacher.TeacherProgress;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A teacher that ran elsewhere teaches exactly like the teacher itself: all-MiniLM-L6-v2 with a fitted
 * head distils a student, its cached outputs are written as a precomputed-logits file keyed by the data's
 * lines, and a second job with the same spec and seed but that file as its teacher picks the same
 * student and measures the same test metric.
 */
class PrecomputedLogitsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aFileOfTheTeachersLogitsDistilsTheSameStudentAsTheTeacher(@TempDir Path dir) throws Exception {
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).threads(2).maxEpochs(3).build();
        Path train = TopicData.write(dir.resolve("data/train.csv"), 40, 1);
        Path test = TopicData.write(dir.resolve("data/test.csv"), 10, 2);
        DistillationSpec teacherSpec = DistillationSpec.builder().name("topics")
                .teacher(TeacherSpec.onnxEncoder(MiniLmFiles.model(), MiniLmFiles.tokenizer()))
                .data(DataSpec.csv(train).test(test)).budget(Budget.of(Duration.ofMinutes(10), 2)).build();
        Path logits = dir.resolve("teacher-logits.jsonl");

        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult fromTeacher = distiller.distill(teacherSpec);
            writeLogits(teacherSpec, config, logits);

            DistillationSpec fileSpec = teacherSpec.toBuilder()
                    .teacher(TeacherSpec.precomputedLogits(logits, MiniLmFiles.tokenizer())).build();
            DistillationResult fromFile = distiller.distill(fileSpec);

            assertThat(fromFile.teacherCacheHit()).isFalse();
            assertThat(chosen(fromFile)).isEqualTo(chosen(fromTeacher));
            assertThat(fromFile.teacher().metric()).isCloseTo(fromTeacher.teacher().metric(), within(1e-6));
            assertThat(fromFile.studentFp32().metric()).isCloseTo(fromTeacher.studentFp32().metric(), within(1e-6));
            assertThat(fromFile.studentInt8().metric()).isCloseTo(fromTeacher.studentInt8().metric(), within(1e-6));
            assertThat(fromFile.teacher().hasModel()).isFalse();
            assertThat(fromTeacher.teacher().hasModel()).isTrue();
            assertThat(Files.readString(fromFile.files().reportHtml()))
                    .contains("Teacher size and speed: not measured");
        }
    }

    /** The settings of the chosen student, without the memory mode, which depends on the teacher's size. */
    private static Map<String, String> chosen(DistillationResult result) {
        Map<String, String> settings = new LinkedHashMap<>(result.hyperParameters());
        settings.remove("memoryMode");
        return settings;
    }

    /**
     * Runs the spec's teacher again (every split comes from the first job's cache) and writes each split's
     * rows as {@code {"file", "line", "logits"}}: the values as doubles, so they parse back to the same floats.
     */
    private static void writeLogits(DistillationSpec spec, DistillerConfig config, Path file) throws Exception {
        PreparedData data = PreparedData.read(spec.data(), spec.augmentation(), spec.budget(), spec.seed(), spec.task(),
                "export");
        TeacherContext context = new TeacherContext("export", spec, config, data.train(), data.transfer(),
                data.validation(), data.test(), data.labels(),
                SoftTargetCache.inDirectory(config.cacheDirectory().resolve("soft-targets")), (vocab, width) -> 0,
                TeacherProgress.none(), () -> false);
        Map<String, TextDataset> splits = new LinkedHashMap<>();
        splits.put("train", data.transfer());
        splits.put("validation", data.validation());
        splits.put("test", data.test().orElseThrow());
        try (TeacherOutcome outcome = Teacher.forSpec(spec.teacher()).run(context);
                BufferedWriter out = Files.newBufferedWriter(file)) {
            assertThat(outcome.allCached()).isTrue();
            for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
                // Without a validation file the validation rows are rows of the train file.
                String dataFile = split.getKey().equals("test") ? "test" : "train";
                try (SoftTargets targets = outcome.open(split.getKey())) {
                    List<TextExample> examples = split.getValue().examples();
                    assertThat(targets.rows()).isEqualTo(examples.size());
                    for (int i = 0; i < examples.size(); i++) {
                        ObjectNode row = JSON.createObjectNode().put("file", dataFile)
                                .put("line", examples.get(i).line());
                        float[] values = targets.row(i);
                        for (float value : values) {
                            row.withArray("logits").add((double) value);
                        }
                        out.write(JSON.writeValueAsString(row));
                        out.newLine();
                    }
                }
            }
        }
    }
}
