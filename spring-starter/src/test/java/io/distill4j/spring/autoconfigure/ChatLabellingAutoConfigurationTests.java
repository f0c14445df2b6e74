package io.distill4j.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.distill4j.spring.ai.ChatModelAdapters;

class ChatLabellingAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ChatLabellingAutoConfiguration.class))
        .withBean("openAiLlm", ChatModel.class, () -> OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl("http://127.0.0.1:9/v1").apiKey("unused").model("m").build()).build())
        .withBean("otherLlm", ChatModel.class, () -> new ChatModel() {
            @Override
            public ChatResponse call(Prompt prompt) {
                throw new UnsupportedOperationException("not called");
            }
        });

    @Test
    void everyChatModelBeanIsALabellingAndATextGenerationModelAndOpenAiOnesReadLogProbabilities() {
        this.runner.run(context -> {
            var models = context.getBean(ChatModelAdapters.class).labellingModels();
            assertThat(models).containsOnlyKeys("openAiLlm", "otherLlm");
            assertThat(models.get("openAiLlm").id()).isEqualTo("openAiLlm:OpenAiChatModel:m:schema:logprobs");
            assertThat(models.get("otherLlm").id()).doesNotContain("logprobs");
            assertThat(context.getBean(ChatModelAdapters.class).textGenerationModels())
                    .containsOnlyKeys("openAiLlm", "otherLlm");
        });
    }

    @Test
    void logProbabilitiesAndStructuredOutputCanBeTurnedOff() {
        this.runner.withPropertyValues("distill4j.distill.labelling.log-probabilities=false",
                "distill4j.distill.labelling.structured-output=false").run(context -> assertThat(context
                        .getBean(ChatModelAdapters.class).labellingModels().get("openAiLlm").id())
                        .isEqualTo("openAiLlm:OpenAiChatModel:m"));
    }

    @Test
    void offWithThePropertyOrWithoutSpringAi() {
        this.runner.withPropertyValues("distill4j.distill.labelling.chat-models=false")
            .run(context -> assertThat(context).doesNotHaveBean(ChatModelAdapters.class));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ChatLabellingAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(ChatModel.class))
            .run(context -> assertThat(context).doesNotHaveBean(ChatModelAdapters.class));
    }
}
