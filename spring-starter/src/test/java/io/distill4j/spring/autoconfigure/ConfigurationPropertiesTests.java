package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.session.OptimizationLevel;
import io.distill4j.pipeline.DistillerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code distill4j.inference.*} and {@code distill4j.distill.*} property reaches the {@link EngineConfig}
 * and {@link DistillerConfig} beans, the defaults are the library's, and a value the library refuses fails the
 * start with a message naming the property.
 */
class ConfigurationPropertiesTests {

    @TempDir
    static Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class, DistillAutoConfiguration.class))
        .withPropertyValues("distill4j.inference.model-repository=" + dir, "distill4j.distill.work-directory=" + dir);

    @Test
    void withNoPropertiesTheConfigsAreTheLibrarysDefaults() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(EngineConfig.class)).usingRecursiveComparison().ignoringFields("listener")
                .isEqualTo(EngineConfig.builder().modelRepository(dir).build());
            DistillerConfig distiller = context.getBean(DistillerConfig.class);
            assertThat(distiller).usingRecursiveComparison().ignoringFields("memoryLimitBytes")
                .isEqualTo(DistillerConfig.builder(dir).modelRepository(dir).build());
            // The library's default counts the free memory when it is built, so only its floor is fixed.
            assertThat(distiller.memoryLimitBytes()).isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory() / 2);
        });
    }

    @Test
    void everyPropertyReachesTheConfigs() {
        Path cache = dir.resolve("cache-elsewhere");
        this.runner.withPropertyValues("distill4j.inference.compatibility-check=false",
                "distill4j.inference.max-text-size=2KB", "distill4j.inference.max-batch-items=7",
                "distill4j.inference.max-tensor-elements=4096", "distill4j.inference.drain-timeout=5s",
                "distill4j.inference.session.intra-op-threads=3", "distill4j.inference.session.inter-op-threads=2",
                "distill4j.inference.session.intra-op-spinning=false",
                "distill4j.inference.session.optimization-level=basic",
                "distill4j.inference.session.execution-providers=cuda,cpu",
                "distill4j.inference.session.cuda-device-id=1", "distill4j.inference.batching.max-batch-size=8",
                "distill4j.inference.batching.max-queue-delay=3ms", "distill4j.inference.batching.queue-capacity=99",
                "distill4j.distill.cache-directory=" + cache, "distill4j.distill.concurrency=2",
                "distill4j.distill.threads=5", "distill4j.distill.training-threads=4",
                "distill4j.distill.max-sequence-length=64", "distill4j.distill.max-epochs=9",
                "distill4j.distill.memory-limit=3GB")
            .run(context -> {
                assertThat(context).hasNotFailed();
                EngineConfig engine = context.getBean(EngineConfig.class);
                assertThat(engine.modelRepository()).isEqualTo(dir);
                assertThat(engine.compatibilityCheck()).isFalse();
                assertThat(engine.maxTextBytes()).isEqualTo(2048);
                assertThat(engine.maxBatchItems()).isEqualTo(7);
                assertThat(engine.maxTensorElements()).isEqualTo(4096);
                assertThat(engine.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
                assertThat(engine.session().intraOpThreads()).isEqualTo(3);
                assertThat(engine.session().interOpThreads()).isEqualTo(2);
                assertThat(engine.session().intraOpSpinning()).isFalse();
                assertThat(engine.session().optimizationLevel()).isEqualTo(OptimizationLevel.BASIC);
                assertThat(engine.session().executionProviders())
                    .containsExactly(ExecutionProvider.CUDA, ExecutionProvider.CPU);
                assertThat(engine.session().cudaDeviceId()).isEqualTo(1);
                assertThat(engine.batching().maxBatchSize()).isEqualTo(8);
                assertThat(engine.batching().maxQueueDelay()).isEqualTo(Duration.ofMillis(3));
                assertThat(engine.batching().queueCapacity()).isEqualTo(99);

                DistillerConfig distiller = context.getBean(DistillerConfig.class);
                assertThat(distiller.workDirectory()).isEqualTo(dir);
                assertThat(distiller.cacheDirectory()).isEqualTo(cache);
                assertThat(distiller.modelRepository()).contains(dir);
                assertThat(distiller.concurrency()).isEqualTo(2);
                assertThat(distiller.threads()).isEqualTo(5);
                assertThat(distiller.trainingThreads()).isEqualTo(4);
                assertThat(distiller.maxSequenceLength()).isEqualTo(64);
                assertThat(distiller.maxEpochs()).isEqualTo(9);
                assertThat(distiller.memoryLimitBytes()).isEqualTo(3L * 1024 * 1024 * 1024);
            });
    }

    @Test
    void theFormerSessionPropertyNamesStillApply() {
        this.runner.withPropertyValues("distill4j.inference.intra-op-threads=2",
                "distill4j.inference.intra-op-spinning=false").run(context -> {
                    EngineConfig engine = context.getBean(EngineConfig.class);
                    assertThat(engine.session().intraOpThreads()).isEqualTo(2);
                    assertThat(engine.session().intraOpSpinning()).isFalse();
                });
    }

    @Test
    void theApplicationsOwnConfigsReplaceTheStartersAndItsPropertiesAreNotChecked() {
        EngineConfig own = EngineConfig.builder().modelRepository(dir).maxBatchItems(3).build();
        DistillerConfig ownDistiller = DistillerConfig.builder(dir).concurrency(4).build();
        this.runner.withBean(EngineConfig.class, () -> own).withBean(DistillerConfig.class, () -> ownDistiller)
            .withPropertyValues("distill4j.inference.max-batch-items=0", "distill4j.distill.concurrency=0")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(EngineConfig.class)).isSameAs(own);
                assertThat(context.getBean(DistillerConfig.class)).isSameAs(ownDistiller);
            });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            distill4j.inference.max-text-size               | -1KB | maxTextBytes must be >= 1
            distill4j.inference.max-text-size               | 4GB  | must be at most 2147483647 bytes
            distill4j.inference.max-batch-items             | 0    | maxBatchItems must be >= 1
            distill4j.inference.max-tensor-elements         | -5   | maxTensorElements must be >= 1
            distill4j.inference.drain-timeout               | -1s  | drainTimeout must be zero or positive
            distill4j.inference.repository-poll-interval    | 500ms | pollInterval must be at least 1s
            distill4j.inference.session.intra-op-threads    | -1   | intraOpThreads must be between 0
            distill4j.inference.session.inter-op-threads    | 2000 | interOpThreads must be between 0
            distill4j.inference.session.cuda-device-id      | -1   | cudaDeviceId must be >= 0
            distill4j.inference.session.execution-providers | ''   | executionProviders must name at least one provider
            distill4j.inference.batching.max-batch-size     | 0    | maxBatchSize must be >= 1
            distill4j.inference.batching.max-queue-delay    | -2ms | maxQueueDelay must be >= 0
            distill4j.inference.batching.queue-capacity     | 0    | queueCapacity must be >= 1
            distill4j.distill.concurrency                   | 0    | concurrency must be in 1..64
            distill4j.distill.threads                       | 0    | threads must be in 1..256
            distill4j.distill.training-threads              | 0    | trainingThreads must be in 1..256
            distill4j.distill.max-sequence-length           | 4    | maxSequenceLength must be in 8..512
            distill4j.distill.max-epochs                    | 0    | maxEpochs must be in 1..1000
            distill4j.distill.memory-limit                  | -1MB | memoryLimitBytes must be > 0
            """)
    void aValueTheLibraryRefusesFailsTheStartNamingTheProperty(String property, String value, String reason) {
        this.runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageStartingWith("Property " + property + " with value '")
                .hasMessageContaining(reason)
                .satisfies(ex -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName())
                    .isEqualTo(property));
        });
    }

    @Test
    void aValueThatDoesNotBindFailsTheStartNamingTheProperty() {
        this.runner.withPropertyValues("distill4j.inference.session.optimization-level=fastest").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("distill4j.inference.session.optimization-level");
        });
    }
}
