package io.distill4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code java -jar distill4j.jar distill spec.yaml} as a user runs it — the packaged jar in its own JVM, in
 * this process's mode (no server): plain, rate-limited progress lines when its output is a pipe, a bar redrawn
 * in place when it is a terminal (a pseudo-terminal made by {@code script}), and the summary printed once
 * either way.
 */
class DistillCommandIT {

    private static final Path JAR = Path.of("target/distill4j.jar").toAbsolutePath();

    @TempDir
    static Path dir;

    @BeforeAll
    static void aMiniLmRepositoryAndASpec() throws IOException {
        Path minilm = Files.createDirectories(dir.resolve("models/minilm/1"));
        copyResource("all-minilm-l6-v2.onnx", minilm.resolve("model.onnx"));
        copyResource("all-minilm-l6-v2-tokenizer.json", minilm.resolve("tokenizer.json"));
        Files.copy(Path.of("../specs/intents.csv"), dir.resolve("intents.csv"));
        // Relative paths: they resolve against the working directory, as in the README's command.
        Files.writeString(dir.resolve("spec.yaml"), CliIT.spec("toy", Path.of("models"), "intents.csv"));
        assertThat(JAR).as("the packaged command line (mvn package)").isRegularFile();
    }

    @Test
    void inAPipeProgressIsPlainLinesAndTheSummaryIsPrintedOnce() throws Exception {
        Result result = run(List.of(java(), "-jar", JAR.toString(), "distill", "--work-directory", "work-pipe",
                "--repository", "models-pipe", "spec.yaml"));
        assertThat(result.status).as(result.output).isZero();
        assertThat(result.output).doesNotContain("\r").containsPattern("(?m)^\\[ *\\d+%] toy TEACHER")
            .containsPattern("(?m)^\\[100%] toy SUCCEEDED");
        assertThat(count(result.output, "registered as toy version 1")).isEqualTo(1);
        assertThat(count(result.output, "accuracy: teacher")).isEqualTo(1);
        assertThat(dir.resolve("models-pipe/toy/1/model.onnx")).isRegularFile();
    }

    @Test
    void onATerminalProgressIsABarAndTheSummaryIsPrintedOnce() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script makes the pseudo-terminal");
        String command = String.join(" ", java(), "-jar", JAR.toString(), "distill", "--work-directory", "work-tty",
                "--repository", "models-tty", "spec.yaml");
        Result result = run(List.of("/usr/bin/script", "-qfec", command, "/dev/null"));
        assertThat(result.status).as(result.output).isZero();
        // The bar redraws its line with carriage returns and draws its blocks; no plain progress lines.
        assertThat(result.output).contains("\r").contains("│").doesNotContainPattern("(?m)^\\[ *\\d+%] toy");
        assertThat(count(result.output, "registered as toy version 1")).isEqualTo(1);
    }

    private static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
            .redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private record Result(int status, String output) {
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = DistillCommandIT.class.getResourceAsStream("/" + resource)) {
            assertThat(in).as(resource + " on the test class path").isNotNull();
            Files.copy(in, target);
        }
    }
}
