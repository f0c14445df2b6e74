package io.distill4j.spring.autoconfigure;

import java.util.List;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.metrics.InferenceListener;
import io.distill4j.engine.polling.RepositoryPoller;
import io.distill4j.engine.polling.RepositoryPollingConfig;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.SessionConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The in-process inference engine on ONNX Runtime, over the model repository of
 * {@code distill4j.inference.model-repository}; closed (every session and native buffer released) when
 * the context closes. Its {@link EngineConfig} is a bean of its own, built from {@link InferenceProperties}
 * (a value the engine refuses fails the start, naming the property); every {@link InferenceListener} bean
 * (such as the metrics) hears its requests. A user's own {@link EngineConfig} or {@link InferenceEngine}
 * bean replaces the starter's. With {@code distill4j.inference.repository-poll-interval} set, a
 * {@link RepositoryPoller} follows the repository's changes while the context runs.
 */
@AutoConfiguration
@ConditionalOnClass(OnnxInferenceEngine.class)
@ConditionalOnBooleanProperty(name = "distill4j.inference.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferenceProperties.class)
public final class InferenceAutoConfiguration {

    private static final String PREFIX = "distill4j.inference.";

    @Bean
    @ConditionalOnMissingBean
    EngineConfig distill4jEngineConfig(InferenceProperties properties, ObjectProvider<InferenceListener> listeners) {
        InferenceProperties.Session session = properties.getSession();
        InferenceProperties.Batching batching = properties.getBatching();
        SettingsMapping mapping = new SettingsMapping();
        return mapping.build(() -> EngineConfig.builder()
            .modelRepository(properties.modelRepositoryPath())
            .compatibilityCheck(properties.isCompatibilityCheck())
            .maxTextBytes(mapping.property("maxTextBytes", PREFIX + "max-text-size",
                    SettingsMapping.intBytes(PREFIX + "max-text-size", properties.getMaxTextSize())))
            .maxBatchItems(mapping.property("maxBatchItems", PREFIX + "max-batch-items", properties.getMaxBatchItems()))
            .maxTensorElements(mapping.property("maxTensorElements", PREFIX + "max-tensor-elements",
                    properties.getMaxTensorElements()))
            .drainTimeout(mapping.property("drainTimeout", PREFIX + "drain-timeout", properties.getDrainTimeout()))
            .session(SessionConfig.builder()
                .intraOpThreads(mapping.property("intraOpThreads", PREFIX + "session.intra-op-threads",
                        session.getIntraOpThreads()))
                .interOpThreads(mapping.property("interOpThreads", PREFIX + "session.inter-op-threads",
                        session.getInterOpThreads()))
                .intraOpSpinning(session.isIntraOpSpinning())
                .optimizationLevel(mapping.property("optimizationLevel", PREFIX + "session.optimization-level",
                        session.getOptimizationLevel()))
                .executionProviders(mapping.property("executionProviders", PREFIX + "session.execution-providers",
                        session.getExecutionProviders()))
                .cudaDeviceId(mapping.property("cudaDeviceId", PREFIX + "session.cuda-device-id",
                        session.getCudaDeviceId()))
                .build())
            .batching(BatchingConfig.builder()
                .maxBatchSize(mapping.property("maxBatchSize", PREFIX + "batching.max-batch-size",
                        batching.getMaxBatchSize()))
                .maxQueueDelay(mapping.property("maxQueueDelay", PREFIX + "batching.max-queue-delay",
                        batching.getMaxQueueDelay()))
                .queueCapacity(mapping.property("queueCapacity", PREFIX + "batching.queue-capacity",
                        batching.getQueueCapacity()))
                .policy(batching.getPolicy())
                .build())
            .instances(new InstanceGroup(mapping.property("instances", PREFIX + "instances.count",
                    properties.getInstances().getCount()), properties.getInstances().getSessions()))
            .listener(InferenceListener.of(listeners.orderedStream().toList()))
            .build());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(InferenceEngine.class)
    OnnxInferenceEngine distill4jInferenceEngine(EngineConfig config, InferenceProperties properties) {
        OnnxInferenceEngine engine = OnnxInferenceEngine.open(config);
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

    /**
     * Repository polling ({@code distill4j.inference.repository-poll-interval}), off unless the interval is
     * set: new model folders are loaded by the {@code load-on-startup} rule.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "distill4j.inference", name = "repository-poll-interval")
    static class RepositoryPollingConfiguration {

        private static final String INTERVAL = PREFIX + "repository-poll-interval";

        @Bean
        @ConditionalOnMissingBean
        RepositoryPollingConfig distill4jRepositoryPollingConfig(InferenceProperties properties) {
            SettingsMapping mapping = new SettingsMapping();
            return mapping.build(() -> RepositoryPollingConfig.builder()
                .interval(mapping.property("pollInterval", INTERVAL, properties.getRepositoryPollInterval()))
                .newModels(properties::loadsOnStartup)
                .build());
        }

        @Bean
        RepositoryPollingLifecycle distill4jRepositoryPolling(InferenceEngine engine, RepositoryPollingConfig config,
                InferenceProperties properties) {
            if (!(engine instanceof OnnxInferenceEngine onnx)) {
                throw new InvalidConfigurationPropertyValueException(INTERVAL, properties.getRepositoryPollInterval(),
                        "repository polling needs an OnnxInferenceEngine, but the InferenceEngine bean is a "
                                + engine.getClass().getName());
            }
            return new RepositoryPollingLifecycle(onnx, config);
        }
    }
}
