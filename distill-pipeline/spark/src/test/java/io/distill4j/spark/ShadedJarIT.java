package io.distill4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.distill4j.pipeline.cache.TeacherOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code target/distill4j-spark.jar} as {@code spark-submit} runs it: the shaded jar and Spark's own class path,
 * nothing else, in a JVM of its own in local mode. The teacher pass and scoring run from the command line,
 * and bad usage ends with status 2 and one line naming the option.
 */
class ShadedJarIT {

    @TempDir
    Path dir;

    @Test
    void theTeacherPassAndScoringRunFromTheShadedJarOnSparksClassPathAlone() throws Exception {
        Path teacher = SparkTestSupport.miniLm(this.dir);
        Path input = this.dir.resolve("texts.csv");
        List<String> lines = new ArrayList<>(List.of("id,text"));
        List<String[]> questions = SparkTestSupport.questions(120, 3);
        for (int i = 0; i < questions.size(); i++) {
            lines.add(i + ",\"" + questions.get(i)[0] + "\"");
        }
        Files.write(input, lines);

        Run pass = run("teacher-pass", "--teacher", teacher.toString(), "--input", input.toString(), "--output",
                this.dir.resolve("outputs").toString());
        assertThat(pass.status()).as(pass.output()).isZero();
        assertThat(pass.output()).contains("teacher outputs: ", "120 distinct texts of 120 rows");
        try (TeacherOutputs outputs = TeacherOutputs.open(this.dir.resolve("outputs"))) {
            assertThat(outputs.rows()).isEqualTo(120);
            assertThat(outputs.find(questions.get(5)[0])).isPresent();
        }

        Run score = run("score", "--model", teacher.toString(), "--input", input.toString(), "--output",
                this.dir.resolve("scored").toString(), "--output-format", "jsonl");
        assertThat(score.status()).as(score.output()).isZero();
        assertThat(score.output()).contains("120 rows scored of 120");
        List<String> scored = new ArrayList<>();
        try (var files = Files.list(this.dir.resolve("scored"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                scored.addAll(Files.readAllLines(file));
            }
        }
        assertThat(scored).hasSize(120).allSatisfy(line -> assertThat(line).contains("\"id\"", "\"embedding\":["));

        Run usage = run("teacher-pass", "--teacher", teacher.toString(), "--input", input.toString(), "--text-column",
                "body", "--output", this.dir.resolve("other").toString());
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.output()).contains("error: --text-column: no column 'body'");
    }

    private record Run(int status, String output) {
    }

    /** The jar's main class in a JVM whose class path is the shaded jar and Spark's jars. */
    private Run run(String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target/distill4j-spark.jar").toAbsolutePath();
        String sparkClassPath = Files.readString(Path.of("target/spark-provided.classpath")).trim();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.addAll(List.of(System.getProperty("spark.test.jvmArgs", "").split("\\s+")));
        command.addAll(List.of("-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1"));
        command.add(Distill4jSpark.class.getName());
        command.addAll(List.of(args));
        command.removeIf(String::isBlank);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The class path through the environment: a very long command line crashes ONNX Runtime's JVMs.
        builder.environment().put("CLASSPATH", jar + java.io.File.pathSeparator + sparkClassPath);
        Path log = Files.createTempFile(this.dir, "run-", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the jar did not finish in 5 minutes: " + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
