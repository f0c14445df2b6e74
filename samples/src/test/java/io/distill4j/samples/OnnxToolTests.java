package io.distill4j.samples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class OnnxToolTests {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private PrintStream stdout;

    private PrintStream stderr;

    @BeforeEach
    void capture() {
        this.stdout = System.out;
        this.stderr = System.err;
        System.setOut(new PrintStream(this.out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(this.err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(this.stdout);
        System.setErr(this.stderr);
    }

    @Test
    void printsTheInventoryAsATableOrJson(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("relu.onnx");
        OnnxModelWriter.write(OnnxModelBuilder.create("g")
            .input("x", ElementType.FLOAT32, "batch", 4)
            .node("Relu", List.of("x"), List.of("y"))
            .output("y", ElementType.FLOAT32, "batch", 4)
            .build(), model);
        assertThat(OnnxTool.run(List.of("inventory", model.toString()))).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("| Relu").contains("x[0]=batch");
        this.out.reset();
        assertThat(OnnxTool.run(List.of("inventory", model.toString(), "--json"))).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("{").contains("\"Relu\"");
    }

    @Test
    void reportsACorruptFileAndBadUsage(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.onnx"), "hello");
        assertThat(OnnxTool.run(List.of("inventory", bad.toString()))).isEqualTo(1);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("error MODEL_LOAD_FAILED");
        assertThat(OnnxTool.run(List.of("quantize"))).isEqualTo(2);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("usage: OnnxTool");
    }
}
