package io.distill4j.api.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingUsage;

/** The generation values have sane defaults and refuse every bad field, naming it and its limit. */
class GenerationSpecTests {

    private static final LabelSet LABELS = LabelSet.of("refund", "delivery");

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        GenerationSpec spec = GenerationSpec.builder(LABELS).build();
        assertThat(spec.promptTemplate()).isEqualTo(GenerationPrompts.DEFAULT_TEMPLATE);
        assertThat(spec.textsPerLabel()).isEqualTo(100);
        assertThat(spec.textsPerRequest()).isEqualTo(10);
        assertThat(spec.temperature()).isEqualTo(0.9);
        assertThat(spec.maxRounds()).isEqualTo(5);
        assertThat(spec.minLength()).isEqualTo(10);
        assertThat(spec.maxLength()).isEqualTo(1000);
        assertThat(spec.embeddingModel()).contains("all-minilm-l6-v2");
        assertThat(spec.nearDuplicateThreshold()).isEqualTo(0.92);
        assertThat(spec.checkLabels()).isFalse();
        assertThat(spec.budget()).isEqualTo(LabellingBudget.UNLIMITED);
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThat(spec.toBuilder().withoutEmbeddingModel().build().embeddingModel()).isEmpty();
    }

    @Test
    void everyFieldIsCheckedAgainstItsLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).textsPerLabel(0).build())
                .withMessage("generation.textsPerLabel must be in [1, 100000], was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).textsPerRequest(101)
                .build()).withMessage("generation.textsPerRequest must be in [1, 100], was 101");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).temperature(2.1).build())
                .withMessage("generation.temperature must be in [0.0, 2.0], was 2.1");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).temperature(Double.NaN)
                .build()).withMessageContaining("generation.temperature");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).maxRounds(101).build())
                .withMessage("generation.maxRounds must be in [1, 100], was 101");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).lengthBounds(50, 40)
                .build()).withMessage("generation.minLength must be in [1, 40], was 50");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).lengthBounds(0, 40)
                .build()).withMessage("generation.minLength must be in [1, 40], was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).lengthBounds(1, 100_001)
                .build()).withMessage("generation.maxLength must be in [1, 100000], was 100001");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS)
                .nearDuplicateThreshold(0.3).build())
                .withMessage("generation.nearDuplicateThreshold must be in [0.5, 1.0], was 0.3");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).embeddingModel(" "))
                .withMessageContaining("generation.embeddingModel must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS).budget(null).build())
                .withMessage("generation.budget must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(LABELS)
                .promptTemplate("Write {count} texts").build()).withMessageContaining("{label}");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationSpec.builder(null))
                .withMessage("generation.labels must not be null");
    }

    @Test
    void requestsAndResultsRefuseWhatAModelCouldGetWrong() {
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationRequest.of("refund", "p", 0, 0.9))
                .withMessage("request.count must be in [1, 100], was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationRequest.of("refund", " ", 1, 0.9))
                .withMessageContaining("request.prompt must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationResult.of(List.of("a", " "),
                LabellingUsage.ZERO)).withMessageContaining("texts[1] must not be blank");
        assertThat(GenerationResult.of(List.of(), new LabellingUsage(1, 10, 0)).texts()).isEmpty();
    }
}
