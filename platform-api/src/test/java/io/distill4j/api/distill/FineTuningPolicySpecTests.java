package io.distill4j.api.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The encoder teachers' fine-tuning policy: AUTO by default, set by a wither, refused where it contradicts. */
class FineTuningPolicySpecTests {

    private static final Path MODEL = Path.of("minilm/model.onnx");

    private static final Path TOKENIZER = Path.of("minilm/tokenizer.json");

    @Test
    void everyEncoderFactoryDefaultsToAuto() {
        assertThat(TeacherSpec.onnxEncoder(MODEL, TOKENIZER).fineTuningPolicy()).isEqualTo(FineTuningPolicy.AUTO);
        assertThat(TeacherSpec.onnxEncoder(MODEL, TOKENIZER, Pooling.CLS).fineTuningPolicy())
                .isEqualTo(FineTuningPolicy.AUTO);
        assertThat(new TeacherSpec.OnnxEncoder(MODEL, TOKENIZER, Pooling.MEAN).fineTuningPolicy())
                .isEqualTo(FineTuningPolicy.AUTO);
        assertThat(TeacherSpec.repositoryModel("minilm").fineTuningPolicy()).isEqualTo(FineTuningPolicy.AUTO);
        assertThat(TeacherSpec.repositoryModel("minilm", 2).fineTuningPolicy()).isEqualTo(FineTuningPolicy.AUTO);
        assertThat(new TeacherSpec.RepositoryModel("minilm", OptionalLong.empty()).fineTuningPolicy())
                .isEqualTo(FineTuningPolicy.AUTO);
    }

    @Test
    void theWitherChangesOnlyThePolicy() {
        TeacherSpec.OnnxEncoder never = TeacherSpec.onnxEncoder(MODEL, TOKENIZER, Pooling.CLS)
                .fineTuningPolicy(FineTuningPolicy.NEVER);
        assertThat(never).isEqualTo(new TeacherSpec.OnnxEncoder(MODEL, TOKENIZER, Pooling.CLS, FineTuningPolicy.NEVER));
        TeacherSpec.RepositoryModel model = TeacherSpec.repositoryModel("minilm", 3)
                .fineTuningPolicy(FineTuningPolicy.NEVER);
        assertThat(model.version()).hasValue(3);
        assertThat(model.fineTuningPolicy()).isEqualTo(FineTuningPolicy.NEVER);
        assertThat(model.fineTuningPolicy(FineTuningPolicy.AUTO)).isEqualTo(TeacherSpec.repositoryModel("minilm", 3));
    }

    @Test
    void aMissingPolicyIsRefusedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.onnxEncoder(MODEL, TOKENIZER)
                .fineTuningPolicy(null)).withMessage("teacher.fineTuningPolicy must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.repositoryModel("minilm")
                .fineTuningPolicy(null)).withMessage("teacher.fineTuningPolicy must not be null");
    }

    @Test
    void aFineTunedTeacherRefusesABaseThatMayNeverBeFineTuned() {
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.fineTuned(TeacherSpec.onnxEncoder(MODEL,
                TOKENIZER).fineTuningPolicy(FineTuningPolicy.NEVER)))
                .withMessageStartingWith("teacher.base.fineTuningPolicy must be AUTO");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.fineTuned(TeacherSpec.repositoryModel(
                "minilm").fineTuningPolicy(FineTuningPolicy.NEVER))).withMessageContaining("was NEVER");
        assertThat(TeacherSpec.fineTuned(TeacherSpec.onnxEncoder(MODEL, TOKENIZER)).base())
                .isEqualTo(TeacherSpec.onnxEncoder(MODEL, TOKENIZER));
    }
}
