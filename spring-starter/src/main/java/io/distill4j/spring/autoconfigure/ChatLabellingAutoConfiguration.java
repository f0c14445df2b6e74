package io.distill4j.spring.autoconfigure;

import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.spring.ai.ChatLabellingModel;
import io.distill4j.spring.ai.ChatTextGenerationModel;
import io.distill4j.spring.ai.ChatModelAdapters;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * With Spring AI's chat API on the class path: every {@link ChatModel} bean becomes a labelling model of the
 * distiller under its bean name ({@link ChatLabellingModel}), so a spec's LLM teacher can name it, and a
 * text-generation model of the {@code DataGeneration} bean ({@link ChatTextGenerationModel}); Spring AI's
 * OpenAI model also answers with log-probabilities ({@link ChatModelAdapters}). Off with
 * {@code distill4j.distill.labelling.chat-models=false}.
 */
@AutoConfiguration(before = DistillAutoConfiguration.class)
@ConditionalOnClass({ ChatModel.class, PipelineDistiller.class })
@ConditionalOnBooleanProperty(name = "distill4j.distill.labelling.chat-models", matchIfMissing = true)
@EnableConfigurationProperties(DistillProperties.class)
public final class ChatLabellingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "distill4jChatModelAdapters")
    ChatModelAdapters distill4jChatModelAdapters(ListableBeanFactory beans, DistillProperties properties) {
        return new ChatModelAdapters(beans, properties.getLabelling().isStructuredOutput(),
                properties.getLabelling().isLogProbabilities());
    }
}
