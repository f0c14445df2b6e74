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
 * distiller's own workers; closing the context cancels the running ones and waits for them. A user's own
 * {@link Distiller} bean replaces it.
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class)
@ConditionalOnClass(PipelineDistiller.class)
@ConditionalOnBooleanProperty(name = "distill4j.distill.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ DistillProperties.class, InferenceProperties.class })
public final class DistillAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Distiller.class)
    PipelineDistiller distill4jDistiller(DistillProperties distill, InferenceProperties inference) {
        DistillerConfig.Builder config = DistillerConfig.builder(distill.workDirectoryPath())
            .modelRepository(inference.modelRepositoryPath()).concurrency(distill.getConcurrency())
            .trainingThreads(distill.getTrainingThreads()).maxEpochs(distill.getMaxEpochs());
        distill.cacheDirectoryPath().ifPresent(config::cacheDirectory);
        if (distill.getThreads() > 0) {
            config.threads(distill.getThreads());
        }
        return new PipelineDistiller(config.build());
    }
}
