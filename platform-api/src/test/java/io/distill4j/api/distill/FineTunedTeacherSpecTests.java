package io.distill4j.api.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** The fine-tuned teacher's spec: its base, its settings and their limits, and the tasks it teaches. */
class FineTunedTeacherSpecTests {

    private static final TeacherSpec.OnnxEncoder MINILM = TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"),
            Path.of("minilm/tokenizer.json"));

    @Test
    void defaultsAreTheUsualBertFineTuningRecipe() {
        FineTuning settings = TeacherSpec.fineTuned(MINILM).settings();
        assertThat(settings).isEqualTo(FineTuning.ofDefaults());
        assertThat(settings.epochs()).isEqualTo(3);
        assertThat(settings.learningRate()).isEqualTo(5e-5);
        assertThat(settings.batchSize()).isEqualTo(32);
        assertThat(settings.warmupShare()).isEqualTo(0.1);
        assertThat(settings.weightDecay()).isEqualTo(0.01);
        assertThat(settings.clipGradient()).isEqualTo(1.0);
        assertThat(settings.layerDecay()).isEqualTo(1.0);
        assertThat(settings.patience()).isEqualTo(1);
        assertThat(settings.maxSequenceLength()).isEqualTo(OptionalInt.empty());
        assertThat(settings.dropout()).isEqualTo(0.1);
        assertThat(settings.seed()).isEqualTo(OptionalLong.empty());
    }

    @Test
    void anEncoderFileOrARepositoryModelCanBeFineTunedAndTheNameSaysSo() {
        assertThat(TeacherSpec.fineTuned(MINILM).name()).isEqualTo("minilm-finetuned");
        assertThat(TeacherSpec.fineTuned(TeacherSpec.repositoryModel("bge")).base())
                .isEqualTo(TeacherSpec.repositoryModel("bge"));
        FineTuning settings = FineTuning.builder().epochs(1).seed(7).maxSequenceLength(16).layerDecay(0.9).build();
        assertThat(TeacherSpec.fineTuned(MINILM, settings).settings()).isEqualTo(settings);
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void aFineTunedTeacherIsRegisteredOnlyWhenANameIsGivenAndTheNameMustBeAModelName() {
        TeacherSpec.FineTuned plain = TeacherSpec.fineTuned(TeacherSpec.repositoryModel("minilm"));
        assertThat(plain.register()).isEmpty();
        assertThat(plain.register("topics-teacher").register()).contains("topics-teacher");
        assertThat(plain.register("topics-teacher").settings()).isEqualTo(plain.settings());
        assertThatIllegalArgumentException().isThrownBy(() -> plain.register("a/b"))
                .withMessageContaining("teacher.register must be a valid model name").withMessageContaining("'a/b'");
    }

    @Test
    void anotherKindOfBaseIsRefusedNamingTeacherBase() {
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.fineTuned(TeacherSpec.onnxClassifier(
                Path.of("c.onnx"), Path.of("t.json")))).withMessageStartingWith("teacher.base must be an onnxEncoder");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.fineTuned(TeacherSpec.fineTuned(MINILM)))
                .withMessageContaining("teacher.base").withMessageContaining("FineTuned");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.fineTuned(null))
                .withMessage("teacher.base must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.fineTuned(MINILM, null))
                .withMessage("teacher.fineTuning must not be null");
    }

    @Test
    void everySettingOutOfRangeIsRefusedNamingItAndItsLimit() {
        refused(b -> b.epochs(0), "teacher.fineTuning.epochs must be in [1, 1000], was 0");
        refused(b -> b.learningRate(0), "teacher.fineTuning.learningRate must be in (0, 1], was 0.0");
        refused(b -> b.learningRate(Double.NaN), "teacher.fineTuning.learningRate must be in (0, 1], was NaN");
        refused(b -> b.batchSize(5000), "teacher.fineTuning.batchSize must be in [1, 4096], was 5000");
        refused(b -> b.warmupShare(1), "teacher.fineTuning.warmupShare must be in [0, 1), was 1.0");
        refused(b -> b.weightDecay(-0.1), "teacher.fineTuning.weightDecay must be in [0.0, 1.0], was -0.1");
        refused(b -> b.clipGradient(0), "teacher.fineTuning.clipGradient must be finite and > 0, was 0.0");
        refused(b -> b.clipGradient(Double.POSITIVE_INFINITY), "teacher.fineTuning.clipGradient must be finite");
        refused(b -> b.layerDecay(0), "teacher.fineTuning.layerDecay must be in (0, 1], was 0.0");
        refused(b -> b.layerDecay(1.1), "teacher.fineTuning.layerDecay must be in (0, 1], was 1.1");
        refused(b -> b.patience(0), "teacher.fineTuning.patience must be in [1, 1000], was 0");
        refused(b -> b.maxSequenceLength(4), "teacher.fineTuning.maxSequenceLength must be in [8, 512], was 4");
        refused(b -> b.dropout(1), "teacher.fineTuning.dropout must be in [0, 1), was 1.0");
    }

    @Test
    void aFineTunedTeacherTeachesClassificationOnLabelledDataOnly() {
        DataSpec labelled = DataSpec.csv(Path.of("train.csv"));
        DistillationSpec spec = DistillationSpec.builder().teacher(TeacherSpec.fineTuned(MINILM)).data(labelled).build();
        assertThat(spec.name()).isEqualTo("minilm-finetuned-distill");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder()
                .teacher(TeacherSpec.fineTuned(MINILM)).data(labelled).task(DistillationTask.TEXT_EMBEDDING).build())
                .withMessageContaining("a fine-tuned teacher is a classifier and cannot teach TEXT_EMBEDDING");
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder()
                .teacher(TeacherSpec.fineTuned(MINILM)).data(labelled.unlabeled()).build())
                .withMessageContaining("a fine-tuned teacher needs labelled data");
    }

    private static void refused(Consumer<FineTuning.Builder> change, String message) {
        FineTuning.Builder builder = FineTuning.builder();
        change.accept(builder);
        assertThatIllegalArgumentException().isThrownBy(builder::build).withMessageStartingWith(message);
    }
}
