package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.Classification;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.Tensor;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.ServingPlan;
import io.distill4j.spring.actuate.Distill4jInfoContributor;
import io.distill4j.spring.actuate.DistillationsEndpoint;
import io.distill4j.spring.actuate.DistillationsEndpointWebExtension;
import io.distill4j.spring.actuate.DistillerHealthIndicator;
import io.distill4j.spring.actuate.EngineHealthIndicator;
import io.distill4j.spring.actuate.ModelsEndpoint;
import io.distill4j.spring.actuate.ModelsEndpointWebExtension;
import io.distill4j.spring.actuate.ModelsHealthContributor;
import io.distill4j.spring.grpc.ClosedAdminInterceptor;
import io.distill4j.spring.security.Distill4jAuthenticationManager;
import io.distill4j.spring.testing.MiniLmRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin auto-configurations in real contexts (an engine over MiniLM, a distiller): endpoints only where
 * exposed, health and info switches, the security beans, missing classes and the application's own beans.
 */
class AdminAutoConfigurationIT {

    @TempDir
    static Path dir;

    private static Path repository;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InferenceAutoConfiguration.class, DistillAutoConfiguration.class,
                GrpcAutoConfiguration.class, Distill4jSecurityAutoConfiguration.class,
                AdminEndpointsAutoConfiguration.class))
        .withPropertyValues("distill4j.serving.enabled=true", "distill4j.inference.model-repository=" + repository,
                "distill4j.distill.work-directory=" + dir.resolve("work"));

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(Distill4jSecurityAutoConfiguration.class,
                UserDetailsServiceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
                ManagementWebSecurityAutoConfiguration.class));

    @BeforeAll
    static void repository() throws Exception {
        repository = MiniLmRepository.install(dir.resolve("repo"));
    }

    @Test
    void theEndpointsExistOnlyWhereTheApplicationExposesThem() {
        this.runner.run(context -> assertThat(context).doesNotHaveBean(ModelsEndpoint.class)
            .doesNotHaveBean(DistillationsEndpoint.class));
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=models,distillations")
            .run(context -> assertThat(context).hasSingleBean(ModelsEndpoint.class)
                .hasSingleBean(ModelsEndpointWebExtension.class).hasSingleBean(DistillationsEndpoint.class)
                .hasSingleBean(DistillationsEndpointWebExtension.class));
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=models",
                "distill4j.distill.enabled=false")
            .run(context -> assertThat(context).hasSingleBean(ModelsEndpoint.class)
                .doesNotHaveBean(DistillationsEndpoint.class).doesNotHaveBean(DistillerHealthIndicator.class));
    }

    @Test
    void healthAndInfoAreOnByDefaultAndEachHasItsSwitch() {
        this.runner.run(context -> assertThat(context).hasSingleBean(EngineHealthIndicator.class)
            .hasSingleBean(ModelsHealthContributor.class).hasSingleBean(DistillerHealthIndicator.class)
            .hasSingleBean(Distill4jInfoContributor.class));
        this.runner.withPropertyValues("management.health.distill4j.enabled=false", "management.info.distill4j.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(EngineHealthIndicator.class)
                .doesNotHaveBean(ModelsHealthContributor.class).doesNotHaveBean(DistillerHealthIndicator.class)
                .doesNotHaveBean(Distill4jInfoContributor.class));
    }

    @Test
    void oneSwitchLeavesTheActuatorPartOut() {
        this.runner.withPropertyValues("distill4j.actuator.enabled=false",
                "management.endpoints.web.exposure.include=models,distillations")
            .run(context -> assertThat(context).doesNotHaveBean(ModelsEndpoint.class)
                .doesNotHaveBean(DistillationsEndpoint.class).doesNotHaveBean(EngineHealthIndicator.class)
                .doesNotHaveBean(Distill4jInfoContributor.class).hasSingleBean(Distill4jAuthenticationManager.class));
    }

    @Test
    void withoutTheActuatorOrHealthOnTheClassPathTheirBeansAreLeftOut() {
        this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
            .withPropertyValues("management.endpoints.web.exposure.include=models")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ModelsEndpoint.class)
                .doesNotHaveBean(EngineHealthIndicator.class));
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
            .withPropertyValues("management.endpoints.web.exposure.include=models")
            .run(context -> assertThat(context).hasSingleBean(ModelsEndpoint.class)
                .doesNotHaveBean(EngineHealthIndicator.class).doesNotHaveBean(DistillerHealthIndicator.class));
    }

    @Test
    void aUserWrappedEngineStillShowsProviderAndVerdictInTheModelsEndpointHealthAndInfo() {
        try (OnnxInferenceEngine onnx = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .build())) {
            onnx.load("minilm");
            this.runner.withPropertyValues("management.endpoints.web.exposure.include=models")
                .withBean("myEngine", InferenceEngine.class, () -> new DelegatingEngine(onnx))
                .run(context -> {
                    assertThat(context).hasNotFailed().getBean(InferenceEngine.class).isInstanceOf(DelegatingEngine.class);

                    ModelsEndpoint.Model model = context.getBean(ModelsEndpoint.class).model("minilm");
                    assertThat(model.provider()).isEqualTo("CPU");
                    assertThat(model.compatibility()).isEqualTo("compatible");
                    assertThat(model.task()).isEqualTo("text-embedding");
                    assertThat(model.serving()).as("a wrapped engine does not tell").isNull();

                    Health health = ((HealthIndicator) context.getBean(ModelsHealthContributor.class)
                        .getContributor("minilm")).health();
                    assertThat(health.getDetails()).containsEntry("provider", "CPU")
                        .containsEntry("compatibility", "compatible").containsEntry("queued", 0);

                    Info.Builder info = new Info.Builder();
                    context.getBean(Distill4jInfoContributor.class).contribute(info);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> distill4j = (Map<String, Object>) info.build().get("distill4j");
                    assertThat(distill4j.get("models")).isEqualTo(
                            List.of(Map.of("model", "minilm/1", "provider", "CPU", "compatibility", "compatible")));
                });
        }
    }

    @Test
    void theModelsEndpointShowsHowEachServedModelRunsFromTheProperties() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=models",
                "distill4j.inference.load-on-startup=minilm", "distill4j.inference.instances.count=2",
                "distill4j.inference.instances.sessions=per-instance", "distill4j.inference.batching.policy=greedy",
                "distill4j.inference.session.intra-op-threads=2")
            .run(context -> {
                ModelsEndpoint.Model model = context.getBean(ModelsEndpoint.class).model("minilm");
                assertThat(model.serving()).isEqualTo(new ServingPlan(2, 2, 1, "greedy", 32, 32, ""));
            });
        this.runner.withPropertyValues("distill4j.inference.instances.count=65")
            .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("distill4j.inference.instances.count")
                .hasMessageContaining("instances must be between 1 and 64"));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=models")
            .withBean("myModels", ModelsEndpoint.class, () -> new ModelsEndpoint(null))
            .withBean("distill4jEngineHealthIndicator", HealthIndicator.class,
                    () -> () -> org.springframework.boot.health.contributor.Health.up().build())
            .withBean("distill4jAuthenticationManager", Distill4jAuthenticationManager.class,
                    () -> new Distill4jAuthenticationManager(Optional.of("mine"), Optional.empty(), Optional.empty(),
                            Optional.empty()))
            .run(context -> {
                assertThat(context).hasSingleBean(ModelsEndpoint.class).hasBean("myModels")
                    .doesNotHaveBean("distill4jModelsEndpoint").doesNotHaveBean(EngineHealthIndicator.class);
                assertThat(context.getBean(Distill4jAuthenticationManager.class).adminEnabled()).isTrue();
            });
    }

    @Test
    void withSpringSecurityOneAuthenticationManagerHoldsTheCredentials() {
        this.runner.withPropertyValues("distill4j.security.admin.token=s3cret").run(context -> {
            assertThat(context).hasSingleBean(AuthenticationManager.class).doesNotHaveBean(ClosedAdminInterceptor.class);
            assertThat(context.getBean(Distill4jAuthenticationManager.class).adminEnabled()).isTrue();
        });
        this.runner.withPropertyValues("distill4j.security.admin.username=ops").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("distill4j.security.admin.username and .password must be set together");
        });
    }

    @Test
    void withoutSpringSecurityAdminMethodsStayClosedAndCredentialsFailTheStart() {
        FilteredClassLoader noSecurity = new FilteredClassLoader(AuthenticationManager.class);
        this.runner.withClassLoader(noSecurity).run(context -> assertThat(context)
            .doesNotHaveBean(Distill4jAuthenticationManager.class).hasSingleBean(ClosedAdminInterceptor.class));
        this.runner.withClassLoader(noSecurity).withPropertyValues("distill4j.security.admin.token=s3cret")
            .run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("nothing can check them");
            });
    }

    @Test
    void theManagementFilterChainReplacesBootsDefaultsAndGivesWayToTheApplicationsChain() {
        this.web.withPropertyValues("distill4j.security.admin.token=s3cret").run(context -> {
            assertThat(context).hasNotFailed().hasBean("distill4jManagementSecurityFilterChain")
                .doesNotHaveBean("managementSecurityFilterChain").doesNotHaveBean(UserDetailsService.class);
            assertThat(context).getBeans(SecurityFilterChain.class).hasSize(1);
        });
        this.web.withUserConfiguration(OwnChain.class).run(context -> assertThat(context)
            .doesNotHaveBean("distill4jManagementSecurityFilterChain").hasBean("ownChain"));
        // Without the actuator, Spring Boot's own default chain is left in place.
        this.web.withClassLoader(new FilteredClassLoader(WebEndpointAutoConfiguration.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("distill4jManagementSecurityFilterChain");
            assertThat(context).getBeans(SecurityFilterChain.class).hasSize(1);
        });
    }

    /** What an application writes to decorate the engine: every call handed on, nothing else. */
    static final class DelegatingEngine implements InferenceEngine {

        private final InferenceEngine delegate;

        DelegatingEngine(InferenceEngine delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<RepositoryEntry> repositoryIndex() {
            return this.delegate.repositoryIndex();
        }

        @Override
        public List<ModelDescriptor> loadedModels() {
            return this.delegate.loadedModels();
        }

        @Override
        public ModelDescriptor describe(String modelName) {
            return this.delegate.describe(modelName);
        }

        @Override
        public int queueDepth(String modelName) {
            return this.delegate.queueDepth(modelName);
        }

        @Override
        public ModelDescriptor load(String modelName) {
            return this.delegate.load(modelName);
        }

        @Override
        public ModelDescriptor load(String modelName, long version) {
            return this.delegate.load(modelName, version);
        }

        @Override
        public boolean unload(String modelName) {
            return this.delegate.unload(modelName);
        }

        @Override
        public Map<String, Tensor> infer(String modelName, Map<String, Tensor> inputs) {
            return this.delegate.infer(modelName, inputs);
        }

        @Override
        public List<float[]> embed(String modelName, List<String> texts) {
            return this.delegate.embed(modelName, texts);
        }

        @Override
        public List<Classification> classify(String modelName, List<String> texts, int topK) {
            return this.delegate.classify(modelName, texts, topK);
        }

        @Override
        public List<float[]> logits(String modelName, List<String> texts) {
            return this.delegate.logits(modelName, texts);
        }

        @Override
        public InferenceEngine withTimeout(Duration timeout) {
            return this.delegate.withTimeout(timeout);
        }

        /** Leaves the engine open: the test that made it closes it. */
        @Override
        public void close() {
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class OwnChain {

        @org.springframework.context.annotation.Bean
        SecurityFilterChain ownChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
        }
    }
}
