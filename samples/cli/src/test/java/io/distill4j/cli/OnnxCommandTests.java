package io.distill4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

/** {@code distill4j onnx}: inventory, check and quantize on generated models and on MiniLM. */
class OnnxCommandTests {

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
        assertThat(run("onnx", "inventory", model.toString())).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("| Relu").contains("x[0]=batch");
        this.out.reset();
        assertThat(run("onnx", "inventory", model.toString(), "--json")).isZero();
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

        assertThat(run("onnx", "check", model.toString())).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("Verdict: compatible\n")
            .contains("Target: ONNX Runtime CPU;").contains("| ai.onnx Relu |").contains("Preflight: not run");
        this.out.reset();
        assertThat(run("onnx", "check", model.toString(), "--provider", "cuda", "--json")).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("{").contains("\"verdict\" : \"COMPATIBLE\"")
            .contains("\"providers\" : [ \"CUDA\", \"CPU\" ]");
        this.out.reset();
        assertThat(run("onnx", "check", model.toString(), "--provider", "cuda", "--preflight")).isZero();
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

        assertThat(run("onnx", "check", model.toString(), "--preflight")).isEqualTo(3);
        assertThat(this.out.toString(StandardCharsets.UTF_8)).startsWith("Verdict: incompatible\n")
            .contains("| ERROR    | CUSTOM_DOMAIN").contains("suspect").contains("custom-op library")
            .contains("Preflight: CPU FAILED (");
    }

    @Test
    void checkRefusesUnknownOptions(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.onnx");
        assertThat(run("onnx", "check", model.toString(), "--provider", "tpu")).isEqualTo(2);
        assertThat(run("onnx", "check", model.toString(), "--verbose")).isEqualTo(2);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("--provider")
            .contains("expected one of [CPU, CUDA]").contains("Unknown option: '--verbose'")
            .contains("Usage: distill4j onnx check");
    }

    @Test
    void reportsACorruptFileAndBadUsage(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.onnx"), "hello");
        assertThat(run("onnx", "inventory", bad.toString())).isEqualTo(1);
        assertThat(run("onnx", "check", bad.toString())).isEqualTo(1);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("error MODEL_LOAD_FAILED");
        assertThat(run("onnx", "quantize")).isEqualTo(2);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("Usage: distill4j onnx quantize");
    }

    @Test
    void quantizesAModelAndRefusesToQuantizeItTwice(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("dense.onnx");
        OnnxModelWriter.write(OnnxModelBuilder.create("g")
            .input("x", ElementType.FLOAT32, "batch", 4)
            .initializer("w", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 4, 4)
            .node("MatMul", List.of("x", "w"), List.of("y"), n -> n.name("dense"))
            .output("y", ElementType.FLOAT32, "batch", 4)
            .build(), model);
        Path quantized = dir.resolve("dense-int8.onnx");

        assertThat(run("onnx", "quantize", model.toString(), quantized.toString())).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("Quantized 1 node(s), excluded 0, skipped 0")
            .contains("Wrote " + quantized);
        assertThat(quantized).isRegularFile();

        assertThat(run("onnx", "quantize", quantized.toString(), dir.resolve("again.onnx").toString()))
            .isEqualTo(1);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("already quantized");
        assertThat(dir.resolve("again.onnx")).doesNotExist();

        assertThat(run("onnx", "quantize", model.toString(), quantized.toString(), "--exclude-type", "Conv"))
            .isEqualTo(2);
        assertThat(run("onnx", "quantize", model.toString(), quantized.toString(), "--gate-texts", "t.txt"))
            .isEqualTo(2);
        assertThat(run("onnx", "quantize", model.toString(), quantized.toString(), "--gate-texts",
            "t.txt", "--tokenizer", "tokenizer.json")).isEqualTo(2);
        assertThat(this.err.toString(StandardCharsets.UTF_8)).contains("'Conv' is not an operator the quantizer touches")
            .contains("Missing required argument(s): --tokenizer").contains("needs a text model with an 'input_ids' input");
    }

    @Test
    void quantizesMiniLmGatedOnSentencesFromAFile(@TempDir Path dir) throws Exception {
        Path version = Files.createDirectories(dir.resolve("minilm"));
        copyResource("all-minilm-l6-v2.onnx", version.resolve("model.onnx"));
        copyResource("all-minilm-l6-v2-tokenizer.json", version.resolve("tokenizer.json"));
        Path texts = Files.writeString(dir.resolve("texts.txt"),
            "A man is playing a guitar.\n\nThe weather is lovely today.\nHow do I reset my password?\n");
        Path quantized = dir.resolve("minilm-int8.onnx");

        int status = run("onnx", "quantize", version.resolve("model.onnx").toString(), quantized.toString(),
            "--gate-texts", texts.toString(), "--tokenizer", version.resolve("tokenizer.json").toString(),
            "--min-cosine", "0.98");

        assertThat(status).as(this.err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("Quantized 39 node(s)")
            .contains("Gate of the result: passed").contains("Wrote ");
        assertThat(Files.size(quantized)).isLessThan(Files.size(version.resolve("model.onnx")) / 3);

        // An unreachable gate (and no node may go back to float): nothing is written, the exit status says so.
        Path strict = dir.resolve("strict.onnx");
        assertThat(run("onnx", "quantize", version.resolve("model.onnx").toString(), strict.toString(),
            "--gate-texts", texts.toString(), "--tokenizer", version.resolve("tokenizer.json").toString(),
            "--min-cosine", "1.0", "--max-exclusions", "0")).isEqualTo(1);
        assertThat(strict).doesNotExist();
        assertThat(this.out.toString(StandardCharsets.UTF_8)).contains("Nothing written.");
    }

    /** Runs the command line with these arguments; System.out and System.err are the captured streams. */
    private static int run(String... args) {
        return Distill4jCli.commandLine().execute(args);
    }

    /** Copies a file of the MiniLM jar (a test dependency, read as data) out of the class path. */
    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = OnnxCommandTests.class.getResourceAsStream("/" + resource)) {
            assertThat(in).as(resource + " on the test class path").isNotNull();
            Files.copy(in, target);
        }
    }
}
