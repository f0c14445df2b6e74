package io.distill4j.spring.autoconfigure;

import java.util.List;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.session.SessionConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The in-process inference engine on ONNX Runtime, over the model repository of
 * {@code distill4j.inference.model-repository}; closed (every session and native buffer released) when
 * the context closes. Every {@link InferenceListener} bean (such as the metrics) hears its requests. A
 * user's own {@link InferenceEngine} bean replaces it.
 */
@AutoConfiguration
@ConditionalOnClass(OnnxInferenceEngine.class)
@ConditionalOnBooleanProperty(name = "distill4j.inference.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferenceProperties.class)
public final class InferenceAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(InferenceEngine.class)
    OnnxInferenceEngine distill4jInferenceEngine(InferenceProperties properties,
            ObjectProvider<InferenceListener> listeners) {
        SessionConfig.Builder session = SessionConfig.builder().interOpThreads(1)
            .intraOpSpinning(properties.isIntraOpSpinning());
        if (properties.getIntraOpThreads() > 0) {
            session.intraOpThreads(properties.getIntraOpThreads());
        }
        OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
            .modelRepository(properties.modelRepositoryPath()).session(session.build())
            .compatibilityCheck(properties.isCompatibilityCheck())
            .listener(InferenceListener.of(listeners.orderedStream().toList())).build());
        try {
            List<String> names = properties.getLoadOnStartup();
            if (names.equals(List.of(InferenceProperties.EVERY_MODEL))) {
                names = engine.repositoryIndex().stream().map(RepositoryEntry::name).toList();
            }
            names.forEach(engine::load);
            return engine;
        }
        catch (RuntimeException ex) {
            engine.close();
            throw ex;
        }
    }
}
