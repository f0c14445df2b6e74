package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;

import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkTeacherTests {

    @TempDir
    Path work;

    @Test
    void withoutFlagsTheTeacherIsMiniLmWithAFittedHeadAndResultFilesKeepTheirNames() {
        BenchmarkTeacher teacher = BenchmarkTeacher.parse(Flags.parse("usage"));

        assertThat(teacher.encoder()).isEqualTo(BenchmarkTeacher.Encoder.MINILM);
        assertThat(teacher.fineTuned()).isFalse();
        assertThat(teacher.label()).isEmpty();
        TeacherSpec spec = teacher.spec(this.work);
        assertThat(spec).isInstanceOfSatisfying(TeacherSpec.OnnxEncoder.class, encoder -> {
            assertThat(encoder.pooling()).isEqualTo(Pooling.MEAN);
            assertThat(encoder.fineTuningPolicy()).as("the baseline never probes").isEqualTo(FineTuningPolicy.NEVER);
            assertThat(encoder.model()).isRegularFile().hasFileName("all-minilm-l6-v2.onnx");
        });
    }

    @Test
    void aChineseEncoderFineTunedWithTheGivenSettingsIsClsPooledAndNamesItsResultFiles() {
        BenchmarkTeacher teacher = BenchmarkTeacher.parse(Flags.parse("usage", "--encoder", "bge-small-zh", "--teacher",
                "fine-tuned", "--fine-tune-epochs", "2", "--fine-tune-lr", "3e-5", "--fine-tune-length", "96",
                "--layer-decay", "0.9"));

        assertThat(teacher.label()).isEqualTo("-bge-small-zh-fine-tuned");
        assertThat(teacher.spec(this.work)).isInstanceOfSatisfying(TeacherSpec.FineTuned.class, fineTuned -> {
            assertThat(((TeacherSpec.OnnxEncoder) fineTuned.base()).pooling()).isEqualTo(Pooling.CLS);
            assertThat(((TeacherSpec.OnnxEncoder) fineTuned.base()).model()).hasFileName("bge-small-zh-v1.5.onnx");
            assertThat(fineTuned.settings().epochs()).isEqualTo(2);
            assertThat(fineTuned.settings().learningRate()).isEqualTo(3e-5);
            assertThat(fineTuned.settings().maxSequenceLength()).hasValue(96);
            assertThat(fineTuned.settings().layerDecay()).isEqualTo(0.9);
        });
    }

    @Test
    void anUnknownEncoderOrTeacherIsRefusedNamingTheFlag() {
        assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkTeacher.parse(Flags.parse("usage", "--encoder",
                "bert-base"))).withMessageContaining("--encoder").withMessageContaining("bert-base");
        assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkTeacher.parse(Flags.parse("usage", "--teacher",
                "llm"))).withMessageContaining("--teacher must be frozen, auto or fine-tuned");
    }

    @Test
    void theAutoTeacherIsTheProductsDefaultPolicy() {
        BenchmarkTeacher teacher = BenchmarkTeacher.parse(Flags.parse("usage", "--teacher", "auto"));

        assertThat(teacher.label()).isEqualTo("-minilm-auto");
        assertThat(((TeacherSpec.OnnxEncoder) teacher.spec(this.work)).fineTuningPolicy())
                .isEqualTo(FineTuningPolicy.AUTO);
    }
}
