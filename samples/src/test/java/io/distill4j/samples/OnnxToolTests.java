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
    void checksCompatibilityAsATableOrJsonWithAnOptionalPreflight(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("relu.onnx");
        OnnxModelWriter.write(OnnxModelBuilder.create("g")
            .input("x", ElementType.FLOAT32, "batch", 4)
            .node("Relu", List.of("x"), List.of("y"))
            .output("y", ElementType.FLOAT32, "batch", 4)
            .build(), model);

        assertThat(OnnxTool.run(List.of("check", model.toString()))).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("Verdict: compatible\n")
            .contains("Target: ONNX Runtime CPU;").contains("| ai.onnx Relu |").contains("Preflight: not run");
        this.out.reset();
        assertThat(OnnxTool.run(List.of("check", model.toString(), "--provider", "cuda", "--json"))).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("{").contains("\"verdict\" : \"COMPATIBLE\"")
            .contains("\"providers\" : [ \"CUDA\", \"CPU\" ]");
        this.out.reset();
        assertThat(OnnxTool.run(List.of("check", model.toString(), "--provider", "cuda", "--preflight"))).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("Preflight: CUDA UNAVAILABLE (")
            .contains("; CPU LOADED");
    }

    @Test
    void checkExitsWithThreeForAnIncompatibleModelAndSaysWhy(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("custom.onnx");
        OnnxModelWriter.write(OnnxModelBuilder.create("g")
            .opset("com.example.ops", 1)
            .input("x", ElementType.FLOAT32, 4)
            .node("FancyActivation", List.of("x"), List.of("y"), n -> n.name("suspect").domain("com.example.ops"))
            .output("y", ElementType.FLOAT32, 4)
            .build(), model);

        assertThat(OnnxTool.run(List.of("check", model.toString(), "--preflight"))).isEqualTo(3);
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("Verdict: incompatible\n")
            .contains("| ERROR    | CUSTOM_DOMAIN").contains("suspect").contains("custom-op library")
            .contains("Preflight: CPU FAILED (");
    }

    @Test
    void checkRefusesUnknownOptions(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.onnx");
        assertThat(OnnxTool.run(List.of("check", model.toString(), "--provider", "tpu"))).isEqualTo(2);
        assertThat(OnnxTool.run(List.of("check", model.toString(), "--verbose"))).isEqualTo(2);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--provider takes cpu or cuda")
            .contains("unknown option '--verbose'").contains("OnnxTool check <model.onnx>");
    }

    @Test
    void reportsACorruptFileAndBadUsage(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.onnx"), "hello");
        assertThat(OnnxTool.run(List.of("inventory", bad.toString()))).isEqualTo(1);
        assertThat(OnnxTool.run(List.of("check", bad.toString()))).isEqualTo(1);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("error MODEL_LOAD_FAILED");
        assertThat(OnnxTool.run(List.of("quantize"))).isEqualTo(2);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("usage: OnnxTool");
    }
}
