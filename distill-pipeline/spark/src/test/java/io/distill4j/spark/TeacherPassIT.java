package io.distill4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.teacher.TeacherStage;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The teacher pass on Spark in local mode ({@code local[2]}, three attempts per task) with the registry's
 * all-MiniLM-L6-v2: what Spark writes equals the single-machine teacher stage's cache, row by row; a task
 * that fails half-way is retried without a duplicated or missing row; rows that are not texts are reported
 * where they are, and fail the pass only past the allowed share.
 */
class TeacherPassIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkTestSupport.spark(2, 3);
    }

    @BeforeEach
    void noEngineOpen() {
        // An engine of an earlier test may still be in its idle time.
        ExecutorEngines.closeAll();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** 300 questions, the first 40 again, and three rows that are not texts, as JSON Lines. */
    private Path input() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String[]> questions = SparkTestSupport.questions(300, 7);
        questions.forEach(q -> lines.add(JSON.writeValueAsString(java.util.Map.of("text", q[0], "label", q[1]))));
        questions.subList(0, 40).forEach(q -> lines.add(JSON.writeValueAsString(java.util.Map.of("text", q[0]))));
        lines.add(150, "{\"text\": \"a line cut in the midd");
        lines.add(20, "{\"label\": \"card\"}");
        lines.add("{\"text\": \"   \", \"label\": \"card\"}");
        Path file = this.dir.resolve("input/questions.jsonl");
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
        return file;
    }

    private static List<String> distinctTexts() {
        Set<String> texts = new LinkedHashSet<>();
        SparkTestSupport.questions(300, 7).forEach(q -> texts.add(q[0]));
        return new ArrayList<>(texts);
    }

    @Test
    void theOutputsEqualTheSingleMachineTeacherStagesCacheRowByRow() throws Exception {
        Path teacher = SparkTestSupport.miniLm(this.dir);
        Path output = this.dir.resolve("outputs");
        TeacherPass.Result result = TeacherPass.builder(spark).teacher(teacher)
                .input(TextSource.Format.JSONL, input().toString(), "text").output(output.toString()).shards(3)
                .idleSeconds(0).run();

        List<String> texts = distinctTexts();
        assertThat(result.inputRows()).isEqualTo(343);
        assertThat(result.rejectedRows()).isEqualTo(3);
        assertThat(result.manifest().rows()).isEqualTo(texts.size());
        assertThat(result.manifest().width()).isEqualTo(384);
        assertThat(result.manifest().shards()).hasSize(3);
        assertThat(output.resolve(ShardTask.TEMPORARY)).doesNotExist();
        assertThat(ExecutorEngines.openEngines()).as("each executor engine closed with its last task").isZero();

        List<String> rejected = new ArrayList<>();
        try (var files = Files.list(output.resolve("rejected"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                rejected.addAll(Files.readAllLines(file));
            }
        }
        assertThat(rejected).hasSize(3).allSatisfy(line -> assertThat(line).contains("questions.jsonl"));
        assertThat(String.join("\n", rejected)).contains("the line does not parse", "a line cut in the midd",
                "no text in column 'text'", "the text is blank");

        // The single-machine teacher stage over the same texts, the same model files and settings.
        SoftTargetCache cache = SoftTargetCache.inDirectory(this.dir.resolve("cache"));
        TextDataset data = dataset(texts);
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(this.dir.resolve("models")).build());
                TeacherOutputs outputs = TeacherOutputs.open(output)) {
            TeacherStage.Result local = TeacherStage.builder(engine, "minilm", cache).split("train", data).build()
                    .run();
            try (SoftTargets targets = cache.open(local.splits().get(0).key()).orElseThrow()) {
                double maxDifference = 0;
                for (int i = 0; i < texts.size(); i++) {
                    float[] spark = outputs.find(texts.get(i)).orElseThrow();
                    float[] single = targets.row(i);
                    for (int j = 0; j < single.length; j++) {
                        maxDifference = Math.max(maxDifference, Math.abs(spark[j] - single[j]));
                    }
                }
                assertThat(maxDifference).isLessThanOrEqualTo(1e-5);
            }

            // A teacher stage given the Spark outputs runs no text through the model and caches the same rows.
            SoftTargetCache fresh = SoftTargetCache.inDirectory(this.dir.resolve("fresh-cache"));
            TeacherStage.Result fromSpark = TeacherStage.builder(engine, "minilm", fresh).split("train", data)
                    .outputs(outputs).build().run();
            assertThat(fromSpark.teacherUnloaded()).as("never loaded").isFalse();
            assertThat(engine.loadedModels()).isEmpty();
            assertThat(fromSpark.splits().get(0).key()).isEqualTo(local.splits().get(0).key());
        }
    }

    @Test
    void aTaskThatFailsHalfWayIsRetriedWithoutADuplicatedOrMissingRow() throws Exception {
        Path teacher = SparkTestSupport.miniLm(this.dir);
        Path input = input();
        AtomicInteger failedTasks = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                if (taskEnd.taskInfo().failed()) {
                    failedTasks.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        spark.conf().set(TeacherPass.FAULT_SETTING, "1:32");
        TeacherPass.Result faulty;
        try {
            faulty = TeacherPass.builder(spark).teacher(teacher).input(TextSource.Format.JSONL, input.toString(), "text")
                    .output(this.dir.resolve("faulty").toString()).shards(3).chunk(16).run();
        }
        finally {
            spark.conf().unset(TeacherPass.FAULT_SETTING);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (failedTasks.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        spark.sparkContext().removeSparkListener(listener);
        assertThat(failedTasks.get()).as("the injected failure happened and Spark retried the task").isEqualTo(1);

        TeacherPass.Result clean = TeacherPass.builder(spark).teacher(teacher)
                .input(TextSource.Format.JSONL, input.toString(), "text").output(this.dir.resolve("clean").toString())
                .shards(3).chunk(16).run();
        assertThat(faulty.manifest().rows()).isEqualTo(clean.manifest().rows()).isEqualTo(distinctTexts().size());
        assertThat(faulty.manifest().shards()).extracting(s -> s.rows())
                .containsExactlyElementsOf(clean.manifest().shards().stream().map(s -> s.rows()).toList());
        assertThat(this.dir.resolve("faulty").resolve(ShardTask.TEMPORARY)).doesNotExist();
        try (TeacherOutputs a = TeacherOutputs.open(this.dir.resolve("faulty"));
                TeacherOutputs b = TeacherOutputs.open(this.dir.resolve("clean"))) {
            for (String text : distinctTexts()) {
                assertThat(a.find(text).orElseThrow()).containsExactly(b.find(text).orElseThrow(), within(1e-5f));
            }
        }
    }

    @Test
    void morRejectedRowsThanAllowedFailThePassAfterReportingThem() throws Exception {
        Path teacher = SparkTestSupport.miniLm(this.dir);
        Path output = this.dir.resolve("outputs");
        TeacherPass pass = TeacherPass.builder(spark).teacher(teacher)
                .input(TextSource.Format.JSONL, input().toString(), "text").output(output.toString())
                .maxRejectedShare(0.005).build();
        assertThatExceptionOfType(DistillationException.class).isThrownBy(pass::run)
                .withMessageContaining("3 of 343 input rows (0.87 %) are not texts")
                .withMessageContaining("--max-rejected-share");
        assertThat(output.resolve("rejected")).isDirectory();
        assertThat(output.resolve("manifest.json")).doesNotExist();
    }

    @Test
    void badOptionsNameTheOption() throws Exception {
        Path teacher = SparkTestSupport.miniLm(this.dir);
        String input = input().toString();
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TeacherPass.builder(spark)
                .teacher(teacher).input(TextSource.Format.JSONL, input, "body")
                .output(this.dir.resolve("a").toString()).run())
                .satisfies(ex -> assertThat(ex.field()).isEqualTo("--text-column"))
                .withMessageContaining("no column 'body'");
        Files.createDirectories(this.dir.resolve("taken"));
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TeacherPass.builder(spark)
                .teacher(teacher).input(TextSource.Format.JSONL, input, "text")
                .output(this.dir.resolve("taken").toString()).run())
                .satisfies(ex -> assertThat(ex.field()).isEqualTo("--output"))
                .withMessageContaining("--overwrite");
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TeacherPass.builder(spark)
                .teacher(this.dir.resolve("input")).input(TextSource.Format.JSONL, input, "text")
                .output(this.dir.resolve("b").toString()).run())
                .satisfies(ex -> assertThat(ex.field()).isEqualTo("--teacher"))
                .withMessageContaining("not a model version folder");
    }

    private static TextDataset dataset(List<String> texts) {
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            examples.add(TextExample.unlabeled(texts.get(i), i + 1));
        }
        return TextDataset.of("train", examples);
    }
}
