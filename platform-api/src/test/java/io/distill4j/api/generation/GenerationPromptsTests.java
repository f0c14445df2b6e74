package io.distill4j.api.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.distill4j.api.labelling.LabelDefinition;

/** Prompts are made the same way every time, and answers in the shapes models give are read into texts. */
class GenerationPromptsTests {

    private static final LabelDefinition REFUND = LabelDefinition.of("refund", "The customer wants money back",
            List.of("I want my money back for order 12", "Please refund\nthe second payment"));

    @Test
    void theDefaultTemplateNamesTheLabelItsMeaningTheExamplesTheCountAndTheRequest() {
        String prompt = GenerationPrompts.render(GenerationPrompts.DEFAULT_TEMPLATE, REFUND, 10, 3);
        assertThat(prompt).contains("Write 10 new texts", "class \"refund\": The customer wants money back",
                "Examples of the style to follow:\n- I want my money back for order 12\n"
                        + "- Please refund the second payment\n",
                "This is request 3 for this class", "JSON array of 10 strings").doesNotContain("{");
        assertThat(GenerationPrompts.render(GenerationPrompts.DEFAULT_TEMPLATE, REFUND, 10, 4)).isNotEqualTo(prompt);
        assertThat(GenerationPrompts.render(GenerationPrompts.DEFAULT_TEMPLATE, REFUND, 10, 3)).isEqualTo(prompt);
    }

    @Test
    void aLabelWithoutDescriptionOrExamplesIsDescribedByItsName() {
        String prompt = GenerationPrompts.render("{label}|{description}|{examples}|{count}|{request}",
                LabelDefinition.of("delivery"), 5, 1);
        assertThat(prompt).isEqualTo("delivery|delivery||5|1");
    }

    @Test
    void placeholdersInsideDescriptionsAndExamplesAreNotExpandedAndOtherBracesAreKept() {
        LabelDefinition tricky = LabelDefinition.of("x", "about {label}", List.of("use {count} braces"));
        assertThat(GenerationPrompts.render("{\"texts\": []} {description} {examples} {label} {request}", tricky, 2, 1))
                .isEqualTo("{\"texts\": []} about {label} \nExamples of the style to follow:\n"
                        + "- use {count} braces\n x 1");
    }

    @Test
    void aTemplateNeedsTheLabelAndTheRequestNumber() {
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationPrompts.checkTemplate("Write {count} texts "
                + "for request {request}")).withMessageContaining("generation.promptTemplate must hold the placeholder "
                        + "{label}");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationPrompts.checkTemplate("Texts of {label}"))
                .withMessageContaining("{request}");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationPrompts.checkTemplate(" "))
                .withMessageContaining("generation.promptTemplate must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationPrompts.checkTemplate("{label}{request}"
                + "x".repeat(GenerationPrompts.MAX_TEMPLATE_LENGTH))).withMessageContaining("at most 20000 characters");
    }

    @Test
    void aJsonArrayOfStringsIsReadWithItsEscapes() {
        assertThat(GenerationPrompts.parseTexts("[\"I want a refund\", \"Where is my \\\"parcel\\\"?\", "
                + "\"caf\\u00e9 bill\\nline two\", \"  padded  \"]"))
                .containsExactly("I want a refund", "Where is my \"parcel\"?", "café bill\nline two", "padded");
    }

    @Test
    void aJsonArrayIsFoundInACodeFenceInAnObjectOrAfterAPreamble() {
        assertThat(GenerationPrompts.parseTexts("```json\n[\"a text\", \"b text\"]\n```")).containsExactly("a text",
                "b text");
        assertThat(GenerationPrompts.parseTexts("{\"texts\": [\"a text\", \"b text\"]}")).containsExactly("a text",
                "b text");
        assertThat(GenerationPrompts.parseTexts("Here are [2] texts: [\"a [text]\", \"b\"]"))
                .containsExactly("a [text]", "b");
    }

    @Test
    void blankStringsInTheArrayAreDroppedAndAnEmptyArrayIsNoTexts() {
        assertThat(GenerationPrompts.parseTexts("[\"a\", \" \", \"\", \"b\"]")).containsExactly("a", "b");
        assertThat(GenerationPrompts.parseTexts("[]")).isEmpty();
        assertThat(GenerationPrompts.parseTexts(null)).isEmpty();
        assertThat(GenerationPrompts.parseTexts("  \n ")).isEmpty();
    }

    @Test
    void numberedOrBulletedLinesAreTheFallbackAndAPreambleIsNotAText() {
        assertThat(GenerationPrompts.parseTexts("""
                Here are three texts:
                1. I want my money back.
                2) "Refund the double charge, please"
                (3) Can I return this and get paid back?

                Hope this helps!""")).containsExactly("I want my money back.", "Refund the double charge, please",
                        "Can I return this and get paid back?");
        assertThat(GenerationPrompts.parseTexts("- first text\n* second text\n\u2022 third text\n+ fourth text"))
                .containsExactly("first text", "second text", "third text", "fourth text");
    }

    @Test
    void unmarkedLinesAreTextsExceptFencesAndLinesEndingInAColon() {
        assertThat(GenerationPrompts.parseTexts("Sure, the texts:\n```\nI was charged twice\n\u201cWhere is my "
                + "refund?\u201d\n```")).containsExactly("I was charged twice", "Where is my refund?");
    }

    @Test
    void aBrokenJsonArrayFallsBackToItsLines() {
        assertThat(GenerationPrompts.parseTexts("[\n\"one text\",\n\"two text\",\n\"three")).containsExactly(
                "one text", "two text", "\"three");
        assertThat(GenerationPrompts.parseTexts("1. charged [twice] for one order\n2. a second text"))
                .containsExactly("charged [twice] for one order", "a second text");
    }

    @Test
    void theSchemaAsksForAnObjectWithAnArrayOfStrings() {
        assertThat(GenerationPrompts.jsonSchema()).contains("\"texts\":{\"type\":\"array\",\"items\":{\"type\":"
                + "\"string\"}}", "\"required\":[\"texts\"]");
        assertThat(GenerationPrompts.parseTexts("{\"texts\":[\"x y\"]}")).containsExactly("x y");
    }
}
