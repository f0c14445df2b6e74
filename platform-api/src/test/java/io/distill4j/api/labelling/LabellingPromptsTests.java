package io.distill4j.api.labelling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** Prompts made from templates, answers read back into label positions, and the answer schema. */
class LabellingPromptsTests {

    private static final LabelSet LABELS = LabelSet.of(List.of(
            LabelDefinition.of("refund", "asks for money back", List.of("I want my money back")),
            LabelDefinition.of("delivery", "asks where a parcel is"),
            LabelDefinition.of("Card")));

    @Test
    void theDefaultTemplateListsTheLabelsWithDescriptionsTheExamplesAndTheText() {
        String prompt = LabellingPrompts.render(LabellingPrompts.DEFAULT_TEMPLATE, LABELS, "Where is my parcel?");
        assertThat(prompt).contains("- refund: asks for money back\n- delivery: asks where a parcel is\n- Card\n")
                .contains("Examples:\nText: I want my money back\nLabel: refund")
                .contains("Text:\nWhere is my parcel?")
                .contains("{\"label\": \"<label>\"}")
                .doesNotContain("{text}").doesNotContain("{labels}").doesNotContain("{examples}");
    }

    @Test
    void placeholdersInsideTheTextAreNotExpandedAndOtherBracesStay() {
        String prompt = LabellingPrompts.render("Label {text} as one of {labels}; JSON {\"label\": x}",
                LabelSet.of("a", "b"), "a {labels} b");
        assertThat(prompt).isEqualTo("Label a {labels} b as one of - a\n- b; JSON {\"label\": x}");
    }

    @Test
    void withoutExamplesTheExamplesPlaceholderIsEmpty() {
        assertThat(LabellingPrompts.render("{examples}{text}", LabelSet.of("a", "b"), "t")).isEqualTo("t");
    }

    @Test
    void aTemplateWithoutTheTextPlaceholderIsRefusedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> LabellingOptions.ofDefaults().promptTemplate("Label: "))
                .withMessageContaining("options.promptTemplate").withMessageContaining("{text}");
        assertThatIllegalArgumentException().isThrownBy(() -> LabellingOptions.ofDefaults().promptTemplate(" "))
                .withMessageContaining("options.promptTemplate");
    }

    @Test
    void answersAreReadAsJsonFencedJsonOrABareLabel() {
        assertThat(LabellingPrompts.parseAnswer("{\"label\": \"delivery\"}", LABELS)).isEqualTo(OptionalInt.of(1));
        assertThat(LabellingPrompts.parseAnswer("```json\n{ \"label\" : \"refund\" }\n```", LABELS))
                .isEqualTo(OptionalInt.of(0));
        assertThat(LabellingPrompts.parseAnswer("Sure! {\"label\":\"Card\"}", LABELS)).isEqualTo(OptionalInt.of(2));
        assertThat(LabellingPrompts.parseAnswer("  delivery.\n", LABELS)).isEqualTo(OptionalInt.of(1));
        assertThat(LabellingPrompts.parseAnswer("\"refund\"", LABELS)).isEqualTo(OptionalInt.of(0));
        assertThat(LabellingPrompts.parseAnswer("{\"label\": \"ref\\u0075nd\"}", LABELS)).isEqualTo(OptionalInt.of(0));
    }

    @Test
    void caseIsIgnoredOnlyWhenItNamesExactlyOneLabel() {
        assertThat(LabellingPrompts.parseAnswer("card", LABELS)).isEqualTo(OptionalInt.of(2));
        LabelSet twins = LabelSet.of("Yes", "yes", "no");
        assertThat(LabellingPrompts.parseAnswer("YES", twins)).isEmpty();
        assertThat(LabellingPrompts.parseAnswer("yes", twins)).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void anythingElseIsOutOfTheSet() {
        assertThat(LabellingPrompts.parseAnswer("{\"label\": \"shipping\"}", LABELS)).isEmpty();
        assertThat(LabellingPrompts.parseAnswer("{\"category\": \"refund\"}", LABELS)).isEmpty();
        assertThat(LabellingPrompts.parseAnswer("I think it is about a refund.\nrefund", LABELS)).isEmpty();
        assertThat(LabellingPrompts.parseAnswer("", LABELS)).isEmpty();
        assertThat(LabellingPrompts.parseAnswer(null, LABELS)).isEmpty();
    }

    @Test
    void theSchemaEnumeratesTheLabelsEscaped() {
        assertThat(LabellingPrompts.jsonSchema(LabelSet.of("a \"quoted\" one", "b\\c")))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\",\"enum\":["
                        + "\"a \\\"quoted\\\" one\",\"b\\\\c\"]}},\"required\":[\"label\"],\"additionalProperties\":false}");
    }
}
