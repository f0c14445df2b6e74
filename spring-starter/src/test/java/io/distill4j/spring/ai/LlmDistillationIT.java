package io.distill4j.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.spring.autoconfigure.ChatLabellingAutoConfiguration;
import io.distill4j.spring.autoconfigure.DistillAutoConfiguration;
import io.distill4j.spring.autoconfigure.InferenceAutoConfiguration;
import io.distill4j.spring.testing.MiniLmRepository;
import io.distill4j.spring.testing.ScriptedChatServer;

/**
 * From unlabelled texts to a served student through a chat model, in a Spring context: a {@link ChatModel} bean
 * (Spring AI's OpenAI client, pointed at a scripted chat-completions server on loopback that stands in for a
 * remote LLM) becomes the distiller's labelling model under its bean name; a spec whose teacher names it
 * distils a student that is registered and served by the engine bean; a second job sends no request.
 */
class LlmDistillationIT {

    private static final String[][] TOPICS = {
        {"card", "my card was declined", "the card machine rejected my card", "I need a replacement card"},
        {"transfer", "my transfer has not arrived", "the bank transfer is still pending", "cancel my transfer"},
        {"exchange", "what exchange rate do you use", "convert euros to pounds", "is there a fee to swap yen"},
    };

    private static final String[] OPENINGS = {"", "Hello,", "Hi there,", "Please help:", "Quick question:"};

    private static final String[] CLOSINGS = {"", "Thanks.", "What should I do?", "Can you check?", "Any idea?"};

    @Test
    void unlabelledTextsBecomeAServedStudentThroughAChatModelBean(@TempDir Path dir) throws Exception {
        Path repository = Files.createDirectories(dir.resolve("models"));
        Path tokenizer = dir.resolve("tokenizer.json");
        MiniLmRepository.copy("/all-minilm-l6-v2-tokenizer.json", tokenizer);
        Path train = write(dir.resolve("tickets.csv"), 45, 1, false);
        Path test = write(dir.resolve("tickets-test.csv"), 10, 2, true);
        try (ScriptedChatServer server = ScriptedChatServer.start()) {
            server.answers = LlmDistillationIT::answer;
            new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class,
                        ChatLabellingAutoConfiguration.class, DistillAutoConfiguration.class))
                .withBean("supportLlm", ChatModel.class, () -> OpenAiChatModel.builder().options(OpenAiChatOptions
                        .builder().baseUrl(server.baseUrl()).apiKey("test-key").model("scripted-model").maxRetries(0)
                        .build()).build())
                .withPropertyValues("distill4j.inference.model-repository=" + repository,
                        "distill4j.distill.work-directory=" + dir.resolve("work"), "distill4j.distill.max-epochs=3",
                        "distill4j.distill.labelling.concurrency=4")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PipelineDistiller.class).config().labellingModels())
                            .containsOnlyKeys("supportLlm");
                    assertThat(context.getBean(PipelineDistiller.class).config().labellingModels().get("supportLlm")
                            .id()).as("an OpenAI model reads log-probabilities").endsWith(":logprobs");
                    Distiller distiller = context.getBean(Distiller.class);
                    DistillationSpec spec = DistillationSpec.builder().name("tickets")
                            .teacher(TeacherSpec.llm("supportLlm", LabelSet.of(List.of(
                                    LabelDefinition.of("card", "a payment card problem"),
                                    LabelDefinition.of("transfer", "a money transfer problem"),
                                    LabelDefinition.of("exchange", "currency exchange questions"))), tokenizer))
                            .data(DataSpec.csv(train).unlabeled().test(test))
                            .budget(Budget.of(Duration.ofMinutes(10), 2)).register("tickets-student").build();

                    DistillationResult result = distiller.distill(spec);
                    int requests = server.requests.get();
                    assertThat(requests).isPositive();
                    assertThat(result.teacher().metric()).isEqualTo(1.0);
                    assertThat(result.studentInt8().metric()).isGreaterThan(0.6);
                    assertThat(result.registeredModel()).contains("tickets-student");

                    InferenceEngine engine = context.getBean(InferenceEngine.class);
                    engine.load("tickets-student");
                    assertThat(engine.classify("tickets-student", List.of("Hi there, my card was declined"), 1).get(0)
                            .top().get(0).label()).isEqualTo("card");

                    DistillationResult again = distiller.distill(spec);
                    assertThat(server.requests).hasValue(requests);
                    assertThat(again.teacher().metric()).isEqualTo(1.0);
                });
        }
    }

    /** The topic whose phrase the text holds: the stand-in answers as a perfect labeller would. */
    private static String answer(String prompt) {
        String text = prompt.substring(prompt.lastIndexOf("Text:\n") + 6).toLowerCase(Locale.ROOT);
        for (String[] topic : TOPICS) {
            for (int i = 1; i < topic.length; i++) {
                if (text.contains(topic[i].toLowerCase(Locale.ROOT))) {
                    return "{\"label\": \"" + topic[0] + "\"}";
                }
            }
        }
        return "I cannot tell.";
    }

    private static Path write(Path file, int perTopic, long seed, boolean labelled) throws Exception {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add(labelled ? "text,label" : "text");
        for (int i = 0; i < perTopic; i++) {
            for (String[] topic : TOPICS) {
                String text = (OPENINGS[random.nextInt(OPENINGS.length)] + " "
                        + topic[1 + random.nextInt(topic.length - 1)] + " "
                        + CLOSINGS[random.nextInt(CLOSINGS.length)]).strip();
                lines.add("\"" + text + "\"" + (labelled ? "," + topic[0] : ""));
            }
        }
        Files.write(file, lines);
        return file;
    }
}
