package io.distill4j.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.generation.TextGenerationModel;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.spring.ai.LabellingModelSource;
import io.distill4j.spring.ai.TextGenerationModelSource;
import io.distill4j.spring.generation.DataGeneration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link Distiller} bean: {@code distiller.distill(spec)} from any Spring component. Jobs run on the
 * distiller's own workers; closing the context cancels the running ones and waits for them. Its
 * {@link DistillerConfig} is a bean of its own, built from {@link DistillProperties} (a value the distiller
 * refuses fails the start, naming the property). A user's own {@link DistillerConfig} or {@link Distiller}
 * bean replaces the starter's. The labelling models its LLM teachers name are every {@link LabellingModel} bean
 * and every model of a {@link LabellingModelSource} bean (with Spring AI: each {@code ChatModel} bean), by bean
 * name; {@code distill4j.distill.labelling.*} says how they are asked.
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class)
@ConditionalOnClass(PipelineDistiller.class)
@ConditionalOnBooleanProperty(name = "distill4j.distill.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ DistillProperties.class, InferenceProperties.class })
public final class DistillAutoConfiguration {

    private static final String PREFIX = "distill4j.distill.";

    @Bean
    @ConditionalOnMissingBean
    DistillerConfig distill4jDistillerConfig(DistillProperties distill, InferenceProperties inference,
            ListableBeanFactory beans, ObjectProvider<LabellingModelSource> labellingSources) {
        SettingsMapping mapping = new SettingsMapping();
        return mapping.build(() -> {
            DistillerConfig.Builder config = DistillerConfig.builder(distill.workDirectoryPath())
                .modelRepository(inference.modelRepositoryPath())
                .concurrency(mapping.property("concurrency", PREFIX + "concurrency", distill.getConcurrency()))
                .trainingThreads(mapping.property("trainingThreads", PREFIX + "training-threads",
                        distill.getTrainingThreads()))
                .maxSequenceLength(mapping.property("maxSequenceLength", PREFIX + "max-sequence-length",
                        distill.getMaxSequenceLength()))
                .maxEpochs(mapping.property("maxEpochs", PREFIX + "max-epochs", distill.getMaxEpochs()));
            distill.cacheDirectoryPath().ifPresent(config::cacheDirectory);
            if (distill.getThreads() != null) {
                config.threads(mapping.property("threads", PREFIX + "threads", distill.getThreads()));
            }
            if (distill.getMemoryLimit() != null) {
                config.memoryLimitBytes(mapping.property("memoryLimitBytes", PREFIX + "memory-limit",
                        distill.getMemoryLimit()).toBytes());
            }
            beans.getBeansOfType(LabellingModel.class).forEach(config::labellingModel);
            labellingSources.orderedStream().forEach(source -> source.labellingModels().forEach(config::labellingModel));
            config.labellingLimits(labellingLimits(distill.getLabelling(), mapping));
            return config.build();
        });
    }

    private static LabellingLimits labellingLimits(DistillProperties.Labelling labelling, SettingsMapping mapping) {
        String prefix = PREFIX + "labelling.";
        return LabellingLimits.builder()
            .concurrency(mapping.property("labelling.concurrency", prefix + "concurrency", labelling.getConcurrency()))
            .requestsPerMinute(mapping.property("labelling.requestsPerMinute", prefix + "requests-per-minute",
                    labelling.getRequestsPerMinute()))
            .tokensPerMinute(mapping.property("labelling.tokensPerMinute", prefix + "tokens-per-minute",
                    labelling.getTokensPerMinute()))
            .retryAttempts(mapping.property("labelling.retryAttempts", prefix + "retry-attempts",
                    labelling.getRetryAttempts()))
            .backoff(mapping.property("labelling.initialBackoff", prefix + "initial-backoff",
                    labelling.getInitialBackoff()), mapping.property("labelling.maxBackoff", prefix + "max-backoff",
                            labelling.getMaxBackoff()))
            .pricePerMillionTokens(mapping.property("labelling.promptTokenPrice", prefix + "prompt-token-price",
                    labelling.getPromptTokenPrice()), mapping.property("labelling.completionTokenPrice",
                            prefix + "completion-token-price", labelling.getCompletionTokenPrice()))
            .build();
    }

    /**
     * LLM data generation with every {@link TextGenerationModel} bean and every model of a
     * {@link TextGenerationModelSource} bean (with Spring AI: each {@code ChatModel} bean), under the distiller's
     * labelling limits, journalled under its cache directory.
     */
    @Bean
    @ConditionalOnMissingBean
    DataGeneration distill4jDataGeneration(DistillerConfig config, ListableBeanFactory beans,
            ObjectProvider<TextGenerationModelSource> generationSources, ObjectProvider<InferenceEngine> engine) {
        Map<String, TextGenerationModel> models = new LinkedHashMap<>(
                beans.getBeansOfType(TextGenerationModel.class));
        generationSources.orderedStream().forEach(source -> source.textGenerationModels().forEach(models::putIfAbsent));
        return new DataGeneration(models, config.labellingModels(), Optional.ofNullable(engine.getIfAvailable()),
                config.labellingLimits(), config.cacheDirectory().resolve("generation"));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Distiller.class)
    PipelineDistiller distill4jDistiller(DistillerConfig config) {
        return new PipelineDistiller(config);
    }
}
