package io.distill4j.engine.onnx.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Finding;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Reason;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Severity;
import io.distill4j.engine.onnx.compat.Preflight.Result;
import io.distill4j.engine.onnx.compat.Preflight.Status;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preflights with the real ONNX Runtime of the build, which is the CPU-only one. */
class PreflightTests {

    private static final SessionConfig ONE_THREAD = SessionConfig.builder().intraOpThreads(1).interOpThreads(1).build();

    @Test
    void aModelLoadsOnCpu() {
        List<Result> results = Preflight.run(ModelGenerators.dynamicallyQuantizedMatMul(), CompatibilityTarget.cpu(),
                ONE_THREAD);

        assertThat(results).containsExactly(new Result(ExecutionProvider.CPU, Status.LOADED, ""));
    }

    @Test
    void cudaIsUnavailableOnTheCpuOnlyBuildAndCpuIsStillTried(@TempDir Path dir) throws Exception {
        Path file = ModelGenerators.write(ModelGenerators.addAndScale(), dir.resolve("add.onnx"));

        List<Result> results = Preflight.run(file, CompatibilityTarget.cuda(), ONE_THREAD);

        assertThat(results).extracting(Result::provider, Result::status).containsExactly(
                tuple(ExecutionProvider.CUDA, Status.UNAVAILABLE),
                tuple(ExecutionProvider.CPU, Status.LOADED));
        assertThat(results.get(0).message()).contains("no CUDA provider");
    }

    @Test
    void aModelOnnxRuntimeRefusesFailsWithItsMessageAndMakesTheReportIncompatible() {
        byte[] model = OnnxModelBuilder.create("g")
                .opset("com.example.ops", 1)
                .input("x", ElementType.FLOAT32, 4)
                .node("FancyActivation", List.of("x"), List.of("y"), n -> n.name("suspect").domain("com.example.ops"))
                .output("y", ElementType.FLOAT32, 4)
                .toByteArray();

        List<Result> results = Preflight.run(model, CompatibilityTarget.cpu(), ONE_THREAD);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.message()).contains("FancyActivation");
        });
        CompatibilityReport report = CompatibilityChecker.check(OnnxModelReader.ofDefaults().read(model, "m"),
                CompatibilityTarget.cpu()).withPreflight(results);
        assertThat(report.preflight()).isEqualTo(results);
        assertThat(report.findings(Reason.PREFLIGHT_FAILED)).singleElement()
                .extracting(Finding::severity, Finding::provider, Finding::modelLevel)
                .containsExactly(Severity.ERROR, ExecutionProvider.CPU, true);
        assertThat(report.toTable()).contains("Preflight: CPU FAILED (");
        assertThat(report.toJson()).contains("\"status\" : \"FAILED\"");
    }

    @Test
    void aPreflightThatLoadsLeavesTheVerdictAsTheTablesSayAndIsShown() {
        byte[] model = ModelGenerators.addAndScale();
        CompatibilityReport checked = CompatibilityChecker.check(OnnxModelReader.ofDefaults().read(model, "m"),
                CompatibilityTarget.cuda());

        CompatibilityReport report = checked.withPreflight(Preflight.run(model, CompatibilityTarget.cuda(), ONE_THREAD));

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
        assertThat(report.findings()).isEqualTo(checked.findings());
        assertThat(report.toTable()).contains("Preflight: CUDA UNAVAILABLE (this ONNX Runtime build has no CUDA provider")
                .contains("; CPU LOADED\n");
    }

    @Test
    void aFailedPreferredProviderIsAWarningSinceTheModelRunsOnTheNext() {
        CompatibilityReport checked = CompatibilityChecker.check(
                OnnxModelReader.ofDefaults().read(ModelGenerators.addAndScale(), "m"), CompatibilityTarget.cuda());
        List<Result> results = List.of(new Result(ExecutionProvider.CUDA, Status.FAILED, "no CUDA device"),
                new Result(ExecutionProvider.CPU, Status.LOADED, ""));

        CompatibilityReport report = checked.withPreflight(results).withPreflight(results);

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS);
        assertThat(report.findings(Reason.PREFLIGHT_FAILED)).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).isEqualTo("ONNX Runtime could not create a session with the CUDA provider, so "
                    + "the model runs on the next provider: no CUDA device");
        });
    }
}
