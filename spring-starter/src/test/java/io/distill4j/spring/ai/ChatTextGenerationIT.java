package io.distill4j.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.generation.GenerationPrompts;
import io.distill4j.api.generation.GenerationRequest;
import io.distill4j.api.generation.GenerationResult;
import io.distill4j.api.generation.GenerationSpec;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.generation.DataGenerator;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.report.GenerationFigures;
import io.distill4j.pipeline.report.GenerationReport;
import io.distill4j.spring.testing.MiniLmRepository;
import io.distill4j.spring.testing.ScriptedChatServer;
import tools.jackson.databind.JsonNode;

/**
 * Spring AI's real OpenAI client, over real HTTP, as a text-generation model: against a scripted chat-completions
 * server on loopback (a stand-in for a remote LLM; its answers are scripted, not generated), a prompt's answer
 * becomes texts, the request carries the temperature and the answer schema, and — through the pipeline's data
 * generator with all-MiniLM-L6-v2 finding near duplicates and the same client checking labels — a small data set
 * is generated end to end, read back by the data reader, and generated again without a single request.
 */
class ChatTextGenerationIT {

    private static final LabelSet TOPICS = LabelSet.of(List.of(
            LabelDefinition.of("card", "Problems with a payment card", List.of("My card was declined at the shop")),
            LabelDefinition.of("transfer", "Questions about bank transfers")));

    private static final Pattern CLASS = Pattern.compile("class \"([a-z]+)\"");

    private static final Pattern REQUEST = Pattern.compile("This is request (\\d+)");

    private ScriptedChatServer server;

    private OpenAiChatModel chat;

