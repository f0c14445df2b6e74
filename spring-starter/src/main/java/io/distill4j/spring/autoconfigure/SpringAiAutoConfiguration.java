package io.distill4j.spring.autoconfigure;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.TaskType;
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

    /**
     * The named model, loaded now if {@code distill4j.inference.load-on-startup} did not load it: naming the model
     * is enough. A name the repository does not have fails the start with the engine's
     * {@code ModelNotFoundException}; a model that is not a text-embedding model fails it naming the property.
     */
    @Bean
    @ConditionalOnProperty(name = "distill4j.ai.embedding-model")
    @ConditionalOnMissingBean(EmbeddingModel.class)
    EngineEmbeddingModel distill4jEmbeddingModel(EngineEmbeddingModels models, InferenceEngine engine,
            @Value("${distill4j.ai.embedding-model}") String model) {
        ModelDescriptor descriptor = engine.loadedModels().stream().filter(loaded -> loaded.id().name().equals(model))
                .findFirst().orElseGet(() -> engine.load(model));
        if (descriptor.task() != TaskType.TEXT_EMBEDDING) {
            throw new IllegalStateException("distill4j.ai.embedding-model names '" + model + "', a "
                    + descriptor.task() + " model; Spring AI's EmbeddingModel needs a text-embedding model");
        }
        return models.get(model);
    }
}
