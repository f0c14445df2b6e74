package io.distill4j.engine.session;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.ElementType;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSessionTests {

    @TempDir
    Path dir;

    private Path addAndScale() throws Exception {
        return ModelGenerators.write(ModelGenerators.addAndScale(), this.dir.resolve("add.onnx"));
    }

    @Test
    void opensAndDescribesAModel() throws Exception {
        try (ModelSession session = ModelSession.open("add/1", addAndScale(),
                SessionConfig.builder().intraOpThreads(1).interOpThreads(1).optimizationLevel(OptimizationLevel.BASIC).build())) {
            assertThat(session.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(session.providerNote()).isEmpty();
            assertThat(session.inputs()).containsExactly(TensorInfo.of("x", ElementType.FLOAT32, -1, 4));
            assertThat(session.outputs()).containsExactly(TensorInfo.of("y", ElementType.FLOAT32, -1, 4));
        }
    }

    @Test
    void opensAModelFromItsBytes() {
        try (ModelSession session = ModelSession.open("add/1", ModelGenerators.addAndScale(), SessionConfig.ofDefaults())) {
            assertThat(session.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(session.inputs()).containsExactly(TensorInfo.of("x", ElementType.FLOAT32, -1, 4));
        }
        assertThatThrownBy(() -> ModelSession.open("bad/1", "not a model".getBytes(), SessionConfig.ofDefaults()))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("ONNX Runtime could not open model bad/1");
    }

    @Test
    void closeReleasesIsIdempotentAndUseAfterCloseFails() throws Exception {
        ModelSession session = ModelSession.open("add/1", addAndScale(), SessionConfig.ofDefaults());
        try (OnnxTensor x = OnnxTensor.createTensor(ModelSession.environment(), FloatBuffer.wrap(new float[4]), new long[] { 1, 4 });
                OrtSession.Result r = session.run(Map.of("x", x))) {
            assertThat(r.size()).isEqualTo(1);
        }
        session.close();
        assertThat(session.isClosed()).isTrue();
        assertThatNoException().isThrownBy(session::close);
        assertThatThrownBy(() -> session.run(Map.of())).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("add/1 is closed");
    }

    @Test
    void aSessionWithoutSpinningComputesTheSameAndCpuSettingsKeepTheRest() throws Exception {
        SessionConfig quiet = SessionConfig.builder().intraOpThreads(2).intraOpSpinning(false)
            .executionProviders(ExecutionProvider.CUDA, ExecutionProvider.CPU).build();
        assertThat(SessionConfig.ofDefaults().intraOpSpinning()).isTrue();
        assertThat(quiet.onCpu().executionProviders()).containsExactly(ExecutionProvider.CPU);
        assertThat(quiet.onCpu().intraOpSpinning()).isFalse();
        assertThat(quiet.onCpu().intraOpThreads()).isEqualTo(2);
        float[] input = { 1, 2, 3, 4 };
        try (ModelSession spinning = ModelSession.open("add/1", addAndScale(), SessionConfig.ofDefaults());
                ModelSession notSpinning = ModelSession.open("add/1", addAndScale(), quiet.onCpu());
                OnnxTensor x = OnnxTensor.createTensor(ModelSession.environment(), FloatBuffer.wrap(input), new long[] { 1, 4 });
                OrtSession.Result a = spinning.run(Map.of("x", x));
                OrtSession.Result b = notSpinning.run(Map.of("x", x))) {
            assertThat(((float[][]) b.get(0).getValue())[0]).containsExactly(((float[][]) a.get(0).getValue())[0]);
        }
    }

    @Test
    void cudaRequestedOnACpuBuildFallsBackToCpuAndSaysWhy() throws Exception {
        try (ModelSession session = ModelSession.open("add/1", addAndScale(),
                SessionConfig.builder().executionProviders(ExecutionProvider.CUDA, ExecutionProvider.CPU).build())) {
            assertThat(session.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(session.providerNote()).contains("CUDA");
        }
    }

    @Test
    void corruptOrTruncatedFilesFailWithModelLoadException() throws Exception {
        Path garbage = Files.write(this.dir.resolve("garbage.onnx"), "this is not a model".getBytes());
        assertThatThrownBy(() -> ModelSession.open("bad/1", garbage, SessionConfig.ofDefaults()))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("could not open garbage.onnx");
        byte[] model = ModelGenerators.toyTextEncoder(64, 8, 1);
        Path truncated = Files.write(this.dir.resolve("truncated.onnx"), Arrays.copyOf(model, model.length / 2));
        assertThatThrownBy(() -> ModelSession.open("bad/2", truncated, SessionConfig.ofDefaults()))
            .isInstanceOf(ModelLoadException.class);
        assertThatThrownBy(() -> ModelSession.open("bad/3", this.dir.resolve("missing.onnx"), SessionConfig.ofDefaults()))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("does not exist");
    }

    @Test
    void configRejectsNonsenseWithTheFieldName() {
        assertThatThrownBy(() -> SessionConfig.builder().intraOpThreads(-1))
            .hasMessageContaining("intraOpThreads must be between 0");
        assertThatThrownBy(() -> SessionConfig.builder().executionProviders(java.util.List.of()))
            .hasMessageContaining("executionProviders");
    }
}
