package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.spring.ai.EngineEmbeddingModel;
import io.distill4j.spring.ai.EngineEmbeddingModels;

import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With Spring AI on the class path: an {@link EngineEmbeddingModels} factory for every text-embedding model
 * of the engine, and, when {@code distill4j.ai.embedding-model} names one, that model as the application's
 * {@link EmbeddingModel} (unless the application defines its own).
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class)
@ConditionalOnClass(EmbeddingModel.class)
@ConditionalOnBean(InferenceEngine.class)
public final class SpringAiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EngineEmbeddingModels distill4jEmbeddingModels(InferenceEngine engine) {
        return new EngineEmbeddingModels(engine);
    }

    @Bean
    @ConditionalOnProperty(name = "distill4j.ai.embedding-model")
    @ConditionalOnMissingBean(EmbeddingModel.class)
    EngineEmbeddingModel distill4jEmbeddingModel(EngineEmbeddingModels models,
            @Value("${distill4j.ai.embedding-model}") String model) {
        return models.get(model);
    }
}
