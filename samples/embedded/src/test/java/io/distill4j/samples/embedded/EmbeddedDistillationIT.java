package io.distill4j.samples.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's embedded example as CI runs it: the program's {@code main} on the 120 labelled questions of
 * {@code samples/specs/intents.csv}, MiniLM from the class path as the teacher.
 */
class EmbeddedDistillationIT {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void distillsTheSampleIntentsAndRegistersTheStudent(@TempDir Path dir) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            EmbeddedDistillation.main(new String[] {"../specs/intents.csv", dir.toString()});
        }
        finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        stdout.print(printed);
        assertThat(printed)
            .containsPattern("accuracy: teacher \\d\\.\\d{4}, student fp32 \\d\\.\\d{4}, student INT8 \\d\\.\\d{4}")
            .contains("passed: ").doesNotContain("FAILED: ")
            .contains("registered as intents-student version 1");
        assertThat(dir.resolve("minilm/model.onnx")).isRegularFile();
        assertThat(dir.resolve("models/intents-student/1/model.onnx")).isRegularFile();
        assertThat(dir.resolve("models/intents-student/1/model.json")).content().contains("text-classification");
    }
}