    @BeforeEach
    void start() throws Exception {
        this.server = ScriptedChatServer.start();
        this.server.answers = ChatTextGenerationIT::answer;
        // No retries inside the OpenAI SDK: the tests count requests.
        this.chat = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl(this.server.baseUrl()).apiKey("test-key").model("scripted-model").maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build()).build();
    }

    @AfterEach
    void stop() {
        this.server.close();
    }

    /**
     * Generation prompts get planted texts: request 1 of a label a JSON array with an exact duplicate, a near one
     * and a text of the other label; request 2 a numbered list. Labelling prompts get the label whose name the
     * text holds.
     */
    private static String answer(String prompt) {
        if (prompt.startsWith("Classify the text")) {
            String text = prompt.substring(prompt.lastIndexOf("Text:\n") + 6).toLowerCase(Locale.ROOT);
            return "{\"label\": \"" + (text.contains("transfer") ? "transfer" : "card") + "\"}";
        }
        Matcher label = CLASS.matcher(prompt);
        Matcher request = REQUEST.matcher(prompt);
        if (!label.find() || !request.find()) {
            return "[]";
        }
        String name = label.group(1);
        if (request.group(1).equals("1")) {
            return name.equals("card")
                    ? "```json\n{\"texts\": [\"The card machine rejected my card twice today.\", "
                            + "\"the CARD machine rejected my card  twice today.\", "
                            + "\"The card machine rejected my card twice today!\", "
                            + "\"Why was my transfer to my landlord returned?\"]}\n```"
                    : "[\"How long does an international transfer take?\", "
                            + "\"Can I cancel a transfer I sent this morning?\", "
                            + "\"How long does an international transfer take??\"]";
        }
        return name.equals("card")
                ? "Here are the texts:\n1. I lost my card on the train yesterday.\n2. My new card has not arrived.\n"
                        + "3. The contactless payment on my card stopped working."
                : "1. Why is my transfer still pending?\n2. What is the fee for a transfer abroad?";
    }

    @Test
    void anAnswerBecomesTextsAndTheRequestCarriesTheTemperatureAndTheSchema() {
        ChatTextGenerationModel model = new ChatTextGenerationModel("openAiChatModel", this.chat, true);
        String prompt = GenerationPrompts.render(GenerationPrompts.DEFAULT_TEMPLATE, TOPICS.labels().get(0), 4, 1);
        GenerationResult result = model.generate(GenerationRequest.of("card", prompt, 4, 0.9));

        assertThat(result.texts()).containsExactly("The card machine rejected my card twice today.",
                "the CARD machine rejected my card  twice today.", "The card machine rejected my card twice today!",
                "Why was my transfer to my landlord returned?");
        assertThat(result.usage().requests()).isEqualTo(1);
        assertThat(result.usage().promptTokens()).isPositive();
        assertThat(result.usage().completionTokens()).isPositive();
        assertThat(model.id()).isEqualTo("openAiChatModel:OpenAiChatModel:scripted-model:schema");

        JsonNode sent = this.server.bodies.get(0);
        assertThat(sent.path("model").asString()).isEqualTo("scripted-model");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.9);
        assertThat(sent.path("response_format").path("type").asString()).isEqualTo("json_schema");
        assertThat(sent.path("response_format").toString()).contains("\"texts\"");
        assertThat(sent.path("messages").get(0).path("content").asString()).isEqualTo(prompt);
    }

    @Test
    void withoutTheSchemaANumberedListIsReadAndNoResponseFormatIsSent() {
        ChatTextGenerationModel model = new ChatTextGenerationModel("openAiChatModel", this.chat, false);
        String prompt = GenerationPrompts.render(GenerationPrompts.DEFAULT_TEMPLATE, TOPICS.labels().get(1), 2, 2);
        GenerationResult result = model.generate(GenerationRequest.of("transfer", prompt, 2, 1.2));
        assertThat(result.texts()).containsExactly("Why is my transfer still pending?",
                "What is the fee for a transfer abroad?");
        assertThat(this.server.bodies.get(0).has("response_format")).isFalse();
        assertThat(this.server.bodies.get(0).path("temperature").asDouble()).isEqualTo(1.2);
        assertThat(model.id()).isEqualTo("openAiChatModel:OpenAiChatModel:scripted-model");
    }

    @Test
    void aRefusedKeyIsAFailureOfThisModel() {
        this.server.failAll = 401;
        ChatTextGenerationModel model = new ChatTextGenerationModel("openAiChatModel", this.chat, true);
        assertThatThrownBy(() -> model.generate(GenerationRequest.of("card", "Write {label} texts", 2, 0.9)))
                .isInstanceOfSatisfying(InferenceFailedException.class, ex -> assertThat(ex.subject())
                        .contains(model.id()));
    }

    @Test
    void rateLimitsAndServerErrorsAreTransientForTheGeneratorToRetry() {
        ChatTextGenerationModel model = new ChatTextGenerationModel("openAiChatModel", this.chat, true);
        this.server.failAll = 429;
        assertThatThrownBy(() -> model.generate(GenerationRequest.of("card", "Write {label} texts", 2, 0.9)))
                .isInstanceOfSatisfying(TransientException.class, ex -> assertThat(ex.code())
                        .isEqualTo(ErrorCode.OVERLOADED));
        this.server.failAll = 503;
        assertThatThrownBy(() -> model.generate(GenerationRequest.of("card", "Write {label} texts", 2, 0.9)))
                .isInstanceOfSatisfying(TransientException.class, ex -> assertThat(ex.code())
                        .isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void aSmallDataSetIsGeneratedEndToEndAndASecondRunSendsNoRequest(@TempDir Path dir) throws Exception {
        MiniLmRepository.install(dir.resolve("models"), GenerationSpec.DEFAULT_EMBEDDING_MODEL, 1);
        GenerationSpec spec = GenerationSpec.builder(TOPICS).textsPerLabel(3).textsPerRequest(4).checkLabels(true)
                .build();
        Path output = dir.resolve("generated.jsonl");
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("models")).build())) {
            DataGenerator generator = DataGenerator.builder(new ChatTextGenerationModel("openAiChatModel", this.chat,
                    true)).engine(engine).labelChecker(new ChatLabellingModel("openAiChatModel", this.chat, true))
                    .limits(LabellingLimits.builder().concurrency(4).build()).build();
            GenerationReport report = generator.generate("gen-1", spec, dir.resolve("journal"), output, () -> false,
                    (round, kept, target, spent) -> { });

            GenerationFigures card = report.labels().get(0);
            assertThat(card.exactDuplicates()).isEqualTo(1);
            assertThat(card.nearDuplicates()).isEqualTo(1);
            assertThat(card.inconsistent()).isEqualTo(1);
            assertThat(card.kept()).isEqualTo(3);
            GenerationFigures transfer = report.labels().get(1);
            assertThat(transfer.nearDuplicates()).isEqualTo(1);
            assertThat(transfer.kept()).isEqualTo(3);
            assertThat(report.rounds()).isEqualTo(2);
            assertThat(report.total().diversity().meanPairwiseDistance()).isBetween(0.2, 1.0);
            assertThat(report.spent().requests()).isEqualTo(this.server.requests.get());

            TextDataset read = DatasetReader.builder().build().read(output);
            assertThat(read.examples()).extracting(TextExample::text).containsExactly(
                    "The card machine rejected my card twice today.", "I lost my card on the train yesterday.",
                    "My new card has not arrived.", "How long does an international transfer take?",
                    "Can I cancel a transfer I sent this morning?", "Why is my transfer still pending?");
            assertThat(read.labelCounts()).containsEntry("card", 3L).containsEntry("transfer", 3L);

            int sent = this.server.requests.get();
            GenerationReport again = generator.generate("gen-2", spec, dir.resolve("journal"),
                    dir.resolve("again.jsonl"), () -> false, (round, kept, target, spent) -> { });
            assertThat(this.server.requests).hasValue(sent);
            assertThat(again.spent()).isEqualTo(LabellingUsage.ZERO);
            assertThat(dir.resolve("again.jsonl")).hasSameTextualContentAs(output);
        }
    }
}
