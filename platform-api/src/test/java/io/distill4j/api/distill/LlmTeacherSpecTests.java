package io.distill4j.api.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;

/** A labelling-model (LLM) teacher's spec: defaults, limits, name, and the one task it teaches. */
class LlmTeacherSpecTests {

    private static final Path TOKENIZER = Path.of("minilm/tokenizer.json");

    @Test
    void defaultsAskOnceAtTemperatureZeroWithSmoothingAndNoBudget() {
        TeacherSpec.Llm llm = TeacherSpec.llm("openAiChatModel", LabelSet.of("pos", "neg"), TOKENIZER);
        assertThat(llm.options()).isEqualTo(LabellingOptions.ofDefaults());
        assertThat(llm.labelSmoothing()).isEqualTo(0.1);
        assertThat(llm.budget()).isEqualTo(LabellingBudget.UNLIMITED);
        assertThat(llm.name()).isEqualTo("llm-openAiChatModel");
        assertThat(TeacherSpec.llm(" ", LabelSet.of("pos", "neg"), TOKENIZER).name()).isEqualTo("llm");
        assertThat(TeacherSpec.llm("ollama/llama3:8b", LabelSet.of("pos", "neg"), TOKENIZER).name())
                .isEqualTo("llm-ollama-llama3-8b");
    }

    @Test
    void anEncoderThatCanLearnLabelsMayTakeTheAnswers() {
        TeacherSpec.Llm llm = TeacherSpec.llm("", LabelSet.of("pos", "neg"), TOKENIZER);
        assertThat(llm.encoder()).isEmpty();
        TeacherSpec.OnnxEncoder encoder = TeacherSpec.onnxEncoder(Path.of("encoder.onnx"), TOKENIZER);
        assertThat(llm.encoder(encoder).encoder()).contains(encoder);
        assertThat(llm.encoder(encoder).budget(new LabellingBudget(10, 0)).encoder()).contains(encoder);
        assertThat(llm.encoder(TeacherSpec.repositoryModel("minilm")).encoder()).isPresent();
        assertThat(llm.encoder(TeacherSpec.fineTuned(encoder)).encoder()).isPresent();
        assertThatIllegalArgumentException().isThrownBy(() -> llm.encoder(llm))
                .withMessageContaining("teacher.encoder must be");
        assertThatIllegalArgumentException().isThrownBy(() -> llm.encoder(TeacherSpec.onnxClassifier(
                Path.of("classifier.onnx"), TOKENIZER))).withMessageContaining("teacher.encoder must be");
    }

    @Test
    void limitsNameTheField() {
        TeacherSpec.Llm llm = TeacherSpec.llm("", LabelSet.of("pos", "neg"), TOKENIZER);
        assertThatIllegalArgumentException().isThrownBy(() -> llm.labelSmoothing(0.6))
                .withMessageContaining("teacher.labelSmoothing must be in [0.0, 0.5], was 0.6");
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherSpec.llm("m", LabelSet.of("a", "b"), null))
                .withMessageContaining("teacher.tokenizer");
        assertThat(llm.budget(new LabellingBudget(100, 0)).budget().maxRequests()).isEqualTo(100);
    }

    @Test
    void itTeachesClassificationOnUnlabelledData() {
        Path train = Path.of("tickets.csv");
        DistillationSpec spec = DistillationSpec.builder()
                .teacher(TeacherSpec.llm("", LabelSet.of("pos", "neg"), TOKENIZER))
                .data(DataSpec.csv(train).unlabeled()).build();
        assertThat(spec.task()).isEqualTo(DistillationTask.TEXT_CLASSIFICATION);
        assertThatIllegalArgumentException().isThrownBy(() -> DistillationSpec.builder()
                .teacher(TeacherSpec.llm("", LabelSet.of("pos", "neg"), TOKENIZER))
                .data(DataSpec.csv(train)).task(DistillationTask.TEXT_EMBEDDING).build())
                .withMessageContaining("cannot teach TEXT_EMBEDDING");
    }
}
