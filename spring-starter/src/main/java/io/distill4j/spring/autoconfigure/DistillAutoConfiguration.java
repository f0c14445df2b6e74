package io.distill4j.spring.autoconfigure;

import io.distill4j.api.distill.Distiller;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;

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
 * bean replaces the starter's.
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class)
@ConditionalOnClass(PipelineDistiller.class)
@ConditionalOnBooleanProperty(name = "distill4j.distill.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ DistillProperties.class, InferenceProperties.class })
public final class DistillAutoConfiguration {

    private static final String PREFIX = "distill4j.distill.";

    @Bean
    @ConditionalOnMissingBean
    DistillerConfig distill4jDistillerConfig(DistillProperties distill, InferenceProperties inference) {
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
            return config.build();
        });
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Distiller.class)
    PipelineDistiller distill4jDistiller(DistillerConfig config) {
        return new PipelineDistiller(config);
    }
}
