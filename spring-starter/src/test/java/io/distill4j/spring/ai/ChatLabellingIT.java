package io.distill4j.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.InferenceFailedException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingRequest;
import io.distill4j.api.labelling.TargetSource;
import io.distill4j.pipeline.labelling.ExchangeJournal;
import io.distill4j.pipeline.labelling.Labeller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.labelling.LabellingOutcome;
import io.distill4j.spring.testing.ScriptedChatServer;
import tools.jackson.databind.JsonNode;

/**
 * Spring AI's real OpenAI client, over real HTTP, as a labelling model: against a scripted chat-completions
 * server on loopback (a stand-in for a remote LLM; its answers are scripted, not generated), answers are parsed
 * into distributions, errors are typed for retries, and — through the distiller's labeller and journal — 429s
 * and 500s are retried, a second run sends no request, a run stopped half-way resumes without asking again,
 * and the budget stops the asking cleanly.
 */
class ChatLabellingIT {

    private static final LabelSet TOPICS = LabelSet.of("card", "transfer", "exchange");

    private static final LabellingLimits FAST = LabellingLimits.builder().concurrency(4)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).build();

    private ScriptedChatServer server;

    private OpenAiChatModel chat;

    private ChatLabellingModel model;

    @BeforeEach
    void start() throws Exception {
        this.server = ScriptedChatServer.start();
        this.server.answers = ChatLabellingIT::byKeyword;
        // No retries inside the OpenAI SDK: the distiller's labeller owns them, and the tests count requests.
        this.chat = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl(this.server.baseUrl()).apiKey("test-key").model("scripted-model").maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build()).build();
        this.model = new ChatLabellingModel("openAiChatModel", this.chat, true);
    }

    @AfterEach
    void stop() {
        this.server.close();
    }

    /** The label whose name the text (the prompt's last line before the answer instructions) holds. */
    private static String byKeyword(String prompt) {
        String text = prompt.substring(prompt.lastIndexOf("Text:\n") + 6).toLowerCase(Locale.ROOT);
        for (String label : List.of("card", "transfer")) {
            if (text.contains(label)) {
                return "{\"label\": \"" + label + "\"}";
            }
        }
        return "{\"label\": \"exchange\"}";
    }

    private static List<String> texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(switch (i % 3) {
                case 0 -> "my card number " + i + " was declined";
                case 1 -> "the transfer " + i + " has not arrived";
                default -> "what rate do you give for yen, case " + i;
            });
        }
        return texts;
    }

    @Test
    void anAnswerBecomesADistributionAndTheRequestAsksForTheLabelSetsSchema() {
        LabelledText answer = this.model.label(LabellingRequest.of("my card was declined", TOPICS,
                LabellingOptions.ofDefaults())).texts().get(0);
        assertThat(answer.source()).isEqualTo(TargetSource.SINGLE_ANSWER);
        assertThat(answer.probabilities()).containsExactly(1.0, 0.0, 0.0);
        assertThat(answer.usage().requests()).isEqualTo(1);
        assertThat(answer.usage().promptTokens()).isPositive();
        assertThat(this.model.id()).isEqualTo("openAiChatModel:OpenAiChatModel:scripted-model:schema");

        JsonNode sent = this.server.bodies.get(0);
        assertThat(sent.path("model").asString()).isEqualTo("scripted-model");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.0);
        assertThat(sent.path("response_format").path("type").asString()).isEqualTo("json_schema");
        assertThat(sent.path("response_format").toString()).contains("\"enum\":[\"card\",\"transfer\",\"exchange\"]");
        assertThat(sent.path("messages").get(0).path("content").toString()).contains("- card\\n- transfer");
    }

    @Test
    void logProbabilitiesOfTheLabelTokenBecomeTheDistributionInOneRequest() {
        this.server.labelProbabilities = prompt -> Map.of("card", 0.6, "transfer", 0.3, "exchange", 0.05,
                "other", 0.05);
        try (OpenAiLogProbabilityChat logProbabilities = OpenAiLogProbabilityChat.of(this.chat)) {
            ChatLabellingModel withLogProbabilities = new ChatLabellingModel("openAiChatModel", this.chat, true,
                    logProbabilities);
            LabelledText answer = withLogProbabilities.label(LabellingRequest.of("my card was declined", TOPICS,
                    LabellingOptions.ofDefaults().samples(5).temperature(1.0))).texts().get(0);

            assertThat(answer.source()).isEqualTo(TargetSource.LOG_PROBABILITIES);
            assertThat(answer.probabilities().stream().mapToDouble(Double::doubleValue).toArray())
                    .containsExactly(new double[] { 0.6 / 0.95, 0.3 / 0.95, 0.05 / 0.95 }, within(1e-9));
            assertThat(answer.usage().requests()).as("one request, not five samples").isEqualTo(1);
            assertThat(withLogProbabilities.id()).isEqualTo("openAiChatModel:OpenAiChatModel:scripted-model:schema:logprobs");
            JsonNode sent = this.server.bodies.get(0);
            assertThat(sent.path("logprobs").asBoolean()).isTrue();
            assertThat(sent.path("top_logprobs").asInt()).isEqualTo(20);
            assertThat(sent.path("model").asString()).isEqualTo("scripted-model");
            assertThat(sent.path("temperature").asDouble()).isEqualTo(1.0);
            assertThat(sent.path("response_format").toString()).contains("\"enum\":[\"card\",\"transfer\",\"exchange\"]");
        }
    }

    @Test
    void withoutLogProbabilitiesFromTheServerTheAnswersAreSampled() {
        try (OpenAiLogProbabilityChat logProbabilities = OpenAiLogProbabilityChat.of(this.chat)) {
            ChatLabellingModel withLogProbabilities = new ChatLabellingModel("openAiChatModel", this.chat, true,
                    logProbabilities);
            LabelledText answer = withLogProbabilities.label(LabellingRequest.of("my card was declined", TOPICS,
                    LabellingOptions.ofDefaults().samples(3).temperature(1.0))).texts().get(0);

            assertThat(answer.source()).isEqualTo(TargetSource.SAMPLES);
            assertThat(answer.probabilities()).containsExactly(1.0, 0.0, 0.0);
            assertThat(this.server.requests.get()).isEqualTo(3);
        }
    }

    @Test
    void optionsThatDoNotAskForLogProbabilitiesGoThroughTheChatModel() {
        this.server.labelProbabilities = prompt -> Map.of("card", 0.6, "transfer", 0.4);
        try (OpenAiLogProbabilityChat logProbabilities = OpenAiLogProbabilityChat.of(this.chat)) {
            LabelledText answer = new ChatLabellingModel("openAiChatModel", this.chat, true, logProbabilities)
                    .label(LabellingRequest.of("my card was declined", TOPICS,
                            LabellingOptions.ofDefaults().logProbabilities(false))).texts().get(0);

            assertThat(answer.source()).isEqualTo(TargetSource.SINGLE_ANSWER);
            assertThat(this.server.bodies.get(0).has("logprobs")).isFalse();
        }
    }

    @Test
    void anOutOfSetAnswerWithLogProbabilitiesIsFollowedUp() {
        AtomicInteger calls = new AtomicInteger();
        this.server.labelProbabilities = prompt -> calls.getAndIncrement() == 0 ? Map.of("other", 0.9, "card", 0.1)
                : Map.of("transfer", 0.8, "card", 0.2);
        try (OpenAiLogProbabilityChat logProbabilities = OpenAiLogProbabilityChat.of(this.chat)) {
            LabelledText answer = new ChatLabellingModel("openAiChatModel", this.chat, true, logProbabilities)
                    .label(LabellingRequest.of("money I sent", TOPICS, LabellingOptions.ofDefaults())).texts()
                    .get(0);

            assertThat(answer.source()).isEqualTo(TargetSource.LOG_PROBABILITIES);
            assertThat(answer.outOfSetAnswers()).isEqualTo(1);
            assertThat(answer.probabilities().stream().mapToDouble(Double::doubleValue).toArray())
                    .containsExactly(new double[] { 0.2, 0.8, 0.0 }, within(1e-9));
            assertThat(this.server.bodies.get(1).path("messages")).hasSize(3);
        }
    }

    @Test
    void theLogProbabilityClientClosesOnceAndRefusesAfterwards() {
        OpenAiLogProbabilityChat logProbabilities = OpenAiLogProbabilityChat.of(this.chat);
        logProbabilities.close();
        logProbabilities.close();
        assertThatThrownBy(() -> logProbabilities.complete(List.of(), this.chat.getOptions(), 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void sampledAnswersBecomeTheShareOfEachLabel() {
        AtomicInteger calls = new AtomicInteger();
        this.server.answers = prompt -> calls.getAndIncrement() % 4 == 3 ? "{\"label\": \"transfer\"}"
                : "{\"label\": \"card\"}";
        LabelledText answer = this.model.label(LabellingRequest.of("my card", TOPICS,
                LabellingOptions.ofDefaults().samples(4).temperature(0.8))).texts().get(0);
        assertThat(answer.source()).isEqualTo(TargetSource.SAMPLES);
        assertThat(answer.probabilities()).containsExactly(0.75, 0.25, 0.0);
        assertThat(answer.usage().requests()).isEqualTo(4);
        assertThat(this.server.bodies).allSatisfy(body -> assertThat(body.path("temperature").asDouble())
                .isEqualTo(0.8));
    }

    @Test
    void anAnswerOutsideTheSetIsFollowedUpThenCountedNeverKept() {
        // The first answer of the conversation is out of the set; the follow-up gets a label.
        this.server.answers = message -> message.startsWith("That is not one of the labels") ? "{\"label\": \"card\"}"
                : "Maybe a card?";
        LabelledText fixed = this.model.label(LabellingRequest.of("my card", TOPICS, LabellingOptions.ofDefaults()))
                .texts().get(0);
        assertThat(fixed.answered()).isTrue();
        assertThat(fixed.outOfSetAnswers()).isEqualTo(1);
        assertThat(fixed.probabilities()).containsExactly(1.0, 0.0, 0.0);
        JsonNode followUp = this.server.bodies.get(1).path("messages");
        assertThat(followUp).hasSize(3);
        assertThat(followUp.get(1).path("content").asString()).isEqualTo("Maybe a card?");

        this.server.answers = message -> "I would say shipping.";
        LabelledText hopeless = this.model.label(LabellingRequest.of("a hopeless text", TOPICS,
                LabellingOptions.ofDefaults())).texts().get(0);
        assertThat(hopeless.answered()).isFalse();
        assertThat(hopeless.source()).isEqualTo(TargetSource.NONE);
        assertThat(hopeless.outOfSetAnswers()).isEqualTo(3);
        assertThat(hopeless.usage().requests()).isEqualTo(3);
    }

    @Test
    void rateLimitsAndServerErrorsAreTransientAndARefusedKeyIsNot() {
        this.server.failAll = 429;
        assertThatThrownBy(() -> this.model.label(LabellingRequest.of("card", TOPICS, LabellingOptions.ofDefaults())))
                .isInstanceOfSatisfying(TransientException.class, ex -> assertThat(ex.code())
                        .isEqualTo(ErrorCode.OVERLOADED));
        this.server.failAll = 503;
        assertThatThrownBy(() -> this.model.label(LabellingRequest.of("card", TOPICS, LabellingOptions.ofDefaults())))
                .isInstanceOfSatisfying(TransientException.class, ex -> assertThat(ex.code())
                        .isEqualTo(ErrorCode.UNAVAILABLE));
        this.server.failAll = 401;
        assertThatThrownBy(() -> this.model.label(LabellingRequest.of("card", TOPICS, LabellingOptions.ofDefaults())))
                .isInstanceOf(InferenceFailedException.class).hasMessageContaining("HTTP 401");
    }

    @Test
    void retriesOn429And500AndASecondRunSendsNoRequest(@TempDir Path dir) {
        List<String> texts = texts(12);
        LabellingOptions options = LabellingOptions.ofDefaults();
        for (int i = 0; i < texts.size(); i++) {
            this.server.failFirst.put(LabellingRequest.of(texts.get(i), TOPICS, options).prompt(0),
                    i % 2 == 0 ? List.of(429, 429) : List.of(500));
        }
        LabellingOutcome first = label(dir, texts, LabellingBudget.UNLIMITED, () -> false);
        assertThat(first.answers()).allSatisfy(answer -> assertThat(answer).hasValueSatisfying(
                text -> assertThat(text.answered()).isTrue()));
        assertThat(first.answers().get(0).orElseThrow().probabilities()).containsExactly(1.0, 0.0, 0.0);
        assertThat(first.answers().get(1).orElseThrow().probabilities()).containsExactly(0.0, 1.0, 0.0);
        assertThat(first.retries()).isEqualTo(18);
        assertThat(this.server.requests).hasValue(30);

        LabellingOutcome second = label(dir, texts, LabellingBudget.UNLIMITED, () -> false);
        assertThat(this.server.requests).hasValue(30);
        assertThat(second.fromJournal()).isEqualTo(12);
        assertThat(second.answers()).isEqualTo(first.answers());
    }

    @Test
    void aRunStoppedHalfWayResumesWithoutAskingAnsweredTexts(@TempDir Path dir) {
        this.server.delayMillis = 20;
        List<String> texts = texts(30);
        AtomicInteger answered = new AtomicInteger();
        assertThatThrownBy(() -> {
            try (ExchangeJournal journal = ExchangeJournal.open(dir, this.model.id(), TOPICS,
                    LabellingOptions.ofDefaults())) {
                Labeller.of(this.model, LabellingLimits.builder().concurrency(2).build()).label("job-1", texts, TOPICS,
                        LabellingOptions.ofDefaults(), journal, LabellingBudget.UNLIMITED, () -> answered.get() >= 10,
                        (done, total, spent) -> answered.set(done));
            }
        }).isInstanceOf(DistillationCancelledException.class);
        int sent = this.server.requests.get();
        assertThat(sent).isBetween(10, 14);

        this.server.delayMillis = 0;
        LabellingOutcome resumed = label(dir, texts, LabellingBudget.UNLIMITED, () -> false);
        assertThat(resumed.fromJournal()).isGreaterThanOrEqualTo(10);
        assertThat(resumed.fromJournal() + resumed.asked()).isEqualTo(30);
        assertThat(this.server.requests.get() - sent).isEqualTo(resumed.asked());
    }

    @Test
    void theBudgetStopsTheAskingCleanly(@TempDir Path dir) {
        LabellingOutcome capped = label(dir, texts(20), new LabellingBudget(6, 0), () -> false);
        assertThat(capped.budgetReached()).isTrue();
        assertThat(capped.asked()).isBetween(6, 9);
        assertThat(capped.asked() + capped.notAsked()).isEqualTo(20);
        assertThat(this.server.requests).hasValue(capped.asked());
    }

    private LabellingOutcome label(Path dir, List<String> texts, LabellingBudget budget,
            java.util.function.BooleanSupplier cancelled) {
        try (ExchangeJournal journal = ExchangeJournal.open(dir, this.model.id(), TOPICS, LabellingOptions.ofDefaults())) {
            return Labeller.of(this.model, FAST).label("job-1", texts, TOPICS, LabellingOptions.ofDefaults(), journal,
                    budget, cancelled, (done, total, spent) -> { });
        }
    }
}
