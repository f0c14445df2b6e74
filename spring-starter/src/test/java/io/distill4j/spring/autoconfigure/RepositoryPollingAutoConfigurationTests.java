package io.distill4j.spring.autoconfigure;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;

import io.distill4j.api.InferenceEngine;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.polling.RepositoryPoller;
import io.distill4j.engine.polling.RepositoryPollingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code distill4j.inference.repository-poll-interval}: unset, nothing polls; set, a poller runs with the
 * context, loads new models by the load-on-startup rule and stops when the context closes.
 */
class RepositoryPollingAutoConfigurationTests {

    @TempDir
    static Path repository;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class))
        .withPropertyValues("distill4j.inference.model-repository=" + repository);

    @Test
    void unsetMeansNoPolling() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(RepositoryPollingConfig.class);
            assertThat(context).doesNotHaveBean(RepositoryPollingLifecycle.class);
        });
    }

    @Test
    void setItPollsWhileTheContextRunsAndLoadsNewModelsByTheStartupRule() {
        RepositoryPoller[] poller = new RepositoryPoller[1];
        this.runner.withPropertyValues("distill4j.inference.repository-poll-interval=2s").run(context -> {
                    assertThat(context).hasNotFailed();
                    RepositoryPollingConfig config = context.getBean(RepositoryPollingConfig.class);
                    assertThat(config.interval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(config.newModels().test("minilm")).isFalse();
                    RepositoryPollingLifecycle lifecycle = context.getBean(RepositoryPollingLifecycle.class);
                    assertThat(lifecycle.isRunning()).isTrue();
                    poller[0] = lifecycle.poller();
                    assertThat(poller[0].isRunning()).isTrue();
                });
        assertThat(poller[0].isRunning()).as("stopped with the context").isFalse();
    }

    @Test
    void newModelsFollowTheLoadOnStartupNamesOrStar() {
        // The application's own engine, so that the starter does not load the startup models (not on disk here).
        this.runner.withBean(OnnxInferenceEngine.class,
                () -> OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository).build()))
            .withPropertyValues("distill4j.inference.repository-poll-interval=1s",
                "distill4j.inference.load-on-startup=intents,other").run(context -> {
                    assertThat(context).hasNotFailed();
                    RepositoryPollingConfig config = context.getBean(RepositoryPollingConfig.class);
                    assertThat(config.newModels().test("intents")).isTrue();
                    assertThat(config.newModels().test("other")).isTrue();
                    assertThat(config.newModels().test("minilm")).isFalse();
                });
        InferenceProperties every = new InferenceProperties();
        every.getLoadOnStartup().add(InferenceProperties.EVERY_MODEL);
        assertThat(every.loadsOnStartup("anything")).isTrue();
        assertThat(new InferenceProperties().loadsOnStartup("anything")).isFalse();
    }

    @Test
    void anIntervalBelowOneSecondFailsTheStartNamingTheProperty() {
        this.runner.withPropertyValues("distill4j.inference.repository-poll-interval=500ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("distill4j.inference.repository-poll-interval")
                .hasMessageContaining("pollInterval must be at least 1s, was PT0.5S");
        });
    }

    @Test
    void pollingAnApplicationsOwnEngineThatIsNotTheOnnxEngineFailsTheStartNamingTheProperty() {
        InferenceEngine own = (InferenceEngine) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { InferenceEngine.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "the application's own engine";
                    default -> null;
                });
        this.runner.withBean(InferenceEngine.class, () -> own)
            .withPropertyValues("distill4j.inference.repository-poll-interval=5s")
            .run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("distill4j.inference.repository-poll-interval")
                    .hasMessageContaining("needs an OnnxInferenceEngine");
            });
    }
}
