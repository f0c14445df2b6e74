package io.distill4j.engine.onnx.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Finding;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Reason;
import io.distill4j.engine.onnx.compat.Preflight.Result;
import io.distill4j.engine.onnx.compat.Preflight.Status;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.MiniLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check on the real all-MiniLM-L6-v2, in fp32 and as quantized by ONNX Runtime's dynamic quantizer. */
class CompatibilityIT {

    private static ModelProto fp32;

    private static ModelProto int8;

    @BeforeAll
    static void readModels() {
        fp32 = OnnxModelReader.ofDefaults().read(MiniLm.modelFile());
        int8 = OnnxModelReader.ofDefaults().read(MiniLm.quantizedModelFile());
    }

    @Test
    void miniLmIsCompatibleOnCpuAndCuda() {
        for (CompatibilityTarget target : new CompatibilityTarget[] {CompatibilityTarget.cpu(), CompatibilityTarget.cuda()}) {
            CompatibilityReport report = CompatibilityChecker.check(fp32, target);

            assertThat(report.verdict()).as(target.describe()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
            assertThat(report.issues()).isEmpty();
            assertThat(report.nodes()).hasSize(NODES);
            assertThat(report.findings(Reason.CONSTANT_FOLDED)).hasSize(CONSTANTS);
            assertThat(report.nodesPerProvider()).containsEntry(target.preferred(), NODES - CONSTANTS);
        }
    }

    @Test
    void quantizedMiniLmRunsItsInt8NodesOnCpuUnderACudaTarget() {
        CompatibilityReport report = CompatibilityChecker.check(int8, CompatibilityTarget.cuda());

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS);
        assertThat(report.findings(Reason.QUANTIZED_ON_CUDA))
                .extracting(Finding::opType, Finding::provider)
                .containsOnly(tuple("DynamicQuantizeLinear", ExecutionProvider.CPU),
                        tuple("MatMulInteger", ExecutionProvider.CPU))
                .hasSize(24 + 36);
        assertThat(report.issues()).hasSize(24 + 36);
        assertThat(report.nodesPerProvider()).containsEntry(ExecutionProvider.CPU, 60);
        // Alike findings share a row of the table.
        assertThat(report.toTable()).containsPattern("and 35 more \\(36 nodes\\) +\\| ai\\.onnx MatMulInteger ")
                .containsPattern("and 23 more \\(24 nodes\\) +\\| ai\\.onnx DynamicQuantizeLinear ");
    }

    @Test
    void quantizedMiniLmIsCompatibleOnCpu() {
        CompatibilityReport report = CompatibilityChecker.check(int8, CompatibilityTarget.cpu());

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
        assertThat(report.nodesPerProvider()).containsEntry(ExecutionProvider.CPU, NODES_INT8 - CONSTANTS);
    }

    @Test
    void miniLmPassesThePreflightOnCpuAndCudaIsUnavailableOnThisBuild() {
        SessionConfig config = SessionConfig.builder().intraOpThreads(1).interOpThreads(1).build();

        CompatibilityReport report = CompatibilityChecker.check(fp32, CompatibilityTarget.cuda())
                .withPreflight(Preflight.run(MiniLm.modelFile(), CompatibilityTarget.cuda(), config));

        assertThat(report.preflight()).extracting(Result::provider, Result::status).containsExactly(
                tuple(ExecutionProvider.CUDA, Status.UNAVAILABLE), tuple(ExecutionProvider.CPU, Status.LOADED));
        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
    }

    @Test
    void theEngineChecksMiniLmWhenItLoadsAndKeepsTheReport(@TempDir Path root) {
        MiniLm.installInto(root, "minilm", 1);
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(root)
                .session(SessionConfig.builder().intraOpThreads(1).build()).build())) {
            engine.load("minilm");

            CompatibilityReport report = engine.compatibility("minilm").orElseThrow();

            assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
            assertThat(report.target().providers()).containsExactly(ExecutionProvider.CPU);
            assertThat(engine.embed("minilm", "the check passed")).hasSize(384);
        }
    }

    // Found by taking the inventory of the model files in the registry jars (see ModelInventoryIT).
    private static final int NODES = 637;

    private static final int NODES_INT8 = 772;

    private static final int CONSTANTS = 146;
}
