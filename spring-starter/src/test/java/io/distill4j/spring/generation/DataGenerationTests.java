package io.distill4j.spring.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.api.generation.GenerationSpec;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.pipeline.report.GenerationReport;
import io.distill4j.pipeline.report.GenerationReportWriter;
import io.distill4j.spring.autoconfigure.ChatLabellingAutoConfiguration;
import io.distill4j.spring.autoconfigure.DistillAutoConfiguration;

/**
 * The starter's {@link DataGeneration} bean with a {@code ChatModel} bean: the chat model both writes the texts
 * and checks their labels, by its bean name; the report lands next to the data set. The chat model is an
 * in-process stand-in (numbered texts, a keyword labeller), not a language model.
 */
class DataGenerationTests {

    @Test
    void aChatModelBeanGeneratesALabelledDataSetByItsBeanName(@TempDir Path dir) {
        AtomicInteger requests = new AtomicInteger();
        ChatModel standIn = prompt -> answer(prompt, requests);
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ChatLabellingAutoConfiguration.class,
                    DistillAutoConfiguration.class))
            .withBean("supportLlm", ChatModel.class, () -> standIn)
            .withPropertyValues("distill4j.distill.work-directory=" + dir.resolve("work"))
            .run(context -> {
                assertThat(context).hasNotFailed();
                DataGeneration generation = context.getBean(DataGeneration.class);
                assertThat(generation.models()).containsExactly("supportLlm");
                GenerationSpec spec = GenerationSpec.builder(LabelSet.of("card", "transfer")).textsPerLabel(4)
                        .textsPerRequest(4).withoutEmbeddingModel().checkLabels(true).build();

                Path output = dir.resolve("out/generated.jsonl");
                Files.createDirectories(output.getParent());
                GenerationReport report = generation.generate("supportLlm", spec, output);

                assertThat(report.total().kept()).isEqualTo(8);
                assertThat(Files.readAllLines(output)).hasSize(8).allSatisfy(line -> assertThat(line)
                        .containsAnyOf("\"label\":\"card\"", "\"label\":\"transfer\""));
                assertThat(GenerationReportWriter.readJson(dir.resolve("out/generated.report.json")).total().kept())
                        .isEqualTo(8);
                assertThat(dir.resolve("out/generated.report.html")).isRegularFile();
                assertThat(dir.resolve("work")).isDirectoryRecursivelyContaining("glob:**/generation/**");

                int asked = requests.get();
                generation.generate("supportLlm", spec, dir.resolve("out/again.jsonl"));
                assertThat(requests).as("journalled under the cache").hasValue(asked);

                assertThatThrownBy(() -> generation.generate("unknownLlm", spec, output))
                        .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("unknownLlm")
                        .hasMessageContaining("supportLlm");
            });
    }

    /** Numbered texts naming the requested label for a generation prompt; the named label for a labelling one. */
    private static ChatResponse answer(Prompt prompt, AtomicInteger requests) {
        requests.incrementAndGet();
        String message = prompt.getInstructions().get(prompt.getInstructions().size() - 1).getText();
        String answer;
        if (message.startsWith("Classify")) {
            String text = message.substring(message.lastIndexOf("Text:\n") + 6).toLowerCase(Locale.ROOT);
            answer = "{\"label\": \"" + (text.contains("card") ? "card" : "transfer") + "\"}";
        }
        else {
            String label = message.contains("\"card\"") ? "card" : "transfer";
            String request = message.replaceAll("(?s).*This is request (\\d+).*", "$1");
            answer = "[" + String.join(", ", List.of(1, 2, 3, 4).stream()
                    .map(i -> "\"Question " + request + "." + i + " about my " + label + ", number " + i + "\"")
                    .toList()) + "]";
        }
        return new ChatResponse(List.of(new Generation(new AssistantMessage(answer))));
    }
}
