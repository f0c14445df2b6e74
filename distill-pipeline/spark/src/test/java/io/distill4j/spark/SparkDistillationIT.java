package io.distill4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.Classification;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on Spark in local mode: the teacher pass over a job's texts, a distillation that reads its
 * outputs instead of running the teacher — the same student as from the teacher itself, same seed — and
 * that student, registered, scoring 10,000 rows through Spark exactly as the engine serves it.
 */
class SparkDistillationIT {

    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkTestSupport.spark(2, 2);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void aStudentFromSparkOutputsIsTheStudentFromTheTeacherAndScoresAsTheEngineServesIt() throws Exception {
        Path teacher = SparkTestSupport.miniLm(dir);
        Path data = Files.createDirectories(dir.resolve("data"));
        Path train = writeCsv(data.resolve("train.csv"), SparkTestSupport.questions(240, 1));
        Path test = writeCsv(data.resolve("test.csv"), SparkTestSupport.questions(60, 2));

        TeacherPass.Result pass = TeacherPass.builder(spark).teacher(teacher)
                .input(TextSource.Format.CSV, data.toString(), "text").output(dir.resolve("outputs").toString())
                .run();
        assertThat(pass.rejectedRows()).isZero();

        DistillationSpec spec = DistillationSpec.builder().name("intents")
                .teacher(TeacherSpec.onnxEncoder(teacher.resolve("model.onnx"), teacher.resolve("tokenizer.json")))
                .data(DataSpec.csv(train).test(test))
                .student(StudentSpec.bagOfEmbeddings(64, 64).training(StudentSpec.Training.of(1e-2f, 2f, 0.5f)
                        .epochs(3)))
                .budget(Budget.of(Duration.ofMinutes(5), 1)).seed(7).build();
        DistillationResult local;
        try (PipelineDistiller distiller = new PipelineDistiller(config("local"))) {
            local = distiller.distill(spec);
        }
        DistillationResult fromSpark;
        try (PipelineDistiller distiller = new PipelineDistiller(config("spark"))) {
            fromSpark = distiller.distill(spec.toBuilder().teacherOutputs(dir.resolve("outputs"))
                    .register("intents").build());
        }
        assertThat(fromSpark.teacher().metric()).isEqualTo(local.teacher().metric());
        assertThat(fromSpark.studentFp32().metric()).as("same student, same seed").isEqualTo(
                local.studentFp32().metric());
        assertThat(fromSpark.studentInt8().metric()).isEqualTo(local.studentInt8().metric());
        assertThat(fromSpark.registeredVersion()).hasValue(1);

        // The student scores 10,000 rows, and two that are not texts, through Spark as the engine serves it: its
        // fp32 export exactly. An INT8 version with activations quantized per row gives the same labels; its
        // probabilities can differ in the fourth decimal (padding moves a pooled value by a float ulp, which
        // can move its rounding by one level). The registered INT8 version quantizes its activations over each
        // batch (the default, as ONNX Runtime's dynamic quantization does), so its outputs move with the batch's
        // other texts, on Spark as in the server: a text at a decision boundary may change label (12 of these
        // 10,000 did once).
        Path fp32 = Files.createDirectories(dir.resolve("fp32/models/intents-fp32/1"));
        Path registered = dir.resolve("models/intents/1");
        try (var files = Files.list(registered)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("model.onnx")).toList()) {
                Files.copy(file, fp32.resolve(file.getFileName()));
            }
        }
        Files.copy(fromSpark.files().studentFp32(), fp32.resolve("model.onnx"));
        Path perRow = Files.createDirectories(dir.resolve("per-row/models/intents-per-row/1"));
        try (var files = Files.list(fp32)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("model.onnx")).toList()) {
                Files.copy(file, perRow.resolve(file.getFileName()));
            }
        }
        new Int8Quantizer(QuantizationConfig.builder().perRowActivations(true).build())
                .quantize(OnnxModelReader.ofDefaults().read(fp32.resolve("model.onnx"))).writeTo(perRow.resolve("model.onnx"));
        List<String> texts = SparkTestSupport.questions(10_000, 3).stream().map(q -> q[0]).toList();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create((long) i, texts.get(i)));
        }
        rows.add(RowFactory.create(-1L, null));
        rows.add(RowFactory.create(-2L, "  "));
        StructType schema = new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType);
        Dataset<Row> input = spark.createDataFrame(rows, schema).repartition(4);
        assertScores(StudentScoring.builder(spark).model(fp32).idleSeconds(0).build().score(input), texts,
                dir.resolve("fp32/models"), "intents-fp32", 0, 1e-5f);
        assertScores(StudentScoring.builder(spark).model(perRow).idleSeconds(0).build().score(input), texts,
                dir.resolve("per-row/models"), "intents-per-row", 0, 1e-3f);
        assertScores(StudentScoring.builder(spark).model(registered).idleSeconds(0).build().score(input), texts,
                dir.resolve("models"), "intents", 30, 2e-2f);
    }

    /**
     * Scores of Spark against the engine's: at most {@code maxMismatches} different labels, probabilities within
     * {@code tolerance}.
     */
    private static void assertScores(Dataset<Row> scoredOnSpark, List<String> texts, Path repository, String model,
            int maxMismatches, float tolerance) {
        List<Row> scored = scoredOnSpark.orderBy("id").collectAsList();
        assertThat(scored).hasSize(texts.size() + 2);
        assertThat(scored.subList(0, 2)).allSatisfy(row -> {
            assertThat(row.isNullAt(row.fieldIndex(StudentScoring.PREDICTION))).isTrue();
            assertThat(row.getString(row.fieldIndex(StudentScoring.ERROR))).isIn("no text", "the text is blank");
        });
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .build())) {
            engine.load(model);
            List<Classification> served = new ArrayList<>();
            for (int start = 0; start < texts.size(); start += 500) {
                served.addAll(engine.classify(model, texts.subList(start, Math.min(texts.size(), start + 500)), 1));
            }
            int mismatches = 0;
            float largest = 0;
            for (int i = 0; i < texts.size(); i++) {
                Row row = scored.get(i + 2);
                assertThat(row.getLong(0)).isEqualTo(i);
                assertThat(row.isNullAt(row.fieldIndex(StudentScoring.ERROR))).isTrue();
                if (!row.getString(row.fieldIndex(StudentScoring.PREDICTION)).equals(served.get(i).best().label())) {
                    mismatches++;
                }
                largest = Math.max(largest, Math.abs(row.getFloat(row.fieldIndex(StudentScoring.PROBABILITY))
                        - served.get(i).best().probability()));
            }
            assertThat(mismatches).as("labels different from the engine's (" + model + ")")
                    .isLessThanOrEqualTo(maxMismatches);
            assertThat(largest).as("largest probability difference (" + model + ")").isLessThanOrEqualTo(tolerance);
        }
    }

    @Test
    void embeddingsScoredOnSparkAreTheEnginesVectors() throws Exception {
        Path teacher = SparkTestSupport.miniLm(dir.resolve("embedding"));
        List<String> texts = SparkTestSupport.questions(200, 5).stream().map(q -> q[0]).toList();
        Dataset<Row> input = spark.createDataset(texts, Encoders.STRING()).toDF("text").repartition(3);
        List<Row> scored = StudentScoring.builder(spark).model(teacher).build().score(input).collectAsList();
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("embedding/models")).build())) {
            engine.load("minilm");
            for (Row row : scored) {
                float[] expected = engine.embed("minilm", List.of(row.getString(0))).get(0);
                List<Float> actual = row.getList(row.fieldIndex(StudentScoring.EMBEDDING));
                assertThat(actual).hasSize(384);
                for (int j = 0; j < expected.length; j++) {
                    assertThat(actual.get(j)).isCloseTo(expected[j], within(1e-5f));
                }
            }
        }
    }

    private static DistillerConfig config(String name) {
        return DistillerConfig.builder(dir.resolve("work-" + name)).modelRepository(dir.resolve("models")).threads(2)
                .maxEpochs(3).build();
    }

    private static Path writeCsv(Path file, List<String[]> rows) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("text,label");
        rows.forEach(row -> lines.add("\"" + row[0].replace("\"", "\"\"") + "\"," + row[1]));
        Files.write(file, lines);
        return file;
    }
}
