package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.distill.Stage;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.CompatibilityChecker;
import io.distill4j.engine.onnx.compat.CompatibilityReport;
import io.distill4j.engine.onnx.compat.CompatibilityTarget;
import io.distill4j.engine.onnx.proto.ModelProto;

/**
 * {@link Stage#COMPATIBILITY}: checks the INT8 student's operators against ONNX Runtime's CPU and CUDA
 * kernels and writes both reports ({@code compatibility-cpu.json}, {@code compatibility-cuda.json}). A
 * student the CPU provider cannot run fails the job; one CUDA would run partly on the CPU is a warning in
 * the report.
 */
final class CompatibilityStage {

    private CompatibilityStage() {
    }

    /**
     * @param cpu the verdict for the CPU provider
     * @param cuda the verdict for the CUDA provider
     */
    record Compatibility(CompatibilityReport cpu, CompatibilityReport cuda) {
    }

    static Compatibility run(RunContext run, Path int8File) throws IOException {
        ModelProto int8 = OnnxModelReader.ofDefaults().read(int8File);
        CompatibilityReport cpu = CompatibilityChecker.check(int8, CompatibilityTarget.cpu());
        CompatibilityReport cuda = CompatibilityChecker.check(int8, CompatibilityTarget.cuda());
        if (cpu.verdict() == CompatibilityVerdict.INCOMPATIBLE) {
            throw run.failure("The INT8 student is not compatible with the CPU provider: " + cpu.summary());
        }
        AtomicFiles.writeString(run.outputFile("compatibility-cpu.json"), cpu.toJson());
        AtomicFiles.writeString(run.outputFile("compatibility-cuda.json"), cuda.toJson());
        run.clock().report(1, 1, 1, Map.of(), "compatibility: CPU " + cpu.verdict().label() + ", CUDA "
                + cuda.verdict().label());
        return new Compatibility(cpu, cuda);
    }
}
