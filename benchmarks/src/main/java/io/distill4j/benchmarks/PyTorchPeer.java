package io.distill4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PyTorch side of {@link TrainingSpeedBenchmark} and {@link FineTuningSpeedBenchmark}: the script
 * {@code benchmarks/python/train_speed.py} run by a Python interpreter as a subprocess in the working
 * directory, with the workload's arguments; its last line of output is its result as JSON. Every failure
 * names what to install or pass.
 */
final class PyTorchPeer {

    private static final String INSTALL_HINT = "Install Debian's PyTorch with: apt-get install python3-torch"
            + " libopenblas0-pthread (it installs for /usr/bin/python3; if python3 on the PATH is another interpreter,"
            + " pass --python /usr/bin/python3)";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final String python;

    private final Path script;

    /**
     * @param python the interpreter, which must be able to import torch
     * @param script the script, relative to the working directory or absolute
     */
    PyTorchPeer(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** The interpreter's torch version, or a failure that says how to install it. */
    String torchVersion() {
        if (!Files.isRegularFile(this.script)) {
            throw new BenchmarkException("The PyTorch side's script " + this.script.toAbsolutePath()
                    + " is missing; run from the repository root or pass --script");
        }
        ProcessOutput output = exec(List.of(this.python, "-c", "import torch; print(torch.__version__)"));
        if (output.exitCode() != 0) {
            throw new BenchmarkException(this.python + " cannot import torch (exit " + output.exitCode() + "): "
                    + output.text().strip() + ". " + INSTALL_HINT);
        }
        return output.text().strip();
    }

    /**
     * Runs the script with the workload's arguments and returns its JSON line, after checking that the
     * script generated the same examples as {@code data} (the checksum both sides compute).
     */
    JsonNode run(TrainingWorkload workload, SyntheticData data) {
        JsonNode result = run(workload);
        String theirChecksum = result.path("data_checksum").asString("");
        if (!theirChecksum.equals(data.checksum())) {
            throw new BenchmarkException("The script generated other data: checksum " + theirChecksum
                    + ", this side's " + data.checksum() + ". Keep SplitMix64 and the workload in "
                    + this.script + " in step with " + SyntheticData.class.getName());
        }
        return result;
    }

    /**
     * A warning when the script ran on the reference BLAS (what python3-torch alone installs), several
     * times slower than an optimized one, which makes the comparison worthless; empty otherwise.
     */
    static Optional<String> blasWarning(JsonNode result) {
        String blas = result.path("blas").asString("");
        if (!blas.contains("/blas/libblas.so")) {
            return Optional.empty();
        }
        return Optional.of("the PyTorch side runs on the reference BLAS (" + blas + "), several times slower than"
                + " an optimized one; for a fair baseline: apt-get install libopenblas0-pthread");
    }

    private JsonNode run(TrainingWorkload workload) {
        List<String> command = new ArrayList<>(List.of(this.python, this.script.toString()));
        command.addAll(workload.arguments());
        System.out.println("[bench] " + String.join(" ", command));
        ProcessOutput output = exec(command);
        if (output.exitCode() != 0) {
            throw new BenchmarkException("The PyTorch side failed (exit " + output.exitCode() + "): " + output.text());
        }
        String[] lines = output.text().strip().split("\n");
        String last = lines[lines.length - 1];
        try {
            JsonNode json = MAPPER.readTree(last);
            if (!json.path("steps_per_second").isNumber()) {
                throw new BenchmarkException("The PyTorch side printed no steps_per_second: " + output.text());
            }
            return json;
        }
        catch (JacksonException ex) {
            throw new BenchmarkException("The PyTorch side's last line is not JSON: " + output.text(), ex);
        }
    }

    private record ProcessOutput(int exitCode, String text) {
    }

    /** Runs a command in the working directory, stdout and stderr together, for at most an hour. */
    private static ProcessOutput exec(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot start " + command.get(0) + ": " + ex.getMessage() + ". " + INSTALL_HINT, ex);
        }
        try (InputStream in = process.getInputStream()) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            in.transferTo(text);
            if (!process.waitFor(1, TimeUnit.HOURS)) {
                process.destroyForcibly();
                throw new BenchmarkException(command.get(0) + " ran for more than an hour");
            }
            return new ProcessOutput(process.exitValue(), text.toString(StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            process.destroyForcibly();
            throw new BenchmarkException("Cannot read the output of " + command.get(0), ex);
        }
        catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", ex);
        }
    }
}
